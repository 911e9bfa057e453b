/**
 * Presigned S3 requests against real S3-compatible servers, written once and run against each:
 * s3rver always, Ceph RGW when configured (required under CI). See test/support/s3-servers.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  presign,
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignDeleteObject,
  presignGetObject,
  presignHeadObject,
  presignPutObject,
  presignUploadPart,
  s3Url,
  type S3ObjectOptions,
} from '../../src/index.js';
import {
  CEPH_GAPS,
  cephConfigured,
  listKeys,
  S3RVER_GAPS,
  send,
  startCeph,
  startS3rver,
  xmlValues,
  type S3TestServer,
  type ServerGaps,
} from '../support/s3-servers.js';

/** Keys that a signer or an HTTP stack could easily alter; every one must round-trip exactly. */
const TRICKY_KEYS: readonly string[] = [
  'plain.txt',
  'with space.txt',
  'plus+sign',
  'percent%25literal',
  'percent%literal',
  'tilde~name',
  'caf\u00e9 NFC',
  'cafe\u0301 NFC',
  'cafe\u0301 NFD',
  'a//double//slash',
  '/leading-slash',
  'trailing-slash/',
  '日本語/ü/😀',
  "reserved !'()*",
  'sub-delims ;,=&$@:',
  'hash#and?question',
  'brackets[]{}<>^`|\\"',
  'a/./dot',
  'a/../dotdot',
  '..',
  './x',
];

/** Keys that S3 keeps apart from a key in TRICKY_KEYS, though a careless store would merge them. */
const LOOKALIKE_KEYS: readonly string[] = ['a/double/slash', 'leading-slash', 'a/dot', 'dotdot', 'x'];

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** The keys a server is checked with: those outside its reach are left out, each for a known gap. */
function corpusFor(name: string, gaps: ServerGaps): string[] {
  let keys = [...TRICKY_KEYS];
  if (gaps.dotSegmentKeys) {
    console.warn(`${name}: keys with dot segments not checked: ${gaps.dotSegmentKeys}`);
    keys = keys.filter((key) => !DOT_SEGMENT.test(key));
  }
  if (gaps.exactKeyStore) console.warn(`${name}: look-alike keys and listings not checked: ${gaps.exactKeyStore}`);
  else keys.push(...LOOKALIKE_KEYS);
  return keys;
}

const cephWanted = cephConfigured() || process.env['CI'] !== undefined;
if (!cephWanted) {
  console.warn(
    '\n*** SKIPPING the Ceph RGW half of test/s3-server.test.ts: set CEPH=1 (starts Ceph with scripts/ceph-rgw.sh) ' +
      'or export CEPH_RGW_ENDPOINT/CEPH_RGW_ACCESS_KEY/CEPH_RGW_SECRET_KEY/CEPH_RGW_REGION. Required under CI. ***\n',
  );
}

const SERVERS = [
  { name: 's3rver', start: startS3rver, wanted: true, gaps: S3RVER_GAPS },
  { name: 'ceph', start: startCeph, wanted: cephWanted, gaps: CEPH_GAPS },
];

/** A body that holds every byte value, so that any re-encoding on the way shows. */
function bodyFor(key: string): Buffer {
  return Buffer.concat([Buffer.from(key, 'utf8'), Buffer.from([0, 10, 13, 255, 128]), randomBytes(64)]);
}

