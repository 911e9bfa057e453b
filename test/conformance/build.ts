/**
 * Builds the package and bundles the conformance suite with esbuild into self-contained files
 * that any runtime can load: the built entry (resolved through package.json `exports`, as a user
 * would get it), the suite, fast-check and the vectors as embedded JSON.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { collectCases } from './collect.js';
import type { EntryName } from './suite.js';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

/** The bundles one build writes, by the runtime family that loads them. */
export interface SuiteBundles {
  /** ESM, default entry (pure JS), for Deno, Bun, workerd, Chromium and Node. */
  readonly defaultEsm: string;
  /** ESM, Node's entry (node:crypto), for Node, Deno and Bun. */
  readonly nodeEsm: string;
  /** A classic script defining `globalThis.conformance.run`, for edge-runtime's VM. */
  readonly defaultScript: string;
  /** How many vector cases are embedded. */
  readonly caseCount: number;
}

/** Compiles src/ to dist/ with the project's own build script. */
export function buildPackage(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
}

// The package imports itself by name, so resolution goes through its `exports` map.
const entrySource = (entry: EntryName, casesPath: string) => `
import * as engine from 'sigv4-presign';
import { runSuite } from './test/conformance/suite.ts';
import cases from ${JSON.stringify(casesPath)};
export const run = (runtime, numRuns) => runSuite(engine, cases, { runtime, entry: ${JSON.stringify(entry)}, numRuns });
`;

async function bundle(entry: EntryName, casesPath: string, outfile: string, format: 'esm' | 'iife'): Promise<void> {
  await esbuild.build({
    stdin: { contents: entrySource(entry, casesPath), resolveDir: repoRoot, sourcefile: `conformance-${entry}.js`, loader: 'js' },
    bundle: true,
    format,
    ...(format === 'iife' ? { globalName: 'conformance' } : {}),
    platform: entry === 'node' ? 'node' : 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
}

/** Builds dist/, collects the vectors and writes the bundles into `outDir`. */
export async function buildSuite(outDir: string): Promise<SuiteBundles> {
  buildPackage();
  const cases = collectCases();
  const casesPath = join(outDir, 'cases.json');
  writeFileSync(casesPath, JSON.stringify(cases));
  const bundles = {
    defaultEsm: join(outDir, 'suite-default.mjs'),
    nodeEsm: join(outDir, 'suite-node.mjs'),
    defaultScript: join(outDir, 'suite-default.js'),
    caseCount: cases.length,
  };
  await Promise.all([
    bundle('default', casesPath, bundles.defaultEsm, 'esm'),
    bundle('node', casesPath, bundles.nodeEsm, 'esm'),
    bundle('default', casesPath, bundles.defaultScript, 'iife'),
  ]);
  return bundles;
}
