/**
 * minio 8.0.7 `presignedGetObject`, asynchronous, node:crypto. Its region is set, so it does not
 * ask the server for the bucket's location (minio-js#569).
 *
 * @example
 * ```js
 * await minioContender.make(WORKLOADS[0])(0); // 'https://examplebucket.s3...&X-Amz-Signature=...'
 * ```
 * @module
 */
import { Client } from 'minio';
import { ACCESS_KEY_ID, BUCKET, EXPIRES_IN, REGION, SECRET_ACCESS_KEY, SIGNING_DATE } from '../workloads.mjs';

/** @type {import('./index.mjs').Contender} */
export const minioContender = {
  id: 'minio',
  label: 'minio 8.0.7',
  floor: 'node',
  make(workload) {
    const client = new Client({
      endPoint: 's3.amazonaws.com',
      useSSL: true,
      accessKey: ACCESS_KEY_ID,
      secretKey: SECRET_ACCESS_KEY,
      ...(workload.sessionToken === undefined ? {} : { sessionToken: workload.sessionToken }),
      region: REGION,
    });
    return (i) => client.presignedGetObject(BUCKET, workload.keys[i], EXPIRES_IN, {}, SIGNING_DATE);
  },
};
