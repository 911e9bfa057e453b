/**
 * The AWS SDK v3 presigner: `getSignedUrl` with an `S3Client` (fixed credentials, so no network),
 * node:crypto underneath. It adds `x-id`, `x-amz-checksum-mode` and `X-Amz-Content-Sha256`.
 *
 * @example
 * ```js
 * await sdkContender.make(WORKLOADS[0])(0); // 'https://examplebucket.s3...&x-id=GetObject'
 * ```
 * @module
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BUCKET, credentialsOf, EXPIRES_IN, REGION, SIGNING_DATE } from '../workloads.mjs';

/** @type {import('./index.mjs').Contender} */
export const sdkContender = {
  id: 'aws-sdk-v3',
  label: '@aws-sdk/s3-request-presigner getSignedUrl',
  floor: 'node',
  make(workload) {
    const client = new S3Client({ region: REGION, credentials: credentialsOf(workload) });
    const options = { expiresIn: EXPIRES_IN, signingDate: SIGNING_DATE };
    return (i) => getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: workload.keys[i] }), options);
  },
};
