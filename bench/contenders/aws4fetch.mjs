/**
 * aws4fetch 1.0.20: WebCrypto, asynchronous. One shared key cache, as its `AwsClient` keeps.
 *
 * @example
 * ```js
 * await aws4fetchContender.make(WORKLOADS[0])(0); // 'https://examplebucket.s3...&X-Amz-Signature=...'
 * ```
 * @module
 */
import { AwsV4Signer } from 'aws4fetch';
import { AMZ_DATE, credentialsOf, EXPIRES_IN, HOST, REGION } from '../workloads.mjs';

/** @type {import('./index.mjs').Contender} */
export const aws4fetchContender = {
  id: 'aws4fetch',
  label: 'aws4fetch 1.0.20',
  floor: 'webcrypto',
  make(workload) {
    const credentials = credentialsOf(workload);
    const cache = new Map();
    const datetime = AMZ_DATE;
    return async (i) => {
      const signer = new AwsV4Signer({
        url: `https://${HOST}${workload.paths[i]}?X-Amz-Expires=${EXPIRES_IN}`,
        ...credentials,
        service: 's3',
        region: REGION,
        datetime,
        signQuery: true,
        cache,
      });
      return (await signer.sign()).url.toString();
    };
  },
};
