/**
 * @smithy/signature-v4 5.7.5 `SignatureV4.presign`, asynchronous, with either hash: the pure-JS
 * @aws-crypto/sha256-js or the node:crypto @smithy/hash-node. Like the SDK's presigner it sends
 * `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which it hoists into the query (an extra parameter).
 *
 * @example
 * ```js
 * await smithyNode.make(WORKLOADS[0])(0); // 'https://examplebucket.s3...&X-Amz-Signature=...'
 * ```
 * @module
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { credentialsOf, EXPIRES_IN, HOST, REGION, SIGNING_DATE } from '../workloads.mjs';

/** Formats smithy's request object the way its `HttpRequest` is sent (query already encoded by us). */
function toUrl(request) {
  const query = Object.entries(request.query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${request.protocol}//${request.hostname}${request.path}?${query}`;
}

function smithy(sha256) {
  return (workload) => {
    const signer = new SignatureV4({
      credentials: credentialsOf(workload),
      region: REGION,
      service: 's3',
      sha256,
      uriEscapePath: false,
    });
    const options = { signingDate: SIGNING_DATE, expiresIn: EXPIRES_IN };
    return async (i) =>
      toUrl(
        await signer.presign(
          {
            method: 'GET',
            protocol: 'https:',
            hostname: HOST,
            path: workload.paths[i],
            query: {},
            headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
          },
          options,
        ),
      );
  };
}

/** @type {import('./index.mjs').Contender} */
export const smithyPureJs = {
  id: 'smithy-sha256-js',
  label: '@smithy/signature-v4 + @aws-crypto/sha256-js',
  // Pure JS like @noble, so the @noble floor is its nearest.
  floor: 'noble',
  backend: '@aws-crypto/sha256-js',
  make: smithy(Sha256),
};

/** @type {import('./index.mjs').Contender} */
export const smithyNode = {
  id: 'smithy-hash-node',
  label: '@smithy/signature-v4 + @smithy/hash-node',
  floor: 'node',
  make: smithy(Hash.bind(null, 'sha256')),
};