describe.each(SERVERS)('presigned S3 requests against $name', ({ name, start, wanted, gaps }) => {
  let server: S3TestServer;
  // Keys are taken literally: '/leading-slash' is meant, so it says so.
  const object = (key: string): S3ObjectOptions => ({
    ...server.location,
    credentials: server.credentials,
    key,
    allowLeadingSlash: key.startsWith('/'),
  });

  beforeAll(async () => {
    if (wanted) server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe.skipIf(!wanted)('on a real server', () => {
    it('PUTs then GETs every tricky key byte for byte, each as its own object', async () => {
      const keys = corpusFor(name, gaps);
      const bodies = new Map(keys.map((key) => [key, bodyFor(key)]));
      for (const [key, body] of bodies) {
        const put = presignPutObject({ ...object(key), contentType: 'application/octet-stream' });
        const res = await send(put.url, { method: put.method, headers: put.headers, body });
        expect(res.status, `${JSON.stringify(key)}: ${res.body.toString()}`).toBe(200);
      }
      for (const [key, body] of bodies) {
        const get = presignGetObject(object(key));
        const res = await send(get.url, { method: 'GET' });
        expect(res.status, JSON.stringify(key)).toBe(200);
        expect(res.body.equals(body), `body of ${JSON.stringify(key)}`).toBe(true);
      }
      if (!gaps.exactKeyStore) expect((await listKeys(server)).sort()).toEqual([...keys].sort());
    });

    it('HEADs and DELETEs an object', async () => {
      const key = 'head and delete/ü';
      const body = bodyFor(key);
      const put = presignPutObject({ ...object(key), metadata: { owner: 'alice' } });
      expect((await send(put.url, { method: 'PUT', headers: put.headers, body })).status).toBe(200);

      const head = await send(presignHeadObject(object(key)).url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(body.length));
      expect(head.headers['x-amz-meta-owner']).toBe('alice');

      const deleted = await send(presignDeleteObject(object(key)).url, { method: 'DELETE' });
      expect(deleted.status).toBe(204);
      expect((await send(presignHeadObject(object(key)).url, { method: 'HEAD' })).status).toBe(404);
      expect((await send(presignGetObject(object(key)).url, { method: 'GET' })).status).toBe(404);
    });

    it('uploads in parts through presigned CreateMultipartUpload, UploadPart and CompleteMultipartUpload', async () => {
      const key = 'multi part/video ü.bin';
      const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1234)]; // every part but the last: >= 5 MiB
      const create = presignCreateMultipartUpload({ ...object(key), contentType: 'video/mp4' });
      const created = await send(create.url, { method: 'POST', headers: create.headers });
      expect(created.status, created.body.toString()).toBe(200);
      const uploadId = xmlValues(created.body.toString(), 'UploadId')[0]!;
      expect(uploadId).toBeTruthy();

      const etags: string[] = [];
      for (const [index, part] of parts.entries()) {
        const upload = presignUploadPart({
          ...object(key),
          uploadId,
          partNumber: index + 1,
          contentLength: part.length,
        });
        const res = await send(upload.url, { method: 'PUT', headers: upload.headers, body: part });
        expect(res.status, res.body.toString()).toBe(200);
        etags.push(String(res.headers.etag));
      }
      const completeXml =
        '<CompleteMultipartUpload>' +
        etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('') +
        '</CompleteMultipartUpload>';
      const complete = presignCompleteMultipartUpload({ ...object(key), uploadId });
      const completed = await send(complete.url, { method: 'POST', body: completeXml });
      expect(completed.status, completed.body.toString()).toBe(200);

      const got = await send(presignGetObject(object(key)).url, { method: 'GET' });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('video/mp4');
      expect(createHash('sha256').update(got.body).digest('hex')).toBe(
        createHash('sha256').update(Buffer.concat(parts)).digest('hex'),
      );
    });

    // Defined only where the server implements it, so that CI never reports a skip.
    if (gaps.abortMultipartUpload)
      console.warn(`${name}: AbortMultipartUpload not checked: ${gaps.abortMultipartUpload}`);
    else
      it('aborts a multipart upload through a presigned AbortMultipartUpload', async () => {
        const key = 'aborted upload';
        const create = presignCreateMultipartUpload(object(key));
        const uploadId = xmlValues((await send(create.url, { method: 'POST' })).body.toString(), 'UploadId')[0]!;
        const abort = presignAbortMultipartUpload({ ...object(key), uploadId });
        expect((await send(abort.url, { method: 'DELETE' })).status).toBe(204);
        const part = presignUploadPart({ ...object(key), uploadId, partNumber: 1 });
        expect((await send(part.url, { method: 'PUT', body: 'late' })).status).toBe(404);
      });

    it('enforces a signed content-type: the same upload with another type is refused', async () => {
      const key = 'typed.png';
      const put = presignPutObject({ ...object(key), contentType: 'image/png' });
      expect(put.headers).toEqual({ 'content-type': 'image/png' });
      const wrong = await send(put.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: 'x' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.toString()).toContain('SignatureDoesNotMatch');
      const right = await send(put.url, { method: 'PUT', headers: put.headers, body: 'x' });
      expect(right.status).toBe(200);
      const got = await send(presignGetObject(object(key)).url, { method: 'GET' });
      expect(got.headers['content-type']).toBe('image/png');
    });

    it('enforces a signed content-length: a longer body is refused', async () => {
      const put = presignPutObject({ ...object('sized'), contentLength: 4 });
      expect((await send(put.url, { method: 'PUT', headers: {}, body: 'four!' })).status).toBe(403);
      expect((await send(put.url, { method: 'PUT', headers: {}, body: 'four' })).status).toBe(200);
    });

    it('refuses a URL whose signature, key or expiry was tampered with (403)', async () => {
      const key = 'tamper/target';
      const put = presignPutObject(object(key));
      expect((await send(put.url, { method: 'PUT', body: 'secret-ish' })).status).toBe(200);
      const { url } = presignGetObject(object(key));
      expect((await send(url, { method: 'GET' })).status).toBe(200);

      const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)![1]!;
      const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
      const tampered = [
        url.replace(signature, flipped),
        url.replace('/tamper/target', '/tamper/other'),
        url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'),
      ];
      expect(new Set(tampered).size).toBe(3);
      for (const bad of tampered) {
        expect(bad).not.toBe(url);
        const res = await send(bad, { method: 'GET' });
        expect(res.status, bad).toBe(403);
      }
    });

    it('refuses an expired URL (signed an hour ago, valid for a minute)', async () => {
      const key = 'expired/target';
      const put = presignPutObject(object(key));
      expect((await send(put.url, { method: 'PUT', body: 'x' })).status).toBe(200);
      const old = presignGetObject({ ...object(key), signingDate: new Date(Date.now() - 3600_000), expiresIn: 60 });
      const res = await send(old.url, { method: 'GET' });
      expect(res.status).toBe(403);
      expect(res.body.toString()).toMatch(/AccessDenied|expired/i);
    });

    it('applies response-* overrides from the query', async () => {
      const key = 'report.csv';
      const put = presignPutObject({ ...object(key), contentType: 'text/csv' });
      expect((await send(put.url, { method: 'PUT', headers: put.headers, body: 'a,b' })).status).toBe(200);
      const disposition = gaps.rfc3986QueryValues
        ? 'attachment; filename="report 1.csv"'
        : "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9 (1).csv";
      const get = presignGetObject({
        ...object(key),
        responseContentType: 'application/x-download',
        responseContentDisposition: disposition,
        responseCacheControl: 'no-store',
      });
      const res = await send(get.url, { method: 'GET' });
      expect(res.status, res.body.toString()).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-download');
      expect(res.headers['content-disposition']).toBe(disposition);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('presigns bucket-level requests with the core signer on s3Url (ListObjectsV2)', async () => {
      const url = presign({
        method: 'GET',
        url: `${s3Url(server.location)}?list-type=2&prefix=${encodeURIComponent('日本語/')}`,
        region: server.location.region,
        service: 's3',
        credentials: server.credentials,
      });
      const res = await send(url, { method: 'GET' });
      expect(res.status).toBe(200);
      expect(xmlValues(res.body.toString(), 'Key')).toContain('日本語/ü/😀');
    });
  });
});
