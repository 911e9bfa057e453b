/**
 * presignPost's contract: the form's fields in order (key first, policy and signature last),
 * every field but those two under a condition, the policy as plain JSON.stringify base64, the
 * signature as the signing key's HMAC of that text; and a typed error, without the secret, for
 * every option S3 could not honour.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  presignPost,
  SigV4Error,
  verifyPresignedPost,
  type PostCondition,
  type PresignPostOptions,
  type SigV4ErrorCode,
} from '../../../src/index.js';
import { everythingShown } from '../../support/shown.js';

const SECRET = 'Sup3r/Secret+Key=do-not-leak';
const signingDate = new Date('2024-02-29T12:00:00Z');
const base: PresignPostOptions = {
  bucket: 'uploads',
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  key: 'user/42/avatar.png',
  signingDate,
};

const decode = (policy: string) => JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
const later = (seconds: number) => new Date(signingDate.getTime() + seconds * 1000);

/** The signing key chain and HMAC computed with node:crypto, apart from the library's hash code. */
function nodeSignature(secret: string, date: string, region: string, text: string): string {
  let key: Buffer = Buffer.from('AWS4' + secret, 'utf8');
  for (const part of [date, region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

describe('the form and the policy', () => {
  const post = presignPost({
    ...base,
    expiresIn: 600,
    contentLengthRange: [1, 10_485_760],
    contentType: 'image/png',
    successActionStatus: 201,
    metadata: { Author: 'J. Doe' },
    acl: 'private',
    tagging: { project: 'a&b<c>' },
    storageClass: 'STANDARD_IA',
    serverSideEncryption: 'AES256',
    fields: { 'cache-control': 'max-age=60' },
    conditions: [['starts-with', '$x-amz-meta-tag', '']],
  });

  test('the URL is the bucket, and the fields come key first, policy and signature last', () => {
    expect(post.url).toBe('https://uploads.s3.eu-west-1.amazonaws.com/');
    expect(Object.keys(post.fields)).toEqual([
      'key',
      'Content-Type',
      'acl',
      'tagging',
      'x-amz-storage-class',
      'x-amz-server-side-encryption',
      'success_action_status',
      'x-amz-meta-author',
      'cache-control',
      'x-amz-algorithm',
      'x-amz-credential',
      'x-amz-date',
      'policy',
      'x-amz-signature',
    ]);
    expect(post.fields['tagging']).toBe(
      '<Tagging><TagSet><Tag><Key>project</Key><Value>a&amp;b&lt;c&gt;</Value></Tag></TagSet></Tagging>',
    );
    expect(post.fields['x-amz-credential']).toBe('AKIDEXAMPLE/20240229/eu-west-1/s3/aws4_request');
    expect(post.fields['x-amz-date']).toBe('20240229T120000Z');
  });

  test('the policy is plain JSON.stringify, base64; expiration is the signing second plus expiresIn', () => {
    expect(Buffer.from(post.policy, 'base64').toString('utf8')).toBe(JSON.stringify(post.policyDocument));
    expect(post.fields['policy']).toBe(post.policy);
    expect(post.policyDocument.expiration).toBe('2024-02-29T12:10:00Z');
    expect(post.expiresAt).toEqual(later(600));
  });

  test('every field but policy and x-amz-signature has an exact condition; the policy carries the rest', () => {
    const conditions: PostCondition[] = decode(post.policy).conditions;
    const simple = new Map(
      conditions.filter((c) => !Array.isArray(c)).map((c) => Object.entries(c)[0]!) as [string, string][],
    );
    for (const [name, value] of Object.entries(post.fields)) {
      if (name === 'policy' || name === 'x-amz-signature' || name === 'key') continue;
      expect(simple.get(name), name).toBe(value);
    }
    expect(simple.get('bucket')).toBe('uploads');
    expect(conditions).toContainEqual({ key: 'user/42/avatar.png' });
    expect(conditions).toContainEqual(['content-length-range', 1, 10_485_760]);
    expect(conditions).toContainEqual(['starts-with', '$x-amz-meta-tag', '']);
  });

  test('the signature is the SigV4 signing key’s HMAC of the base64 text (node:crypto)', () => {
    expect(post.signature).toBe(nodeSignature(SECRET, '20240229', 'eu-west-1', post.policy));
    expect(post.fields['x-amz-signature']).toBe(post.signature);
  });

  test('the verifier accepts the form as a browser sends it', async () => {
    const verdict = await verifyPresignedPost(
      { bucket: 'uploads', fields: { ...post.fields, 'x-amz-meta-tag': 'holiday' }, fileSize: 10 },
      { secretFor: () => SECRET, now: signingDate },
    );
    expect(verdict).toEqual({
      ok: true,
      key: 'user/42/avatar.png',
      accessKeyId: 'AKIDEXAMPLE',
      region: 'eu-west-1',
      signedAt: signingDate,
      expiresAt: later(600),
      contentLengthRange: [1, 10_485_760],
      contentType: 'image/png',
      successActionStatus: 201,
      successActionRedirect: undefined,
      sessionToken: undefined,
      fields: expect.objectContaining({ 'x-amz-meta-author': 'J. Doe', 'cache-control': 'max-age=60' }),
    });
  });

  test('keyPrefix and a key ending in ${filename} become starts-with conditions', () => {
    const byPrefix = presignPost({ ...base, key: undefined, keyPrefix: 'user/42/' });
    expect(byPrefix.fields['key']).toBe('user/42/${filename}');
    expect(byPrefix.policyDocument.conditions).toContainEqual(['starts-with', '$key', 'user/42/']);
    const byVariable = presignPost({ ...base, key: 'user/42/${filename}' });
    expect(byVariable.policyDocument.conditions).toEqual(byPrefix.policyDocument.conditions);
    const anyKey = presignPost({ ...base, key: undefined, keyPrefix: '' });
    expect(anyKey.policyDocument.conditions).toContainEqual(['starts-with', '$key', '']);
  });

  test('contentType { startsWith } is a condition only: the form adds the field', () => {
    const post = presignPost({ ...base, contentType: { startsWith: 'image/' } });
    expect(post.fields['Content-Type']).toBeUndefined();
    expect(post.policyDocument.conditions).toContainEqual(['starts-with', '$Content-Type', 'image/']);
  });

  test('a session token is a field and a condition; an empty one counts as none', () => {
    const token = 'FwoGZXIvYXdzEJr//////////wEaDO+token/==';
    const post = presignPost({ ...base, credentials: { ...base.credentials, sessionToken: token } });
    expect(post.fields['x-amz-security-token']).toBe(token);
    expect(post.policyDocument.conditions).toContainEqual({ 'x-amz-security-token': token });
    const none = presignPost({ ...base, credentials: { ...base.credentials, sessionToken: '' } });
    expect(none.fields).not.toHaveProperty('x-amz-security-token');
  });

  test('addressing follows the S3 helpers: path style, endpoints, dual-stack, accelerate', () => {
    const url = (options: Partial<PresignPostOptions>) => presignPost({ ...base, ...options }).url;
    expect(url({ forcePathStyle: true })).toBe('https://s3.eu-west-1.amazonaws.com/uploads');
    expect(url({ endpoint: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000/uploads');
    expect(url({ endpoint: 'https://minio.example.com' })).toBe('https://uploads.minio.example.com/');
    expect(url({ dualStack: true })).toBe('https://uploads.s3.dualstack.eu-west-1.amazonaws.com/');
    expect(url({ accelerate: true })).toBe('https://uploads.s3-accelerate.amazonaws.com/');
    expect(url({ bucket: 'my.dotted.bucket' })).toBe('https://s3.eu-west-1.amazonaws.com/my.dotted.bucket');
  });

  test("credentialExpiry 'clamp' shortens the policy to the credentials' lifetime", () => {
    const post = presignPost({
      ...base,
      expiresIn: 3600,
      credentialExpiry: 'clamp',
      credentials: { ...base.credentials, expiration: later(600) },
    });
    expect(post.expiresAt).toEqual(later(600));
  });

  test('${filename} is a variable of the key only: elsewhere it is text, which a condition must match', () => {
    const options = { ...base, metadata: { note: 'a${filename}' } };
    expect(() => presignPost({ ...options, conditions: [['starts-with', '$x-amz-meta-note', 'a$']] })).not.toThrow();
    expect(() => presignPost({ ...options, conditions: [['starts-with', '$x-amz-meta-note', 'ab']] })).toThrow(
      expect.objectContaining({ code: 'CONFLICTING_CONDITION' }),
    );
  });

  test('conditions that the options meet are accepted', () => {
    expect(() =>
      presignPost({
        ...base,
        contentType: 'image/png',
        contentLengthRange: [0, 10],
        conditions: [
          ['starts-with', '$content-type', 'image/'],
          ['starts-with', '$key', 'user/'],
          ['eq', '$bucket', 'uploads'],
          ['content-length-range', 0, 10],
          { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        ],
      }),
    ).not.toThrow();
  });
});

/** Every option the contract refuses, with its code. */
const BAD: [string, Partial<PresignPostOptions> | ((o: PresignPostOptions) => PresignPostOptions), SigV4ErrorCode][] = [
  ['region auto (R2)', { region: 'auto' }, 'POST_NOT_SUPPORTED'],
  [
    'an R2 endpoint',
    { endpoint: 'https://0123456789abcdef.r2.cloudflarestorage.com', region: 'us-east-1' },
    'POST_NOT_SUPPORTED',
  ],
  ['size range min > max', { contentLengthRange: [10, 1] }, 'INVALID_CONTENT_LENGTH_RANGE'],
  ['negative size', { contentLengthRange: [-1, 10] }, 'INVALID_CONTENT_LENGTH_RANGE'],
  ['fractional size', { contentLengthRange: [0, 1.5] }, 'INVALID_CONTENT_LENGTH_RANGE'],
  ['size range of one number', { contentLengthRange: [1] as never }, 'INVALID_CONTENT_LENGTH_RANGE'],
  ['raw range min > max', { conditions: [['content-length-range', 5, 1]] }, 'INVALID_CONTENT_LENGTH_RANGE'],
  [
    'a raw range that differs from contentLengthRange',
    { contentLengthRange: [0, 10], conditions: [['content-length-range', 0, 11]] },
    'CONFLICTING_CONDITION',
  ],
  [
    'a content-type condition against contentType',
    { contentType: 'image/png', conditions: [['eq', '$Content-Type', 'text/plain']] },
    'CONFLICTING_CONDITION',
  ],
  [
    'a prefix contentType against an exact condition',
    { contentType: { startsWith: 'image/' }, conditions: [{ 'content-type': 'text/plain' }] },
    'CONFLICTING_CONDITION',
  ],
  ['a key condition against key', { conditions: [{ key: 'other' }] }, 'CONFLICTING_CONDITION'],
  [
    'a key prefix against keyPrefix',
    { key: undefined, keyPrefix: 'user/42/', conditions: [['starts-with', '$key', 'user/43/']] },
    'CONFLICTING_CONDITION',
  ],
  ['a bucket condition for another bucket', { conditions: [{ bucket: 'other' }] }, 'CONFLICTING_CONDITION'],
  [
    'a field condition against fields',
    { fields: { acl: 'private' }, conditions: [{ acl: 'public-read' }] },
    'CONFLICTING_CONDITION',
  ],
  [
    'two exact values for one field',
    { conditions: [{ 'x-amz-meta-a': '1' }, ['eq', '$x-amz-meta-a', '2']] },
    'CONFLICTING_CONDITION',
  ],
  [
    'prefixes that exclude each other',
    {
      conditions: [
        ['starts-with', '$x-amz-meta-a', 'ab'],
        ['starts-with', '$X-Amz-Meta-A', 'ac'],
      ],
    },
    'CONFLICTING_CONDITION',
  ],
  ['a condition on x-amz-date', { conditions: [{ 'x-amz-date': '20200101T000000Z' }] }, 'CONFLICTING_CONDITION'],
  ['an unknown field', { fields: { 'x-evil': '1' } }, 'INVALID_FORM_FIELD'],
  ['an unknown x-amz field', { fields: { 'x-amz-foo': '1' } }, 'INVALID_FORM_FIELD'],
  ['the key in fields', { fields: { Key: 'x' } }, 'INVALID_FORM_FIELD'],
  ['the policy in fields', { fields: { policy: 'x' } }, 'INVALID_FORM_FIELD'],
  ['the bucket in fields', { fields: { bucket: 'uploads' } }, 'INVALID_FORM_FIELD'],
  ['the file in fields', { fields: { file: 'x' } }, 'INVALID_FORM_FIELD'],
  ['x-amz-credential in fields', { fields: { 'X-Amz-Credential': 'x' } }, 'INVALID_FORM_FIELD'],
  ['a metadata name that is no token', { fields: { 'x-amz-meta-a b': '1' } }, 'INVALID_FORM_FIELD'],
  ['a metadata name that is empty', { fields: { 'x-amz-meta-': '1' } }, 'INVALID_FORM_FIELD'],
  ['a condition on an unknown field', { conditions: [['starts-with', '$whatever', '']] }, 'INVALID_FORM_FIELD'],
  ['a condition on the file', { conditions: [['starts-with', '$file', '']] }, 'INVALID_FORM_FIELD'],
  ['a condition on the signature', { conditions: [{ 'x-amz-signature': 'x' }] }, 'INVALID_FORM_FIELD'],
  ['a field value with a line break', { fields: { 'cache-control': 'a\nb' } }, 'INVALID_FORM_FIELD'],
  ['a field value that is a number', { fields: { 'cache-control': 60 as never } }, 'INVALID_FORM_FIELD'],
  ['a key with a line break', { key: 'a\r\nb' }, 'INVALID_FORM_FIELD'],
  ['a tag with a line break', { tagging: { 'a\nb': 'c' } }, 'INVALID_FORM_FIELD'],
  ['a field named __proto__', { fields: JSON.parse('{"__proto__": "x"}') }, 'INVALID_FORM_FIELD'],
  [
    'starts-with on a field S3 matches exactly',
    { conditions: [['starts-with', '$x-amz-storage-class', '']] },
    'INVALID_CONDITION',
  ],
  ['starts-with on the bucket', { conditions: [['starts-with', '$bucket', '']] }, 'INVALID_CONDITION'],
  ['a Content-Type prefix with a comma', { contentType: { startsWith: 'image/,' } }, 'INVALID_CONDITION'],
  [
    'a raw Content-Type prefix with a comma',
    { conditions: [['starts-with', '$content-type', 'a,b']] },
    'INVALID_CONDITION',
  ],
  ['an unknown operator', { conditions: [['matches', '$acl', 'x'] as never] }, 'INVALID_CONDITION'],
  ['a condition without $', { conditions: [['eq', 'acl', 'x']] }, 'INVALID_CONDITION'],
  ['a simple condition with two names', { conditions: [{ acl: 'x', tagging: 'y' }] }, 'INVALID_CONDITION'],
  ['a simple condition with a number', { conditions: [{ success_action_status: 201 } as never] }, 'INVALID_CONDITION'],
  ['both key and keyPrefix', { keyPrefix: 'a/' }, 'INVALID_OPTION'],
  ['neither key nor keyPrefix', { key: undefined }, 'INVALID_OPTION'],
  ['${filename} inside the key', { key: 'a/${filename}/b' }, 'INVALID_KEY'],
  ['an empty key', { key: '' }, 'INVALID_KEY'],
  ['a key over 1024 bytes', { key: 'é'.repeat(513) }, 'INVALID_KEY'],
  ['successActionStatus 202', { successActionStatus: 202 as never }, 'INVALID_OPTION'],
  ['status and redirect', { successActionStatus: 201, successActionRedirect: 'https://a.example/' }, 'INVALID_OPTION'],
  ['a relative redirect', { successActionRedirect: '/done' }, 'INVALID_OPTION'],
  ['a field set twice', { contentType: 'image/png', fields: { 'content-type': 'image/png' } }, 'INVALID_OPTION'],
  ['conditions not an array', { conditions: {} as never }, 'INVALID_OPTION'],
  ['a misspelt option, which would leave the size uncapped', { maxSize: 10 } as never, 'INVALID_OPTION'],
  ['metadata not ASCII', { metadata: { a: 'é' } }, 'INVALID_HEADER_VALUE'],
  ['an unknown checksum', { checksum: { algorithm: 'MD5' as never, value: 'AA==' } }, 'INVALID_OPTION'],
  ['expiresIn 0', { expiresIn: 0 }, 'INVALID_EXPIRES_IN'],
  ['expiresIn 604801', { expiresIn: 604801 }, 'INVALID_EXPIRES_IN'],
  ['a bad bucket name', { bucket: 'Not_A_Bucket' }, 'INVALID_BUCKET_NAME'],
  ['a bad region', { region: 'EU' }, 'INVALID_REGION'],
  ['an invalid date', { signingDate: new Date('nope') }, 'INVALID_DATE'],
  ['empty secret', { credentials: { accessKeyId: 'AKID', secretAccessKey: '' } }, 'INVALID_CREDENTIALS'],
  [
    'credentials that expire before the policy',
    (o) => ({ ...o, expiresIn: 3600, credentials: { ...o.credentials, expiration: later(600) } }),
    'CREDENTIALS_EXPIRE_TOO_SOON',
  ],
];

function errorOf(options: PresignPostOptions): SigV4Error {
  try {
    presignPost(options);
  } catch (error) {
    expect(error).toBeInstanceOf(SigV4Error);
    return error as SigV4Error;
  }
  throw new Error('presignPost did not throw');
}

const apply = (change: (typeof BAD)[number][1]) =>
  typeof change === 'function' ? change(base) : { ...base, ...change };

describe('refused options', () => {
  test.each(BAD)('%s: SigV4Error %s', (_name, change, code) => {
    expect(errorOf(apply(change)).code).toBe(code);
  });

  test.each(BAD)('%s: the secret appears nowhere on the error', (_name, change) => {
    const error = errorOf(apply(change));
    expect(everythingShown(error)).not.toContain(SECRET);
  });

  test('the options are not an object', () => {
    expect(errorOf(null as never).code).toBe('INVALID_OPTION');
  });

  test('the result never holds the secret', () => {
    const post = presignPost({ ...base, contentLengthRange: [0, 1] });
    expect(everythingShown(post)).not.toContain(SECRET);
  });
});
