/**
 * Builds the package and bundles the conformance suite with esbuild into self-contained files
 * that any runtime can load: the built entry (resolved through package.json `exports`, as a user
 * would get it), the suite, fast-check and the vectors as embedded JSON.
 *
 * The build goes to a throwaway package folder (test/support/cli-build.ts), never to the shared
 * dist/, so that tests running side by side do not read each other's half-written files.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildPackage } from '../../support/cli-build.js';
import { collectCases, collectV4aCases } from './collect.js';
import type { EntryName } from './suite.js';

const suitePath = fileURLToPath(new URL('./suite.ts', import.meta.url));

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
  /** How many SigV4a cases (aws-c-auth v4a) are embedded. */
  readonly v4aCaseCount: number;
}

/**
 * Builds the package into a throwaway folder, runs `use` with it (an import of `sigv4-presign`
 * resolved from there goes through its package.json, as a user's would) and removes it.
 */
export async function withBuiltPackage<T>(use: (packageFolder: string) => Promise<T>): Promise<T> {
  const folder = buildPackage();
  try {
    return await use(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

// The package imports itself by name, so resolution goes through its `exports` map.
const entrySource = (entry: EntryName, casesPath: string, v4aCasesPath: string) => `
import * as app from 'sigv4-presign';
import * as stages from 'sigv4-presign/stages';
import * as v4a from 'sigv4-presign/v4a';
import { runSuite } from ${JSON.stringify(suitePath)};
import cases from ${JSON.stringify(casesPath)};
import v4aCases from ${JSON.stringify(v4aCasesPath)};
const engine = { ...stages, ...app };
export const run = (runtime, numRuns) =>
  runSuite(engine, cases, { runtime, entry: ${JSON.stringify(entry)}, numRuns }, { engine: v4a, cases: v4aCases });
`;

async function bundle(
  packageFolder: string,
  entry: EntryName,
  casesPath: string,
  v4aCasesPath: string,
  outfile: string,
  format: 'esm' | 'iife',
) {
  await esbuild.build({
    stdin: {
      contents: entrySource(entry, casesPath, v4aCasesPath),
      resolveDir: packageFolder,
      sourcefile: `conformance-${entry}.js`,
      loader: 'js',
    },
    bundle: true,
    format,
    ...(format === 'iife' ? { globalName: 'conformance' } : {}),
    platform: entry === 'node' ? 'node' : 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
}

/** Builds the package, collects the vectors and writes the bundles into `outDir`. */
export async function buildSuite(outDir: string): Promise<SuiteBundles> {
  const cases = collectCases();
  const casesPath = join(outDir, 'cases.json');
  writeFileSync(casesPath, JSON.stringify(cases));
  const v4aCases = collectV4aCases();
  const v4aCasesPath = join(outDir, 'v4a-cases.json');
  writeFileSync(v4aCasesPath, JSON.stringify(v4aCases));
  const bundles = {
    defaultEsm: join(outDir, 'suite-default.mjs'),
    nodeEsm: join(outDir, 'suite-node.mjs'),
    defaultScript: join(outDir, 'suite-default.js'),
    caseCount: cases.length,
    v4aCaseCount: v4aCases.length,
  };
  await withBuiltPackage((folder) =>
    Promise.all([
      bundle(folder, 'default', casesPath, v4aCasesPath, bundles.defaultEsm, 'esm'),
      bundle(folder, 'node', casesPath, v4aCasesPath, bundles.nodeEsm, 'esm'),
      bundle(folder, 'default', casesPath, v4aCasesPath, bundles.defaultScript, 'iife'),
    ]),
  );
  return bundles;
}
