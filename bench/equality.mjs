/**
 * The check every contender passes before it is timed: its URL must carry the signature this
 * engine computes for the same request. A contender that signs extra query parameters (the SDK's
 * `x-id`, `x-amz-checksum-mode`, `X-Amz-Content-Sha256`) is compared with this engine signing
 * those same parameters, and the extras are reported next to its name.
 *
 * @example
 * ```js
 * const { extras } = await checkSignatures('aws4', WORKLOADS[0], aws4Contender.make(WORKLOADS[0])); // extras: []
 * ```
 * @module
 */
import { presign } from '../dist/node.js';
import { presignOptions } from './contenders/ours.mjs';
import { HOST } from './workloads.mjs';

/** Splits a presigned URL into host, path, the signature and its other `name=value` pairs. */
export function readPresignedUrl(url) {
  const match = /^https:\/\/([^/?]+)([^?]*)\?(.*)$/.exec(url);
  if (!match) throw new Error(`not a presigned https URL: ${url}`);
  const [, host, path, query] = match;
  let signature;
  const pairs = [];
  for (const pair of query.split('&')) {
    if (pair.startsWith('X-Amz-Signature=')) signature = pair.slice('X-Amz-Signature='.length);
    else pairs.push(pair);
  }
  if (signature === undefined) throw new Error(`no X-Amz-Signature in ${url}`);
  return { host, path, signature, pairs };
}

const nameOf = (pair) => pair.slice(0, pair.indexOf('=')).toLowerCase();
const valueOf = (pair) => decodeURIComponent(pair.slice(pair.indexOf('=') + 1));

/** Key indices worth checking: the first, the second and the last. */
const sampleIndices = (workload) => [...new Set([0, Math.min(1, workload.keys.length - 1), workload.keys.length - 1])];

/**
 * Signs a few keys of `workload` with `sign` and throws unless each signature equals this
 * engine's (node:crypto backend) for the same request. Returns the extra parameter names.
 */
export async function checkSignatures(label, workload, sign) {
  const extraNames = new Set();
  for (const i of sampleIndices(workload)) {
    const url = await sign(i);
    const got = readPresignedUrl(url);
    if (got.host !== HOST || got.path !== workload.paths[i]) {
      throw new Error(`${label} signed ${got.host}${got.path}, not ${HOST}${workload.paths[i]}`);
    }
    // Parameters this engine does not write for the same request are the contender's extras;
    // the ones it does write must carry the same values (the signature alone would not show a
    // URL whose X-Amz-Expires differs from what was signed).
    const standard = new Map(
      readPresignedUrl(presign(presignOptions(workload, i))).pairs.map((pair) => [nameOf(pair), valueOf(pair)]),
    );
    const theirs = new Map(got.pairs.map((pair) => [nameOf(pair), valueOf(pair)]));
    for (const [name, value] of standard) {
      if (theirs.get(name) !== value)
        throw new Error(`${label} on ${workload.id}[${i}]: ${name}=${theirs.get(name)}, expected ${value}`);
    }
    const extras = got.pairs.filter((pair) => !standard.has(nameOf(pair)));
    const expected = readPresignedUrl(presign(presignOptions(workload, i, undefined, extras.join('&')))).signature;
    if (got.signature !== expected) {
      throw new Error(`${label} on ${workload.id}[${i}]: signature ${got.signature}, expected ${expected}\n  ${url}`);
    }
    for (const pair of extras) extraNames.add(pair.slice(0, pair.indexOf('=')));
  }
  return { extras: [...extraNames].sort() };
}
