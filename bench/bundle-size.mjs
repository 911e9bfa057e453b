/**
 * Bundle sizes: what `import { presign }` (or each peer's equivalent) adds to an app, bundled by
 * esbuild with minification, then gzipped. Node-only libraries are bundled for Node, with Node's
 * built-ins left out; the rest for the browser.
 *
 * @example
 * ```js
 * const rows = await measureBundles(); // [{ id: 'ours', minBytes: 9000, gzipBytes: 3900, ... }, ...]
 * ```
 * @module
 */
import { gzipSync } from 'node:zlib';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** What each bundle imports: the smallest entry a user would write to presign one URL. */
export const BUNDLES = [
  {
    id: 'ours-pure-js',
    label: 'sigv4-presign (browser/edge: default entry, pure JS)',
    platform: 'browser',
    code: "export { presign } from './dist/index.js';",
  },
  {
    id: 'ours-node',
    label: 'sigv4-presign (Node entry, node:crypto)',
    platform: 'node',
    code: "export { presign } from './dist/node.js';",
  },
  { id: 'aws4', label: 'aws4 (Node only)', platform: 'node', code: "export { sign } from 'aws4';" },
  { id: 'aws4fetch', label: 'aws4fetch', platform: 'browser', code: "export { AwsV4Signer } from 'aws4fetch';" },
  {
    id: 'smithy-sha256-js',
    label: '@smithy/signature-v4 + @aws-crypto/sha256-js',
    platform: 'browser',
    code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js';",
  },
  {
    id: 'aws-sdk-v3',
    label: 'S3Client + GetObjectCommand + getSignedUrl',
    platform: 'browser',
    code: "export { S3Client, GetObjectCommand } from '@aws-sdk/client-s3'; export { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
  },
  { id: 'minio', label: 'minio (Node only)', platform: 'node', code: "export { Client } from 'minio';" },
];

/** Bundles each entry and returns its minified and gzipped sizes in bytes. */
export async function measureBundles() {
  const rows = [];
  for (const entry of BUNDLES) {
    const result = await build({
      stdin: { contents: entry.code, resolveDir: root, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: entry.platform,
      write: false,
      logLevel: 'silent',
    });
    const bytes = result.outputFiles[0].contents;
    rows.push({
      id: entry.id,
      label: entry.label,
      platform: entry.platform,
      minBytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
    });
  }
  return rows;
}
