/**
 * aws4 1.13.2: synchronous, node:crypto. The date and expiry go in the query, as its README
 * documents for presigning.
 *
 * @example
 * ```js
 * aws4Contender.make(WORKLOADS[0])(0); // 'https://examplebucket.s3...&X-Amz-Signature=...'
 * ```
 * @module
 */
import aws4 from 'aws4';
import { AMZ_DATE, credentialsOf, EXPIRES_IN, HOST, REGION } from '../workloads.mjs';

/** @type {import('./index.mjs').Contender} */
export const aws4Contender = {
  id: 'aws4',
  label: 'aws4 1.13.2',
  floor: 'node',
  make(workload) {
    const credentials = credentialsOf(workload);
    const query = `?X-Amz-Expires=${EXPIRES_IN}&X-Amz-Date=${AMZ_DATE}`;
    return (i) => {
      const signed = aws4.sign(
        { host: HOST, path: workload.paths[i] + query, service: 's3', region: REGION, signQuery: true },
        credentials,
      );
      return `https://${signed.host}${signed.path}`;
    };
  },
};
