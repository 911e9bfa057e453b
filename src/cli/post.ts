/**
 * `sigv4-presign post`: a presigned POST from the command line, printed as `{url, fields}` JSON or
 * as a ready `curl` command line. This module holds what is particular to it: sizes with units,
 * the key or key prefix a target names, and the curl line; `cli.ts` resolves credentials, region
 * and endpoint for it as for every other target.
 *
 * @example
 * ```ts
 * parseSize('10MB');  // 10000000
 * parseSize('10MiB'); // 10485760
 * postKey('user/42/'); // { keyPrefix: 'user/42/' }
 * ```
 * @module
 */
import type { PresignedPost } from '../sign/post.js';

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * A size in bytes from `12345`, `10MB` (powers of 1000) or `10MiB` (powers of 1024), units in any
 * case; `undefined` for anything else, or for a fraction of a byte.
 *
 * @example
 * ```ts
 * parseSize('1.5 KB'); // 1500
 * parseSize('1.5 B');  // undefined
 * ```
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  const unit = UNITS[(match?.[2] || 'b').toLowerCase()];
  if (match === null || unit === undefined) return undefined;
  // Decimal digits times the unit, exactly: 1.5MB is 1500000 bytes.
  const [whole, fraction = ''] = match[1]!.split('.');
  const scale = 10 ** fraction.length;
  const scaled = (Number(whole) * scale + Number(fraction || '0')) * unit; // an integer: no rounding
  return Number.isSafeInteger(scaled) && scaled % scale === 0 ? scaled / scale : undefined;
}

/** The key options a target's key names: a prefix for `dir/` (or nothing), else the key, `${filename}` included. */
export function postKey(key: string): { key: string } | { keyPrefix: string } {
  return key === '' || key.endsWith('/') ? { keyPrefix: key } : { key };
}

/** A shell word in single quotes: the text exactly, whatever it holds. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A `curl` command line (POSIX shell) that posts the form: every field with `--form-string`
 * (taken literally, unlike `-F`, which reads `@` and `<` as files), then the file last from the
 * path in `$FILE`. A Content-Type prefix leaves the type to `$CONTENT_TYPE`.
 *
 * @example
 * ```ts
 * curlCommand(presignPost({ bucket: 'b', region: 'us-east-1', credentials, keyPrefix: 'in/' }));
 * // curl --fail-with-body --form-string 'key=in/${filename}' … -F "file=@${FILE:?…}" 'https://b.s3.us-east-1.amazonaws.com/'
 * ```
 */
export function curlCommand(post: PresignedPost, contentTypePrefix?: string): string {
  const lines = ['curl --fail-with-body'];
  for (const [name, value] of Object.entries(post.fields)) lines.push(`  --form-string ${quote(`${name}=${value}`)}`);
  if (contentTypePrefix !== undefined) {
    const hint = `set CONTENT_TYPE to the file's type, starting with ${contentTypePrefix}`.replace(/[$`"\\}]/g, '');
    lines.push(`  --form-string "Content-Type=\${CONTENT_TYPE:?${hint}}"`);
  }
  lines.push(`  -F "file=@\${FILE:?set FILE to the path of the file to upload}"`);
  lines.push(`  ${quote(post.url)}`);
  return lines.join(' \\\n') + '\n';
}
