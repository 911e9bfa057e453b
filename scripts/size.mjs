#!/usr/bin/env node
/**
 * Size of each public entry as a user's bundler ships it: esbuild, minified, gzipped (level 9).
 * Exits 1 when `import { presign }` is over its budget. `--why` lists what each entry pulls in.
 *
 *   npm run size            # the table; exit 1 over budget
 *   npm run size -- --why   # plus esbuild's per-module breakdown
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
/** `import { presign }`, bundled, minified and gzipped, SHA-256 and HMAC included: issue 11's target. */
const PRESIGN_BUDGET = 5500;
/**
 * A known miss, reported on every run: the target is not met, and this limit, not the target,
 * fails CI, so that the level reached cannot grow unnoticed. What the bytes buy (measured by
 * removing each piece, in the note on issue 11): the AWS host table that defaults and checks the
 * region and service (~670 B), run-time option-name checks (~300 B), the rule book's shared
 * validators and the memo helpers (~670 B over 0.1.0's 4,982 B), credentials and URL-object
 * handling (~150 B).
 */
const PRESIGN_LIMIT = 7000;

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
// The S3 helpers that the root entry exports (the module has internal exports too).
const rootNames = new Set(Object.keys(await import(new URL('../dist/index.js', import.meta.url).href)));
const s3Names = Object.keys(await import(new URL('../dist/sign/s3.js', import.meta.url).href)).filter((name) =>
  rootNames.has(name),
);

const entries = [
  {
    name: 'presign alone',
    source: "export { presign } from 'sigv4-presign';",
    budget: PRESIGN_BUDGET,
    limit: PRESIGN_LIMIT,
  },
  { name: 'verify alone', source: "export { verifyPresignedUrl } from 'sigv4-presign';" },
  { name: 's3 helpers', source: `export { ${s3Names.join(', ')} } from 'sigv4-presign';` },
  { name: 'everything', source: "export * from 'sigv4-presign';" },
  { name: 'node entry (everything)', source: "export * from 'sigv4-presign';", node: true },
  { name: 'v4a presignV4a', source: "export { presignV4a } from 'sigv4-presign/v4a';" },
  { name: 'v4a (everything)', source: "export * from 'sigv4-presign/v4a';" },
  { name: 'v4a node (everything)', source: "export * from 'sigv4-presign/v4a';", node: true },
  { name: 'v4a-noble (nobleEcdsa)', source: "export { nobleEcdsa } from 'sigv4-presign/v4a-noble';" },
];

const why = process.argv.includes('--why');
let over = false;
console.log('entry                      min bytes  gzip bytes  budget');
for (const entry of entries) {
  const result = await esbuild.build({
    stdin: { contents: entry.source, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: entry.node ? 'node' : 'browser',
    target: 'es2022',
    write: false,
    metafile: why,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const gzip = gzipSync(code, { level: 9 }).length;
  const verdict =
    entry.budget === undefined
      ? ''
      : gzip <= entry.budget
        ? `<= ${entry.budget} ok`
        : gzip <= entry.limit
          ? `> ${entry.budget}: known miss (CI limit ${entry.limit})`
          : `> ${entry.limit} OVER`;
  over ||= entry.budget !== undefined && gzip > entry.limit;
  console.log(`${entry.name.padEnd(26)} ${String(code.length).padStart(9)}  ${String(gzip).padStart(10)}  ${verdict}`);
  if (why) console.log(await esbuild.analyzeMetafile(result.metafile));
}
if (over) {
  console.error(`\npresign is over its ${PRESIGN_LIMIT}-byte CI limit; run npm run size -- --why`);
  process.exit(1);
}
