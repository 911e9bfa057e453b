/**
 * This engine, imported from the built package as Node resolves it (`dist/node.js`, the `node`
 * export condition): its default path (node:crypto) and its pure-JavaScript path
 * (`backend: pureJsBackend`, what edge runtimes and browsers run).
 *
 * @example
 * ```js
 * const sign = oursNode.make(WORKLOADS[0]);
 * sign(0); // 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/...&X-Amz-Signature=...'
 * ```
 * @module
 */
import { pureJsBackend, presign } from '../../dist/node.js';
import { credentialsOf, EXPIRES_IN, HOST, REGION, SIGNING_DATE } from '../workloads.mjs';

/** Options for one presign of a workload's `i`-th key; `extraQuery` adds a contender's extras. */
export function presignOptions(workload, i, backend, extraQuery = '') {
  return {
    method: 'GET',
    url: `https://${HOST}${workload.paths[i]}${extraQuery === '' ? '' : '?' + extraQuery}`,
    region: REGION,
    service: 's3',
    credentials: credentialsOf(workload),
    expiresIn: EXPIRES_IN,
    signingDate: SIGNING_DATE,
    ...(backend === undefined ? {} : { backend }),
  };
}

/** Builds the per-key option objects once, so the timed call is the presign alone. */
function presigner(backend) {
  return (workload) => {
    const options = workload.keys.map((_, i) => presignOptions(workload, i, backend));
    return (i) => presign(options[i]);
  };
}

/** @type {import('./index.mjs').Contender} */
export const oursNode = {
  id: 'ours-node',
  label: 'sigv4-presign (default in Node)',
  floor: 'node',
  make: presigner(undefined),
};

/** @type {import('./index.mjs').Contender} */
export const oursPureJs = {
  id: 'ours-pure-js',
  label: 'sigv4-presign (pure JS, `pureJsBackend`)',
  // The issue measures the pure-JS path against the @noble/hashes floor.
  floor: 'noble',
  backend: 'pure JS (src/sha256.ts)',
  make: presigner(pureJsBackend),
};
