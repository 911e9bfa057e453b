/**
 * SigV4a presigning on its own: the region set and its encoding, bad input refused with a code
 * and without the secret, the key-pair cache (bounded, forgets a failed import, one import per
 * credentials), and the detailed result's stages.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import type { EcdsaBackend } from '../../../src/core/ecdsa.js';
import { SigV4Error } from '../../../src/core/errors.js';
import { V4A_KEY_CACHE_SIZE } from '../../../src/core/v4a-keys.js';
import { presignV4a, presignV4aDetailed, v4aPublicKeyOf, type PresignV4aOptions } from '../../../src/sign/v4a.js';

const credentials = { accessKeyId: 'AKIDV4A', secretAccessKey: 'v4a/secret+KEY=value' };
const base: PresignV4aOptions = {
  method: 'GET',
  url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg',
  service: 's3',
  regionSet: ['*'],
  credentials,
  signingDate: new Date('2024-03-15T12:00:00Z'),
  ecdsa: nodeEcdsa,
};

/** A backend that counts key imports, around node:crypto's. */
function counting(inner: EcdsaBackend = nodeEcdsa) {
  const counts = { imports: 0 };
  const backend: EcdsaBackend = {
    ...inner,
    importPrivateKey: (d) => {
      counts.imports++;
      return inner.importPrivateKey(d);
    },
  };
  return { backend, counts };
}

async function codeOf(options: unknown): Promise<string> {
  const error = await presignV4a(options as PresignV4aOptions).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SigV4Error);
  const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
  expect(text).not.toContain(credentials.secretAccessKey);
  return (error as SigV4Error).code;
}

