/**
 * What the browser tests share: a real image file to upload, and the bucket CORS rule that lets a
 * page's origin reach the store with fetch.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { presign, s3Url } from '../../../src/index.js';
import { send, type S3TestServer } from '../../support/s3-servers.js';

/** A 16×16 RGB PNG of random colours: a real image file, different on every run. */
export function randomPng(): Buffer {
  const side = 16;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.concat([Buffer.of(0), randomBytes(side * 3)])));
  const signature = Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Lets `origin` use `methods` in the bucket (PutBucketCors, presigned by the library), exposing
 * the ETag and Location headers. Returns the store's answer.
 */
export async function allowOrigin(server: S3TestServer, origin: string, methods: readonly string[]) {
  const xml =
    '<CORSConfiguration><CORSRule>' +
    `<AllowedOrigin>${origin}</AllowedOrigin>${methods.map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join('')}` +
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>Location</ExposeHeader>' +
    '<MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>';
  const headers = { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(xml).digest('base64') };
  const url = presign({
    method: 'PUT',
    url: `${s3Url(server.location)}?cors`,
    region: server.location.region,
    service: 's3',
    credentials: server.credentials,
    headers,
  });
  return send(url, { method: 'PUT', headers, body: xml });
}
