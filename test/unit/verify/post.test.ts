/**
 * verifyPresignedPost, rule by rule as S3 applies them (case-insensitive names, exempt fields,
 * "Extra input fields", absent fields, ${filename}, the bucket from the URL, expiry, scope, the
 * Content-Type list rule), with S3's codes; and that it never throws.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  checkPostSize,
  presignPost,
  verifyPresignedPost,
  type PostUpload,
  type PresignPostOptions,
  type VerifyPostOptions,
} from '../../../src/index.js';
import { pureJsBackend, signature, signingKey } from '../../../src/stages.js';

const SECRET = 'Sup3r/Secret+Key=do-not-leak';
const signingDate = new Date('2024-02-29T12:00:00Z');
const base: PresignPostOptions = {
  bucket: 'uploads',
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  key: 'user/42/avatar.png',
  signingDate,
  expiresIn: 600,
};
const options: VerifyPostOptions = { secretFor: (id) => (id === 'AKIDEXAMPLE' ? SECRET : undefined), now: signingDate };
const later = (seconds: number) => new Date(signingDate.getTime() + seconds * 1000);

const verify = (upload: Partial<PostUpload> & Pick<PostUpload, 'fields'>, more: Partial<VerifyPostOptions> = {}) =>
  verifyPresignedPost({ bucket: 'uploads', ...upload }, { ...options, ...more });

/** A form whose policy is `text` as given, signed with the test key (for documents presignPost would never write). */
function signedText(text: string, extra: Record<string, string> = {}): Record<string, string> {
  const policy = Buffer.from(text, 'utf8').toString('base64');
  const key = signingKey(pureJsBackend, SECRET, '20240229', 'eu-west-1', 's3');
  return {
    key: 'k',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': 'AKIDEXAMPLE/20240229/eu-west-1/s3/aws4_request',
    'x-amz-date': '20240229T120000Z',
    ...extra,
    policy,
    'x-amz-signature': signature(pureJsBackend, key, policy),
  };
}
const signerConditions = [
  { bucket: 'uploads' },
  { key: 'k' },
  { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
  { 'x-amz-credential': 'AKIDEXAMPLE/20240229/eu-west-1/s3/aws4_request' },
  { 'x-amz-date': '20240229T120000Z' },
];
const documentWith = (...conditions: unknown[]) =>
  JSON.stringify({ expiration: '2024-02-29T12:10:00Z', conditions: [...signerConditions, ...conditions] });

describe('accepted forms', () => {
  test('names are case-insensitive, values as signed', async () => {
    const post = presignPost({ ...base, contentType: 'image/png' });
    const shouted = Object.fromEntries(Object.entries(post.fields).map(([name, value]) => [name.toUpperCase(), value]));
    expect(await verify({ fields: shouted })).toMatchObject({ ok: true, contentType: 'image/png' });
  });

  test('FormData, pairs and objects are all read', async () => {
    const post = presignPost(base);
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    expect(await verify({ fields: form })).toMatchObject({ ok: true });
    expect(await verify({ fields: Object.entries(post.fields) })).toMatchObject({ ok: true });
  });

  test('policy, x-amz-signature, file and x-ignore-* need no condition', async () => {
    const post = presignPost(base);
    expect(await verify({ fields: { ...post.fields, 'x-ignore-tracking': '1', 'X-Ignore-Other': '' } })).toMatchObject({
      ok: true,
    });
  });

  test('${filename} is replaced by the file name, without its folders', async () => {
    const post = presignPost({ ...base, key: undefined, keyPrefix: 'user/42/' });
    expect(await verify({ fields: post.fields, filename: 'C:\\Users\\me\\cat.png' })).toMatchObject({
      ok: true,
      key: 'user/42/cat.png',
    });
    expect(await verify({ fields: post.fields, filename: 'a/b/${filename}' })).toMatchObject({
      key: 'user/42/${filename}',
    });
    // A client may write the key itself, as long as it meets the condition.
    expect(await verify({ fields: { ...post.fields, key: 'user/42/mine.txt' } })).toMatchObject({
      ok: true,
      key: 'user/42/mine.txt',
    });
  });

  test('${filename} that leaves no key, or one over 1024 bytes, is refused', async () => {
    const post = presignPost({ ...base, key: undefined, keyPrefix: '' });
    expect(await verify({ fields: post.fields, filename: '' })).toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringContaining('length greater than 0'),
    });
    expect(await verify({ fields: post.fields })).toMatchObject({ code: 'InvalidArgument' });
    expect(await verify({ fields: post.fields, filename: 'é'.repeat(512) })).toMatchObject({ ok: true });
    expect(await verify({ fields: post.fields, filename: 'é'.repeat(512) + 'x' })).toMatchObject({
      code: 'InvalidArgument',
      message: expect.stringContaining('too long'),
    });
  });

  test('starts-with on Content-Type reads a comma-separated list: every item must match', async () => {
    const post = presignPost({ ...base, contentType: { startsWith: 'image/' } });
    const withType = (type: string) => verify({ fields: { ...post.fields, 'Content-Type': type } });
    expect(await withType('image/png,image/gif')).toMatchObject({ ok: true });
    expect(await withType('image/png,text/plain')).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(await withType('image/png, image/gif')).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  test('success_action_status: 200, 201 or 204; anything else is S3’s 204', async () => {
    for (const status of [200, 201] as const) {
      const post = presignPost({ ...base, successActionStatus: status });
      expect(await verify({ fields: post.fields })).toMatchObject({ successActionStatus: status });
    }
    const odd = presignPost({ ...base, fields: {}, conditions: [{ success_action_status: '299' }] });
    expect(await verify({ fields: { ...odd.fields, success_action_status: '299' } })).toMatchObject({
      ok: true,
      successActionStatus: 204,
    });
    const redirect = presignPost({ ...base, successActionRedirect: 'https://example.com/done' });
    expect(await verify({ fields: redirect.fields })).toMatchObject({
      successActionStatus: 204,
      successActionRedirect: 'https://example.com/done',
    });
  });

  test('an asynchronous secretFor, and expiry to the second', async () => {
    const post = presignPost(base);
    const secretFor = async () => SECRET;
    expect(await verify({ fields: post.fields }, { secretFor, now: later(599.999) })).toMatchObject({ ok: true });
    expect(await verify({ fields: post.fields }, { secretFor, now: later(600) })).toMatchObject({
      ok: false,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  test('several size ranges all apply', async () => {
    const post = presignPost({ ...base, conditions: [['content-length-range', 0, 10]] });
    expect(await verify({ fields: post.fields, fileSize: 10 })).toMatchObject({ contentLengthRange: [0, 10] });
    const form = signedText(documentWith(['content-length-range', 0, 10], ['content-length-range', '5', '20']));
    expect(await verify({ fields: form })).toMatchObject({ ok: true, contentLengthRange: [5, 10] });
  });
});

describe('refused forms, with S3’s codes', () => {
  const post = presignPost({
    ...base,
    key: undefined,
    keyPrefix: 'user/42/',
    contentType: 'image/png',
    contentLengthRange: [1, 100],
    conditions: [['starts-with', '$x-amz-meta-tag', '']],
  });
  const good: Record<string, string> = { ...post.fields, 'x-amz-meta-tag': 'holiday' };
  const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([n]) => n !== name));

  test.each<[string, Record<string, string>, string, RegExp]>([
    [
      'an extra field',
      { ...good, acl: 'public-read' },
      'AccessDenied',
      /^Invalid according to Policy: Extra input fields: acl$/,
    ],
    [
      'a changed exact field',
      { ...good, 'Content-Type': 'text/html' },
      'AccessDenied',
      /Policy Condition failed: \{"Content-Type":"image\/png"\}/,
    ],
    [
      'a key outside the prefix',
      { ...good, key: 'user/43/x' },
      'AccessDenied',
      /Policy Condition failed: \["starts-with","\$key","user\/42\/"\]/,
    ],
    ['an absent field under starts-with ""', without('x-amz-meta-tag'), 'AccessDenied', /x-amz-meta-tag/],
    ['an absent exact field', without('Content-Type'), 'AccessDenied', /Content-Type/],
    ['no key', without('key'), 'InvalidArgument', /must contain a field named 'key'/],
    ['an empty key', { ...good, key: '' }, 'InvalidArgument', /must contain a field named 'key'/],
    ['no signature', without('x-amz-signature'), 'InvalidArgument', /field named 'x-amz-signature'/],
    ['no credential', without('x-amz-credential'), 'InvalidArgument', /field named 'x-amz-credential'/],
    ['no policy', without('policy'), 'InvalidArgument', /field named 'policy'/],
    ['a wrong signature', { ...good, 'x-amz-signature': '0'.repeat(64) }, 'SignatureDoesNotMatch', /does not match/],
    ['a short signature', { ...good, 'x-amz-signature': 'abc' }, 'SignatureDoesNotMatch', /does not match/],
    [
      'upper-case signature digits',
      { ...good, 'x-amz-signature': post.signature.toUpperCase() },
      'SignatureDoesNotMatch',
      /does not match/,
    ],
    [
      'another algorithm',
      { ...good, 'x-amz-algorithm': 'AWS4-ECDSA-P256-SHA256' },
      'InvalidArgument',
      /x-amz-algorithm/,
    ],
    ['a malformed date', { ...good, 'x-amz-date': '2024-02-29T12:00:00Z' }, 'InvalidArgument', /x-amz-date/i],
    ['February 30', { ...good, 'x-amz-date': '20240230T120000Z' }, 'InvalidArgument', /x-amz-date/i],
    [
      'a credential for another day',
      { ...good, 'x-amz-date': '20240301T120000Z' },
      'InvalidArgument',
      /credential date/,
    ],
    [
      'a malformed credential',
      { ...good, 'x-amz-credential': 'AKIDEXAMPLE/20240229/eu-west-1/s3' },
      'InvalidArgument',
      /X-Amz-Credential/,
    ],
    [
      'another service',
      { ...good, 'x-amz-credential': 'AKIDEXAMPLE/20240229/eu-west-1/ec2/aws4_request' },
      'InvalidArgument',
      /service/,
    ],
    [
      'an unknown access key',
      { ...good, 'x-amz-credential': 'AKIDOTHER/20240229/eu-west-1/s3/aws4_request' },
      'InvalidAccessKeyId',
      /AKIDOTHER/,
    ],
    [
      'a policy that is not base64',
      { ...good, policy: good['policy']!.slice(1) },
      'SignatureDoesNotMatch',
      /does not match/,
    ],
  ])('%s', async (_name, fields, code, message) => {
    const verdict = await verify({ fields });
    expect(verdict).toMatchObject({ ok: false, code });
    expect(verdict.ok || verdict.message).toMatch(message);
  });

  test('the bucket comes from the URL: a policy for another bucket fails, a bucket field changes nothing', async () => {
    expect(await verify({ bucket: 'other', fields: good })).toMatchObject({
      ok: false,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: {"bucket":"uploads"}',
    });
    const forOther = presignPost({ ...base, bucket: 'other' });
    expect(await verify({ fields: { ...forOther.fields, bucket: 'uploads' } })).toMatchObject({ code: 'AccessDenied' });
    const sdkStyle = presignPost(base);
    expect(await verify({ fields: { ...sdkStyle.fields, bucket: 'other' } })).toMatchObject({ ok: true });
  });

  test('a field named __proto__ under a condition stays a field', async () => {
    const form = Object.entries(signedText(documentWith(JSON.parse('{"__proto__": "x"}'))));
    const verdict = await verify({ fields: [...form, ['__proto__', 'x']] });
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && Object.getPrototypeOf(verdict.fields)).toBe(Object.prototype);
    expect(verdict.ok && Object.getOwnPropertyDescriptor(verdict.fields, '__proto__')?.value).toBe('x');
  });

  test('a field sent twice, whatever its case', async () => {
    expect(await verify({ fields: [...Object.entries(good), ['content-type', 'image/png']] })).toMatchObject({
      code: 'InvalidArgument',
      message: 'the field content-type appears more than once',
    });
  });

  test('a file before the fields end', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(good)) form.append(name, value);
    form.append('extra', new Blob(['x']), 'x.bin');
    expect(await verify({ fields: form })).toMatchObject({ code: 'InvalidArgument' });
  });

  test('no SigV4 field at all is an anonymous POST', async () => {
    expect(await verify({ fields: { key: 'a' } })).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  test('the region list', async () => {
    expect(await verify({ fields: good }, { regions: ['us-east-1'] })).toMatchObject({ code: 'InvalidArgument' });
    expect(await verify({ fields: good }, { regions: ['eu-west-1'] })).toMatchObject({ ok: true });
  });

  test('the size, when it is known', async () => {
    expect(await verify({ fields: good, fileSize: 101 })).toMatchObject({ code: 'EntityTooLarge' });
    expect(await verify({ fields: good, fileSize: 0 })).toMatchObject({ code: 'EntityTooSmall' });
    expect(await verify({ fields: good, fileSize: 100 })).toMatchObject({ ok: true });
    expect(checkPostSize([1, 100], 101)).toMatchObject({
      code: 'EntityTooLarge',
      message: expect.stringMatching(/101.*100/),
    });
    expect(checkPostSize([1, 100], 0)).toMatchObject({ code: 'EntityTooSmall' });
    expect(checkPostSize(undefined, 1e12)).toBeUndefined();
  });

  test('secretFor that throws, rejects or returns a number', async () => {
    for (const secretFor of [
      () => {
        throw new Error(SECRET);
      },
      () => Promise.reject(new Error(SECRET)),
      () => 42 as never,
    ]) {
      const verdict = await verify({ fields: good }, { secretFor });
      expect(verdict).toMatchObject({ ok: false, code: 'InternalError' });
      expect(JSON.stringify(verdict)).not.toContain(SECRET);
    }
  });

  test('invalid options are an InternalError', async () => {
    expect(await verify({ fields: good }, { secretFor: undefined as never })).toMatchObject({ code: 'InternalError' });
    expect(await verify({ fields: good }, { now: new Date('x') })).toMatchObject({ code: 'InternalError' });
    expect(await verify({ fields: good }, { regions: 'eu-west-1' as never })).toMatchObject({ code: 'InternalError' });
    expect(await verify({ fields: good }, { region: 'eu-west-1' } as never)).toMatchObject({
      code: 'InternalError',
      message: expect.stringContaining('did you mean "regions"'),
    });
  });
});

describe('policy documents S3 cannot read, or conditions it refuses', () => {
  test.each<[string, string, string, RegExp]>([
    ['not JSON', '{"expiration": ', 'InvalidPolicyDocument', /Invalid JSON/],
    ['an array', '[]', 'InvalidPolicyDocument', /Invalid JSON/],
    ['no expiration', JSON.stringify({ conditions: signerConditions }), 'InvalidPolicyDocument', /expiration/],
    [
      'a date as expiration',
      JSON.stringify({ expiration: '2024-02-29', conditions: signerConditions }),
      'InvalidPolicyDocument',
      /expiration/,
    ],
    [
      'an unknown member',
      JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: [], extra: 1 }),
      'InvalidPolicyDocument',
      /Unexpected/,
    ],
    [
      'conditions not a list',
      JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: {} }),
      'InvalidPolicyDocument',
      /conditions/,
    ],
    [
      'a simple condition with two names',
      documentWith({ acl: 'a', tagging: 'b' }),
      'InvalidPolicyDocument',
      /exactly one property/,
    ],
    [
      'a simple condition with a number',
      documentWith({ success_action_status: 201 }),
      'InvalidPolicyDocument',
      /must be a string/,
    ],
    ['an unknown operator', documentWith(['matches', '$key', 'k']), 'InvalidPolicyDocument', /operator/],
    ['a field without $', documentWith(['eq', 'key', 'k']), 'InvalidPolicyDocument', /'eq' condition/],
    [
      'a range with a negative bound',
      documentWith(['content-length-range', -1, 5]),
      'InvalidPolicyDocument',
      /content-length-range/,
    ],
    [
      'a range upside down',
      documentWith(['content-length-range', 5, 1]),
      'InvalidPolicyDocument',
      /content-length-range/,
    ],
    [
      'starts-with on the bucket',
      documentWith(['starts-with', '$bucket', '']),
      'AccessDenied',
      /starts-with is not allowed on bucket/,
    ],
    [
      'starts-with on x-amz-date',
      documentWith(['starts-with', '$x-amz-date', '']),
      'AccessDenied',
      /not allowed on x-amz-date/,
    ],
    [
      'an expired policy',
      JSON.stringify({ expiration: '2024-02-29T11:59:59.999Z', conditions: signerConditions }),
      'AccessDenied',
      /Policy expired/,
    ],
    [
      'no condition on the key',
      JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: signerConditions.filter((c) => !('key' in c)) }),
      'AccessDenied',
      /Extra input fields: key/,
    ],
    [
      'no condition on x-amz-credential',
      JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: signerConditions.slice(0, 3) }),
      'AccessDenied',
      /Extra input fields: x-amz-credential/,
    ],
  ])('%s: %s', async (_name, text, code, message) => {
    const verdict = await verify({ fields: signedText(text) });
    expect(verdict).toMatchObject({ ok: false, code });
    expect(verdict.ok || verdict.message).toMatch(message);
  });

  test('a policy in base64 that S3 would not read: whitespace, no padding', async () => {
    const form = signedText(documentWith());
    const unpadded = form['policy']!.replace(/=+$/, '');
    const split = form['policy']!.replace(/(.{60})/g, '$1\n');
    const key = signingKey(pureJsBackend, SECRET, '20240229', 'eu-west-1', 's3');
    for (const policy of [unpadded, split].filter((p) => p !== form['policy'])) {
      const fields = { ...form, policy, 'x-amz-signature': signature(pureJsBackend, key, policy) };
      expect(await verify({ fields })).toMatchObject({ code: 'InvalidPolicyDocument' });
    }
  });

  test('the documentation’s fractions and CRLF layout are read', async () => {
    const text = documentWith().replace('12:10:00Z', '12:10:00.000Z').replaceAll(',', ',\r\n  ');
    expect(await verify({ fields: signedText(text) })).toMatchObject({ ok: true, expiresAt: later(600) });
  });
});

describe('never throws', () => {
  test('on any input', async () => {
    const value = fc.oneof(fc.string(), fc.constant(undefined), fc.integer(), fc.object(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(null),
          fc.record({ bucket: value, fields: fc.oneof(value, fc.array(fc.tuple(value, value))) }),
        ),
        fc.oneof(fc.constant(null), fc.record({ secretFor: fc.constant(() => SECRET), now: value })),
        async (upload, opts) => {
          const verdict = await verifyPresignedPost(upload as never, opts as never);
          expect(verdict.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
