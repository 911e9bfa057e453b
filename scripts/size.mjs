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
/** `import { presign }`, bundled, minified and gzipped, SHA-256 and HMAC included. */
const PRESIGN_BUDGET = 5500;

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const s3Names = Object.keys(await import(new URL('../dist/sign/s3.js', import.meta.url).href));

const entries = [
  { name: 'presign alone', source: "export { presign } from 'sigv4-presign';", budget: PRESIGN_BUDGET },
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
    entry.budget === undefined ? '' : gzip <= entry.budget ? `<= ${entry.budget} ok` : `> ${entry.budget} OVER`;
  over ||= entry.budget !== undefined && gzip > entry.budget;
  console.log(`${entry.name.padEnd(26)} ${String(code.length).padStart(9)}  ${String(gzip).padStart(10)}  ${verdict}`);
  if (why) console.log(await esbuild.analyzeMetafile(result.metafile));
}
if (over) {
  console.error(`\npresign is over its ${PRESIGN_BUDGET}-byte budget; run npm run size -- --why`);
  process.exit(1);
}
