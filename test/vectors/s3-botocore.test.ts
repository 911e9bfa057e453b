/**
 * The S3 helpers without a server: addressing, bucket and key rules, what goes in the query and
 * what in the headers, and equality with botocore's S3 client for the same bucket, key and date.
 */
import { describe, expect, it } from 'vitest';
import {
  checkBucketName,
  presignCreateMultipartUpload,
  presignDeleteObject,
  presignGetObject,
  presignHeadObject,
  presignPutObject,
  presignUploadPart,
  s3Url,
  SigV4Error,
  type S3Location,
  type SigV4ErrorCode,
} from '../../src/index.js';
import { botocoreS3Presign, requireBotocore, withSortedQuery, type BotocoreS3Case } from '../support/botocore-s3.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2013-05-24T00:00:00Z');

function codeOf(run: () => unknown): SigV4ErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SigV4Error) return error.code;
    throw error;
  }
  return undefined;
}

describe('s3Url addressing', () => {
  const cases: Array<[string, S3Location, string]> = [
    [
      'virtual-hosted by default',
      { bucket: 'photos', region: 'eu-west-1' },
      'https://photos.s3.eu-west-1.amazonaws.com/k',
    ],
    [
      'regional name in us-east-1',
      { bucket: 'photos', region: 'us-east-1' },
      'https://photos.s3.us-east-1.amazonaws.com/k',
    ],
    [
      'path style on request',
      { bucket: 'photos', region: 'eu-west-1', forcePathStyle: true },
      'https://s3.eu-west-1.amazonaws.com/photos/k',
    ],
    [
      'path style for a dotted bucket over https',
      { bucket: 'my.photos', region: 'eu-west-1' },
      'https://s3.eu-west-1.amazonaws.com/my.photos/k',
    ],
    [
      'dual-stack',
      { bucket: 'photos', region: 'eu-west-1', dualStack: true },
      'https://photos.s3.dualstack.eu-west-1.amazonaws.com/k',
    ],
    [
      'dual-stack path style',
      { bucket: 'photos', region: 'eu-west-1', dualStack: true, forcePathStyle: true },
      'https://s3.dualstack.eu-west-1.amazonaws.com/photos/k',
    ],
    [
      'accelerate',
      { bucket: 'photos', region: 'eu-west-1', accelerate: true },
      'https://photos.s3-accelerate.amazonaws.com/k',
    ],
    [
      'accelerate dual-stack',
      { bucket: 'photos', region: 'eu-west-1', accelerate: true, dualStack: true },
      'https://photos.s3-accelerate.dualstack.amazonaws.com/k',
    ],
    ['China partition', { bucket: 'photos', region: 'cn-north-1' }, 'https://photos.s3.cn-north-1.amazonaws.com.cn/k'],
    [
      'loopback IP endpoint',
      { bucket: 'photos', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' },
      'http://127.0.0.1:9000/photos/k',
    ],
    [
      'IPv6 endpoint',
      { bucket: 'photos', region: 'us-east-1', endpoint: 'http://[::1]:9000/' },
      'http://[::1]:9000/photos/k',
    ],
    [
      'localhost endpoint',
      { bucket: 'photos', region: 'us-east-1', endpoint: 'http://localhost:9000' },
      'http://localhost:9000/photos/k',
    ],
    [
      'R2-style endpoint, virtual-hosted',
      { bucket: 'photos', region: 'auto', endpoint: 'https://acct.r2.cloudflarestorage.com' },
      'https://photos.acct.r2.cloudflarestorage.com/k',
    ],
    [
      'endpoint with a path prefix',
      { bucket: 'photos', region: 'us-east-1', endpoint: 'https://gw.example.com/s3/', forcePathStyle: true },
      'https://gw.example.com/s3/photos/k',
    ],
    [
      'dotted bucket virtual-hosted over plain http',
      { bucket: 'my.photos', region: 'us-east-1', endpoint: 'http://minio.internal:9000' },
      'http://my.photos.minio.internal:9000/k',
    ],
  ];
  it.each(cases)('%s', (_, location, expected) => {
    expect(s3Url(location, 'k')).toBe(expected);
  });

  it('gives the bucket URL without a key', () => {
    expect(s3Url({ bucket: 'photos', region: 'eu-west-1' })).toBe('https://photos.s3.eu-west-1.amazonaws.com');
  });

  it('refuses combinations that name no endpoint', () => {
    expect(codeOf(() => s3Url({ bucket: 'photos', region: 'eu-west-1', accelerate: true, forcePathStyle: true }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => s3Url({ bucket: 'my.photos', region: 'eu-west-1', accelerate: true }))).toBe('INVALID_OPTION');
    expect(
      codeOf(() => s3Url({ bucket: 'photos', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', dualStack: true })),
    ).toBe('INVALID_OPTION');
    expect(codeOf(() => s3Url({ bucket: 'photos', region: 'eu-west-1', endpoint: 'http://h/?x=1' }))).toBe(
      'INVALID_URL',
    );
    expect(codeOf(() => s3Url({ bucket: 'photos', region: 'eu-west-1', endpoint: 'ftp://h' }))).toBe('INVALID_URL');
    expect(codeOf(() => s3Url({ bucket: 'photos', region: 'EU/west' }))).toBe('INVALID_REGION');
    expect(codeOf(() => s3Url({ bucket: 'photos', region: 'eu-west-1', forcePathStyle: 'yes' as never }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => s3Url(null as never, 'k'))).toBe('INVALID_OPTION');
  });
});

describe('bucket names', () => {
  it.each(['abc', 'my-bucket', 'my.bucket.name', '1bucket', 'a'.repeat(63), 'xn-bucket', 'bucket-s3'])(
    'accepts %j',
    (name) => {
      expect(checkBucketName(name)).toBe(name);
    },
  );
  it.each([
    'ab',
    'a'.repeat(64),
    'My-Bucket',
    'my_bucket',
    '-bucket',
    'bucket-',
    '.bucket',
    'my..bucket',
    '192.168.5.4',
    'xn--bucket',
    'sthree-bucket',
    'amzn-s3-demo-bucket',
    'bucket-s3alias',
    'bucket--ol-s3',
    'bucket.mrap',
    'bucket--x-s3',
    'bucket--table-s3',
    'bucket/evil',
    'bucket.evil.com:80',
    '',
  ])('refuses %j with INVALID_BUCKET_NAME', (name) => {
    expect(codeOf(() => checkBucketName(name))).toBe('INVALID_BUCKET_NAME');
    expect(codeOf(() => presignGetObject({ bucket: name, key: 'k', region: 'us-east-1', credentials }))).toBe(
      'INVALID_BUCKET_NAME',
    );
  });
});

describe('object keys', () => {
  const location = { bucket: 'photos', region: 'us-east-1' };
  it.each([
    ['a/../b/./c', '/a/../b/./c'],
    ['//x//', '///x//'],
    ['sp ace+plus%percent~tilde', '/sp%20ace%2Bplus%25percent~tilde'],
    ['caf\u00e9', '/caf%C3%A9'],
    ['cafe\u0301', '/cafe%CC%81'],
    ['%41', '/%2541'],
    ['q?h#', '/q%3Fh%23'],
  ])('encodes %j byte for byte', (key, path) => {
    // A key that starts with '/' is meant here (allowLeadingSlash): keys are taken literally.
    expect(s3Url(location, key, key.startsWith('/'))).toBe(`https://photos.s3.us-east-1.amazonaws.com${path}`);
    expect(
      presignGetObject({ ...location, key, credentials, allowLeadingSlash: key.startsWith('/') }).url.startsWith(
        `https://photos.s3.us-east-1.amazonaws.com${path}?`,
      ),
    ).toBe(true);
  });

  it('refuses an empty key, a lone surrogate and a key over 1024 UTF-8 bytes with INVALID_KEY', () => {
    expect(codeOf(() => presignGetObject({ ...location, key: '', credentials }))).toBe('INVALID_KEY');
    expect(codeOf(() => presignGetObject({ ...location, key: 'a\ud800b', credentials }))).toBe('INVALID_KEY');
    expect(codeOf(() => presignGetObject({ ...location, key: '\udc00', credentials }))).toBe('INVALID_KEY');
    expect(codeOf(() => presignGetObject({ ...location, key: 'é'.repeat(513), credentials }))).toBe('INVALID_KEY');
    expect(codeOf(() => presignGetObject({ ...location, key: 'é'.repeat(512), credentials }))).toBeUndefined();
    expect(codeOf(() => presignGetObject({ ...location, key: 42 as never, credentials }))).toBe('INVALID_KEY');
  });
});

describe('what is signed where', () => {
  const base = { bucket: 'photos', key: 'cat.png', region: 'us-east-1', credentials, signingDate };

  it('puts GET overrides and versionId in the query, and signs them', () => {
    const get = presignGetObject({
      ...base,
      versionId: 'v1+2',
      responseContentType: 'image/png',
      responseContentDisposition: 'attachment; filename="cat.png"',
      responseCacheControl: 'no-cache',
      responseContentLanguage: 'en',
      responseContentEncoding: 'gzip',
      responseExpires: new Date('2030-01-01T00:00:00Z'),
    });
    expect(get.url).toContain('versionId=v1%2B2');
    expect(get.url).toContain('response-content-disposition=attachment%3B%20filename%3D%22cat.png%22');
    expect(get.url).toContain('response-expires=Tue%2C%2001%20Jan%202030%2000%3A00%3A00%20GMT');
    expect(get.canonicalRequest).toContain('response-content-type=image%2Fpng');
    expect(get.headers).toEqual({});
  });

  it('signs PUT properties as headers, lists them for the client, and never hoists them into the query', () => {
    const put = presignPutObject({
      ...base,
      contentType: 'image/png',
      contentLength: 1024,
      contentMd5: 'XrY7u+Ae7tCTyyK7j1rNww==',
      checksum: { algorithm: 'SHA256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' },
      metadata: { Owner: 'alice' },
      serverSideEncryption: 'aws:kms',
      sseKmsKeyId: 'key-1',
      tagging: { project: 'a b', team: 'x&y' },
      acl: 'private',
      storageClass: 'STANDARD_IA',
      headers: { 'Cache-Control': 'max-age=60' },
    });
    expect(put.headers).toEqual({
      'content-type': 'image/png',
      'content-length': '1024',
      'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
      'x-amz-checksum-sha256': 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      'x-amz-meta-owner': 'alice',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'key-1',
      'x-amz-tagging': 'project=a%20b&team=x%26y',
      'x-amz-acl': 'private',
      'x-amz-storage-class': 'STANDARD_IA',
      'cache-control': 'max-age=60',
    });
    expect(put.signedHeaders).toEqual([...Object.keys(put.headers), 'host'].sort());
    const query = put.url.slice(put.url.indexOf('?') + 1);
    expect(query.split('&').map((pair) => pair.split('=')[0])).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ]);
  });

  it('adds no checksum unless asked', () => {
    const put = presignPutObject(base);
    expect(put.headers).toEqual({});
    expect(put.url.toLowerCase()).not.toContain('checksum');
    expect(put.signedHeaders).toEqual(['host']);
  });

  it('presigns the multipart requests with their subresources', () => {
    const create = presignCreateMultipartUpload({ ...base, contentType: 'video/mp4' });
    expect(create.method).toBe('POST');
    expect(create.url).toMatch(/\/cat\.png\?X-Amz-Algorithm=.*&uploads=&X-Amz-Signature=/);
    const part = presignUploadPart({ ...base, uploadId: 'abc/+=', partNumber: 7 });
    expect(part.method).toBe('PUT');
    expect(part.url).toContain('partNumber=7&uploadId=abc%2F%2B%3D');
  });

  it('refuses bad operation options with typed errors', () => {
    expect(codeOf(() => presignUploadPart({ ...base, uploadId: 'u', partNumber: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => presignUploadPart({ ...base, uploadId: 'u', partNumber: 10001 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => presignUploadPart({ ...base, uploadId: '', partNumber: 1 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => presignPutObject({ ...base, metadata: { note: 'naïve' } }))).toBe('INVALID_HEADER_VALUE');
    expect(codeOf(() => presignPutObject({ ...base, contentLength: -1 }))).toBe('INVALID_HEADER_VALUE');
    expect(codeOf(() => presignPutObject({ ...base, contentMd5: 'not base64!' }))).toBe('INVALID_HEADER_VALUE');
    expect(codeOf(() => presignPutObject({ ...base, checksum: { algorithm: 'MD5' as never, value: 'AAAA' } }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => presignPutObject({ ...base, contentType: 'a', headers: { 'Content-Type': 'b' } }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => presignGetObject({ ...base, responseExpires: new Date(NaN) }))).toBe('INVALID_OPTION');
    expect(codeOf(() => presignGetObject(null as never))).toBe('INVALID_OPTION');
  });
});

describe.runIf(requireBotocore('the botocore S3 client comparison in test/s3.test.ts'))(
  'equals botocore S3 client URLs',
  () => {
    const keys = [
      'test.txt',
      'a/../b/./c',
      '//double//',
      '/lead',
      'trail/',
      'sp ace+%~',
      'caf\u00e9/cafe\u0301',
      '日本語😀',
      "!'()*;,=&$@:",
      '..',
    ];
    const locations: Array<[S3Location, BotocoreS3Case['addressing'], string?]> = [
      [{ bucket: 'examplebucket', region: 'us-east-1' }, 'virtual'],
      [{ bucket: 'examplebucket', region: 'eu-west-1', forcePathStyle: true }, 'path'],
      [{ bucket: 'my.dotted.bucket', region: 'eu-west-1' }, 'auto'],
      [
        { bucket: 'examplebucket', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' },
        'auto',
        'http://127.0.0.1:9000',
      ],
    ];
    const date = '2013-05-24T00:00:00Z';
    const ours: string[] = [];
    const cases: BotocoreS3Case[] = [];
    for (const [location, addressing, endpoint] of locations) {
      for (const key of keys) {
        const common = {
          bucket: location.bucket,
          key,
          region: location.region,
          ...credentials,
          expiresIn: 3600,
          date,
          addressing,
        };
        const at = endpoint === undefined ? common : { ...common, endpoint };
        // allowLeadingSlash: '//double//' and '/lead' are meant, the comparison covers literal keys.
        const allowLeadingSlash = key.startsWith('/');
        const options = {
          ...location,
          key,
          allowLeadingSlash,
          credentials,
          expiresIn: 3600,
          signingDate: new Date(date),
        };
        cases.push({ ...at, operation: 'get_object' });
        ours.push(presignGetObject(options).url);
        cases.push({ ...at, operation: 'put_object', params: { ContentType: 'image/png' } });
        ours.push(presignPutObject({ ...options, contentType: 'image/png' }).url);
        cases.push({ ...at, operation: 'head_object', params: { VersionId: 'v 1' } });
        ours.push(presignHeadObject({ ...options, versionId: 'v 1' }).url);
        cases.push({ ...at, operation: 'delete_object', sessionToken: 'token/with+chars=' });
        ours.push(
          presignDeleteObject({ ...options, credentials: { ...credentials, sessionToken: 'token/with+chars=' } }).url,
        );
      }
    }

    it(`matches botocore for ${cases.length} bucket/key/operation combinations: same resource, parameters and signature`, () => {
      const expected = botocoreS3Presign(cases);
      for (const [i, url] of ours.entries())
        expect(withSortedQuery(url), JSON.stringify(cases[i])).toBe(withSortedQuery(expected[i]!));
    });
  },
);
