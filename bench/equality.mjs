/**
 * The check every contender passes before it is timed: its URL must carry the signature this
 * engine computes for the same request. A contender that signs extra query parameters (the SDK's
 * `x-id`, `x-amz-checksum-mode`, `X-Amz-Content-Sha256`) is compared with this engine signing
 * those same parameters, and the extras are reported next to its name.
 *
 * @example
 * ```js
 * const { extras } = await checkSignatures(aws4Contender, WORKLOADS[0], sign); // extras: []
 * ```
 * @module
 */
import { presign, RESERVED_PARAMETERS } from '../dist/node.js';
import { presignOptions } from './contenders/ours.mjs';
import { HOST } from './workloads.mjs';

/** Splits a presigned URL into host, path, the signature and the extra `name=value` pairs. */
export function readPresignedUrl(url) {
  const match = /^https:\/\/([^/?]+)([^?]*)\?(.*)$/.exec(url);
  if (!match) throw new Error(`not a presigned https URL: ${url}`);
  const [, host, path, query] = match;
  let signature;
  const extras = [];
  for (const pair of query.split('&')) {
    const name = pair.slice(0, pair.indexOf('='));
    // The signer's own parameters are standard; anything else a contender adds is an extra.
    if (name === 'X-Amz-Signature') signature = pair.slice(name.length + 1);
    else if (!RESERVED_PARAMETERS.has(name.toLowerCase())) extras.push(pair);
  }
  if (signature === undefined) throw new Error(`no X-Amz-Signature in ${url}`);
  return { host, path, signature, extras };
}

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
    const expected = readPresignedUrl(presign(presignOptions(workload, i, undefined, got.extras.join('&')))).signature;
    if (got.signature !== expected) {
      throw new Error(`${label} on ${workload.id}[${i}]: signature ${got.signature}, expected ${expected}\n  ${url}`);
    }
    for (const pair of got.extras) extraNames.add(pair.slice(0, pair.indexOf('=')));
  }
  return { extras: [...extraNames].sort() };
}
