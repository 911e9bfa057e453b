/**
 * This engine's verifier, `verifyPresignedUrlSync`, checking URLs that aws4 signed (an
 * independent signer), on both backends. Its cost is compared with a presign of the same URL.
 *
 * @example
 * ```js
 * verifyNode.make(WORKLOADS[0])(0); // { ok: true, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', ... }
 * ```
 * @module
 */
import { pureJsBackend, verifyPresignedUrlSync } from '../../dist/node.js';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, SIGNING_DATE } from '../workloads.mjs';
import { aws4Contender } from './aws4.mjs';

const secrets = new Map([[ACCESS_KEY_ID, SECRET_ACCESS_KEY]]);
// One minute after signing: inside the URL's hour of validity.
const now = new Date(SIGNING_DATE.getTime() + 60_000);

function verifier(backend) {
  return (workload) => {
    const signWithAws4 = aws4Contender.make(workload);
    const requests = workload.keys.map((_, i) => ({ method: 'GET', url: signWithAws4(i) }));
    const options = { secretFor: (id) => secrets.get(id), now, ...(backend === undefined ? {} : { backend }) };
    return (i) => verifyPresignedUrlSync(requests[i], options);
  };
}

/**
 * Throws unless the verifier accepts aws4's URLs for a few keys and refuses one whose signature
 * has a digit changed, so that a verifier that accepts everything cannot be timed.
 */
export function checkVerifier(label, workload, verify) {
  for (const i of new Set([0, workload.keys.length - 1])) {
    const result = verify(i);
    if (!result.ok)
      throw new Error(`${label} refused aws4's URL for ${workload.id}[${i}]: ${result.code} ${result.message}`);
  }
  const url = aws4Contender.make(workload)(0);
  const last = url.at(-1);
  const tampered = url.slice(0, -1) + (last === '0' ? '1' : '0');
  const refused = verifyPresignedUrlSync({ method: 'GET', url: tampered }, { secretFor: (id) => secrets.get(id), now });
  if (refused.ok || refused.code !== 'SignatureDoesNotMatch') throw new Error(`${label} accepted a tampered signature`);
}

/** @type {import('./index.mjs').Contender} */
export const verifyNode = {
  id: 'verify-node',
  label: 'sigv4-presign verifyPresignedUrlSync (node:crypto)',
  floor: 'node',
  make: verifier(undefined),
};

/** @type {import('./index.mjs').Contender} */
export const verifyPureJs = {
  id: 'verify-pure-js',
  label: 'sigv4-presign verifyPresignedUrlSync (pure JS)',
  floor: 'noble',
  backend: 'pure JS (src/sha256.ts)',
  make: verifier(pureJsBackend),
};
