/**
 * The three workloads every contender signs: one S3 GET without a session token, the same GET
 * with a realistic STS token, and a GET whose key changes on every call (so nothing per-URL can
 * be cached). Fixed credentials and a fixed date make every contender's signature comparable.
 *
 * @example
 * ```js
 * import { WORKLOADS } from './workloads.mjs';
 * WORKLOADS[0].keys[0]; // 'photos/2024/cat picture+1.jpg'
 * ```
 * @module
 */
import { createHash } from 'node:crypto';

export const BUCKET = 'examplebucket';
export const REGION = 'us-east-1';
/** The host both the SDK and minio choose for this bucket and region; every contender signs it. */
export const HOST = `${BUCKET}.s3.${REGION}.amazonaws.com`;
export const KEY = 'photos/2024/cat picture+1.jpg';
export const EXPIRES_IN = 3600;
export const SIGNING_DATE = new Date('2024-03-15T12:00:00Z');
/** {@link SIGNING_DATE} as `X-Amz-Date`, for contenders that take the formatted date. */
export const AMZ_DATE = '20240315T120000Z';
export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/**
 * A 740-character STS-style token holding `+`, `/` and `=`: base64 of 553 deterministic bytes
 * (553 = 3 * 184 + 1, hence the `==` padding).
 */
export const SESSION_TOKEN = (() => {
  const chunks = [];
  for (let i = 0; chunks.length * 32 < 553; i++) chunks.push(createHash('sha256').update(`token-${i}`).digest());
  const token = Buffer.concat(chunks).subarray(0, 553).toString('base64');
  if (token.length !== 740 || !/[+]/.test(token) || !/[/]/.test(token) || !token.endsWith('==')) {
    throw new Error('the session token fixture lost its shape');
  }
  return token;
})();

/** How many distinct keys the varying workload cycles through (a power of two, for masking). */
export const VARYING_KEYS = 4096;

/**
 * Percent-encodes an S3 key for a URL path, as S3 clients do (RFC 3986, `/` kept). Written here
 * rather than taken from the engine so that contenders do not depend on the code under test.
 */
export const encodeKey = (key) =>
  encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * @typedef {object} Workload
 * @property {string} id          short name used in JSON and tables
 * @property {string} title       what the row means to a reader
 * @property {string[]} keys      object keys, cycled by index; a single key for fixed workloads
 * @property {string[]} paths     the keys as URL paths (`/` + encoded key), same order
 * @property {string | undefined} sessionToken
 */

function workload(id, title, keys, sessionToken) {
  return { id, title, keys, paths: keys.map((key) => '/' + encodeKey(key)), sessionToken };
}

/** @type {Workload[]} */
export const WORKLOADS = [
  workload('get', 'GET, long-term credentials', [KEY]),
  workload('get-token', 'GET, 740-char session token', [KEY], SESSION_TOKEN),
  workload(
    'get-varying-key',
    'GET, a new key every call',
    Array.from({ length: VARYING_KEYS }, (_, i) => `photos/2024/cat picture+${i}.jpg`),
  ),
];

/** The credentials object of a workload. */
export const credentialsOf = (workload) =>
  workload.sessionToken === undefined
    ? { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }
    : { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: workload.sessionToken };
