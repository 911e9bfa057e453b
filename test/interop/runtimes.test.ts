/**
 * The runtime matrix: the same conformance bundle (the aws-crt vectors, the WebCrypto and platform
 * properties, the smoke presign) runs in Node, Deno, Bun, workerd (Miniflare), edge-runtime and
 * headless Chromium. Each run must report no failure and at least the checks that the embedded
 * cases call for, so that a runtime that silently ran less cannot pass.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeVM } from '@edge-runtime/vm';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, requireChromium } from './browser/chromium.js';
import { buildSuite, type SuiteBundles } from './conformance/build.js';
import { PROJECT } from '../support/cli-build.js';
import { vectorsPresent } from '../support/shared-vectors.js';
import { runChild } from './conformance/child.js';
import { runSuite, type SuiteReport } from './conformance/suite.js';
import * as app from '../../src/index.js';
import * as stages from '../../src/stages.js';

const engine = { ...stages, ...app };

const chromiumPath = requireChromium();
const NUM_RUNS = 100;
const TIMEOUT_MS = 120_000;

let dir: string;
let bundles: SuiteBundles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sigv4-runtimes-'));
  bundles = await buildSuite(dir);
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The checks one run must have made: five per vector (stages, URL, verifier), four properties, smoke. */
function expectComplete(report: SuiteReport, runtime: string, entry: string): void {
  expect({ runtime: report.runtime, entry: report.entry, failures: report.failures }).toEqual({
    runtime,
    entry,
    failures: [],
  });
  expect(report.failed).toBe(0);
  expect(report.counts.vectors).toBe(bundles.caseCount * 5);
  expect(report.counts.properties).toBe(4);
  expect(report.counts.smoke).toBe(4);
  // SigV4a: the entry's ECDSA check, then per case the presign and three verifier checks.
  expect(bundles.v4aCaseCount).toBe(vectorsPresent || process.env.CI ? 38 : 0);
  expect(report.counts.v4a).toBe(1 + bundles.v4aCaseCount * 4);
  expect(report.passed).toBe(
    report.counts.vectors + report.counts.properties + report.counts.smoke + report.counts.v4a,
  );
}

/** Writes a script that runs one bundle and prints its report as the last line of stdout. */
function driver(name: string, bundle: string, runtime: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(
    path,
    `import { run } from ${JSON.stringify(bundle)};\nconsole.log(JSON.stringify(await run(${JSON.stringify(runtime)}, ${NUM_RUNS})));\n`,
  );
  return path;
}

const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as SuiteReport;

describe(
  'the conformance suite runs in every runtime',
  () => {
    test('the suite catches a wrong signature (it can fail)', async () => {
      const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
      const broken = {
        ...engine,
        presignDetailed: (options: app.PresignOptions) => ({
          ...engine.presignDetailed(options),
          signature: '0'.repeat(64),
        }),
      };
      const report = await runSuite(broken, cases, { runtime: 'node', entry: 'default', numRuns: 5 });
      expect(report.failed).toBeGreaterThanOrEqual(bundles.caseCount);
      expect(
        report.failures.some((line) => line.startsWith('vectors: presign/s3-aws-doc-example: signature: got "0000')),
      ).toBe(true);
    });

    test.each([
      ['default', () => bundles.defaultEsm],
      ['node', () => bundles.nodeEsm],
    ] as const)('Node %s entry', async (entry, bundle) => {
      const { run } = (await import(bundle())) as { run: (runtime: string, numRuns: number) => Promise<SuiteReport> };
      expectComplete(await run('node', NUM_RUNS), 'node', entry);
    });

    test.each([
      ['default', () => bundles.defaultEsm],
      ['node', () => bundles.nodeEsm],
    ] as const)('Deno %s entry', async (entry, bundle) => {
      const script = driver(`deno-${entry}`, bundle(), 'deno');
      const stdout = await runChild(
        join(PROJECT, 'node_modules/.bin/deno'),
        ['run', '--no-prompt', `--allow-read=${dir}`, script],
        {
          cwd: dir,
          env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, 'deno-cache'), NO_COLOR: '1' },
          timeoutMs: TIMEOUT_MS,
        },
      );
      expectComplete(lastLine(stdout), 'deno', entry);
    });

    test.each([
      ['default', () => bundles.defaultEsm],
      ['node', () => bundles.nodeEsm],
    ] as const)('Bun %s entry', async (entry, bundle) => {
      const script = driver(`bun-${entry}`, bundle(), 'bun');
      const stdout = await runChild(join(PROJECT, 'node_modules/.bin/bun'), ['run', script], {
        cwd: dir,
        env: { BUN_INSTALL_CACHE_DIR: join(dir, 'bun-cache'), NO_COLOR: '1' },
        timeoutMs: TIMEOUT_MS,
      });
      expectComplete(lastLine(stdout), 'bun', entry);
    });

    test('Cloudflare workerd (Miniflare) default entry', async () => {
      const worker = `import { run } from './suite-default.mjs';
export default { async fetch() { return Response.json(await run('workerd', ${NUM_RUNS})); } };`;
      const mf = new Miniflare({
        modules: [
          { type: 'ESModule', path: join(dir, 'worker.mjs'), contents: worker },
          {
            type: 'ESModule',
            path: join(dir, 'suite-default.mjs'),
            contents: readFileSync(bundles.defaultEsm, 'utf8'),
          },
        ],
        modulesRoot: dir,
        compatibilityDate: '2026-04-01',
      });
      try {
        const response = await mf.dispatchFetch('http://localhost/');
        expectComplete((await response.json()) as SuiteReport, 'workerd', 'default');
      } finally {
        await mf.dispose();
      }
    });

    test('Vercel edge-runtime default entry', async () => {
      const vm = new EdgeVM();
      vm.evaluate(readFileSync(bundles.defaultScript, 'utf8'));
      const report = await vm.evaluate<Promise<SuiteReport>>(`conformance.run('edge-runtime', ${NUM_RUNS})`);
      // The report comes from the VM's realm: copy it into ours before comparing.
      expectComplete(JSON.parse(JSON.stringify(report)), 'edge-runtime', 'default');
    });

    test.runIf(chromiumPath !== undefined)('headless Chromium default entry', async () => {
      // The page runs the suite itself, as an application's module would. crypto.subtle needs a
      // secure context, which http://127.0.0.1 is.
      const page = `<!doctype html><title>conformance</title><script type="module">
import { run } from '/suite-default.mjs';
window.report = await run('chromium', ${NUM_RUNS});
document.title = 'done';
</script>`;
      const server: Server = createServer((request, response) => {
        if (request.url === '/suite-default.mjs') {
          response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundles.defaultEsm));
        } else {
          response.writeHead(200, { 'content-type': 'text/html' }).end(page);
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const browser = await launchChromium(chromiumPath!);
      try {
        const tab = await browser.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
        await tab.waitForFunction('document.title === "done"', undefined, { timeout: TIMEOUT_MS });
        expect(errors).toEqual([]);
        expect(await tab.evaluate('window.isSecureContext')).toBe(true);
        const report = await tab.evaluate('window.report');
        expectComplete(report as SuiteReport, 'chromium', 'default');
      } finally {
        await browser.close();
        server.close();
      }
    });
  },
  TIMEOUT_MS,
);