describe('presignV4a', () => {
  test('signs the region set as X-Amz-Region-Set (* as %2A, "," as %2C) and a scope without region', async () => {
    const all = await presignV4aDetailed(base);
    expect(all.url).toContain('&X-Amz-Region-Set=%2A&');
    expect(all.credentialScope).toBe('20240315/s3/aws4_request');
    expect(all.url).toContain(
      'X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDV4A%2F20240315%2Fs3%2Faws4_request&',
    );
    expect(all.stringToSign.split('\n').slice(0, 3)).toEqual([
      'AWS4-ECDSA-P256-SHA256',
      '20240315T120000Z',
      all.credentialScope,
    ]);
    const two = await presignV4aDetailed({ ...base, regionSet: ['us-east-1', 'eu-west-1'] });
    expect(two.canonicalRequest).toContain('&X-Amz-Region-Set=us-east-1%2Ceu-west-1&X-Amz-SignedHeaders=host\n');
    expect(two.url.endsWith(`&X-Amz-Signature=${two.signature}`)).toBe(true);
    expect(two.signature).toMatch(/^30[0-9a-f]{12,142}$/);
  });

  test("the signature verifies (node:crypto, directly) under the credentials' public key", async () => {
    const { x, y } = await v4aPublicKeyOf(credentials, nodeEcdsa);
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(x), y: b64(y) }, format: 'jwk' });
    const result = await presignV4aDetailed({ ...base, headers: { 'content-type': 'image/png' }, method: 'PUT' });
    expect(verify('sha256', Buffer.from(result.stringToSign), key, Buffer.from(result.signature, 'hex'))).toBe(true);
    expect(result.headers).toEqual({ 'content-type': 'image/png' });
    expect(result.signedHeaders).toEqual(['content-type', 'host']);
  });

  test('a session token is signed, or appended after the signature', async () => {
    const withToken = { ...base, credentials: { ...credentials, sessionToken: 'tok/en+=' } };
    const signed = await presignV4aDetailed(withToken);
    expect(signed.canonicalRequest).toContain('&X-Amz-Region-Set=%2A&X-Amz-Security-Token=tok%2Fen%2B%3D&');
    const appended = await presignV4aDetailed({ ...withToken, sessionTokenMode: 'appended' });
    expect(appended.canonicalRequest).not.toContain('Security-Token');
    expect(appended.url).toMatch(/&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=[0-9a-f]+$/);
  });

  test.each([
    ['no region set', { regionSet: undefined }, 'INVALID_REGION_SET'],
    ['an empty region set', { regionSet: [] }, 'INVALID_REGION_SET'],
    ['a string for a region set', { regionSet: 'us-east-1' }, 'INVALID_REGION_SET'],
    ['an upper-case region', { regionSet: ['US-EAST-1'] }, 'INVALID_REGION_SET'],
    ['a comma inside an entry', { regionSet: ['us-east-1,eu-west-1'] }, 'INVALID_REGION_SET'],
    ['a repeated entry', { regionSet: ['us-east-1', 'us-east-1'] }, 'INVALID_REGION_SET'],
    ['an empty entry', { regionSet: [''] }, 'INVALID_REGION_SET'],
    ['a URL carrying X-Amz-Region-Set', { url: base.url + '?x-amz-region-set=%2A' }, 'RESERVED_QUERY_PARAMETER'],
    ['a bad service', { service: 'S3!' }, 'INVALID_SERVICE'],
    ['no secret', { credentials: { accessKeyId: 'A', secretAccessKey: '' } }, 'INVALID_CREDENTIALS'],
    ['an expiry of 0', { expiresIn: 0 }, 'INVALID_EXPIRES_IN'],
    ['an invalid date', { signingDate: new Date(NaN) }, 'INVALID_DATE'],
    ['a bad ecdsa option', { ecdsa: {} }, 'INVALID_OPTION'],
    ['a bad backend option', { backend: {} }, 'INVALID_OPTION'],
    ['a bad method', { method: 'GE T' }, 'INVALID_METHOD'],
  ])('%s is refused with its code, and no secret in the error', async (_label, change, code) => {
    expect(await codeOf({ ...base, ...change })).toBe(code);
  });

  test('options that are not an object', async () => {
    expect(await codeOf(null)).toBe('INVALID_OPTION');
  });

  test('one key import per credentials; a failed import is forgotten, so the next call tries again', async () => {
    const { backend, counts } = counting();
    const options = { ...base, credentials: { accessKeyId: 'AKIDCOUNT', secretAccessKey: 'count' }, ecdsa: backend };
    await presignV4a(options);
    await presignV4a({ ...options, url: base.url + '?x=1' });
    expect(counts.imports).toBe(1);

    let fail = true;
    const flaky: EcdsaBackend = {
      ...nodeEcdsa,
      importPrivateKey: (d) =>
        fail ? Promise.reject(new SigV4Error('ECDSA_UNAVAILABLE', 'no')) : nodeEcdsa.importPrivateKey(d),
    };
    const flakyOptions = { ...options, credentials: { accessKeyId: 'AKIDFLAKY', secretAccessKey: 'f' }, ecdsa: flaky };
    expect(await codeOf(flakyOptions)).toBe('ECDSA_UNAVAILABLE');
    fail = false;
    await expect(presignV4a(flakyOptions)).resolves.toMatch(/X-Amz-Signature=30/);
  });

  test(`the key-pair cache holds at most ${V4A_KEY_CACHE_SIZE} credentials, oldest out first`, async () => {
    const { backend, counts } = counting();
    const sign = (i: number) =>
      presignV4a({ ...base, ecdsa: backend, credentials: { accessKeyId: `AKID${i}`, secretAccessKey: `s${i}` } });
    for (let i = 0; i <= V4A_KEY_CACHE_SIZE; i++) await sign(i);
    expect(counts.imports).toBe(V4A_KEY_CACHE_SIZE + 1);
    await sign(V4A_KEY_CACHE_SIZE); // the newest: still cached
    expect(counts.imports).toBe(V4A_KEY_CACHE_SIZE + 1);
    await sign(0); // the oldest: evicted
    expect(counts.imports).toBe(V4A_KEY_CACHE_SIZE + 2);
  });

  test('the same access key id with another secret is another key', async () => {
    const a = await v4aPublicKeyOf({ accessKeyId: 'AKIDSAME', secretAccessKey: 'one' }, nodeEcdsa);
    const b = await v4aPublicKeyOf({ accessKeyId: 'AKIDSAME', secretAccessKey: 'two' }, nodeEcdsa);
    expect(a).not.toEqual(b);
    // The id's length is part of the cache key: "AB" + "C" and "A" + "BC" are different pairs.
    const c = await v4aPublicKeyOf({ accessKeyId: 'AB', secretAccessKey: 'C' }, nodeEcdsa);
    const d = await v4aPublicKeyOf({ accessKeyId: 'A', secretAccessKey: 'BC' }, nodeEcdsa);
    expect(c).not.toEqual(d);
  });
});
