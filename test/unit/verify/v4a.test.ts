/**
 * The `sigv4-presign/v4a` verifier: SigV4 and SigV4a URLs through one flow, the region-set policy,
 * strict reading of the region set, the credential and the DER signature, high-S accepted, both
 * key lookups, the root verifier staying HMAC-only, and no throw, no leak, no false accept under
 * random tampering.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { derToP1363, p1363ToDer } from '../../../src/core/der.js';
import { toHex } from '../../../src/core/encoding.js';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import { webCryptoEcdsa } from '../../../src/core/ecdsa.js';
import { presign, verifyPresignedUrl as verifyRoot } from '../../../src/index.js';
import { canonicalQuery, parseQuery } from '../../../src/stages.js';
import { presignV4a, v4aPublicKeyOf, type PresignV4aOptions } from '../../../src/sign/v4a.js';
import { verifyPresignedUrl, type VerifyV4aOptions } from '../../../src/verify/v4a.js';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const credentials = { accessKeyId: 'AKIDV4AVERIFY', secretAccessKey: 'v4a/verify+SECRET=key' };
const signingDate = new Date('2026-03-01T12:00:00Z');
const now = new Date('2026-03-01T12:01:00Z');
const signOptions: PresignV4aOptions = {
  method: 'PUT',
  url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat%20one.jpg?versionId=1',
  service: 's3',
  regionSet: ['us-east-1', 'eu-west-1'],
  credentials,
  headers: { 'content-type': 'image/png' },
  signingDate,
  ecdsa: nodeEcdsa,
};
const headers = { 'content-type': 'image/png' };
const bySecret: VerifyV4aOptions = {
  secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  now,
  ecdsa: nodeEcdsa,
};

const verify = (url: string, options: Partial<VerifyV4aOptions> = {}, method = 'PUT') =>
  verifyPresignedUrl({ method, url, headers }, { ...bySecret, ...options });

const signatureOf = (url: string) => /X-Amz-Signature=([0-9a-f]*)$/.exec(url)![1]!;
const withSignature = (url: string, signature: string) =>
  url.replace(/X-Amz-Signature=[0-9a-f]*$/, `X-Amz-Signature=${signature}`);

describe('verifyPresignedUrl from sigv4-presign/v4a', () => {
  test('accepts a SigV4a URL by secret and by public key, with either ECDSA backend', async () => {
    const url = await presignV4a(signOptions);
    const point = await v4aPublicKeyOf(credentials, nodeEcdsa);
    for (const ecdsa of [nodeEcdsa, webCryptoEcdsa]) {
      const expected = { ok: true, accessKeyId: credentials.accessKeyId, region: 'us-east-1,eu-west-1', service: 's3' };
      expect(await verify(url, { ecdsa })).toMatchObject(expected);
      const publicOnly = { secretFor: undefined, publicKeyFor: () => point, ecdsa };
      expect(await verify(url, publicOnly)).toMatchObject(expected);
    }
  });

  test("accepts SigV4 URLs too, as the root verifier does; the root verifier refuses SigV4a's", async () => {
    const { regionSet: _regionSet, ecdsa: _ecdsa, ...common } = signOptions;
    const v4 = presign({ ...common, region: 'eu-west-1' });
    expect(await verify(v4)).toMatchObject({ ok: true, region: 'eu-west-1' });
    expect(await verify(v4, { secretFor: undefined, publicKeyFor: () => undefined })).toMatchObject({
      ok: false,
      code: 'InvalidAccessKeyId',
    });
    const v4a = await presignV4a(signOptions);
    const root = await verifyRoot({ method: 'PUT', url: v4a, headers }, { secretFor: bySecret.secretFor!, now });
    expect(root).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
  });

  test.each([
    [['*'], ['ap-south-1'], true],
    [['us-east-1', 'eu-west-1'], ['eu-west-1'], true],
    [['us-east-1', 'eu-west-1'], ['ap-south-1', 'us-east-1'], true],
    [['us-east-1', 'eu-west-1'], ['us-west-2'], false],
    [['us-east-1'], undefined, true],
  ])('region set %j at a server in %j: accepted %s', async (regionSet, regions, accepted) => {
    const url = await presignV4a({ ...signOptions, regionSet });
    const result = await verify(url, { regions });
    expect(result.ok ? 'ok' : result.code).toBe(accepted ? 'ok' : 'AuthorizationQueryParametersError');
  });

  test('accepts the high-S twin of a signature (AWS does not normalise S), refuses non-strict DER', async () => {
    const url = await presignV4a(signOptions);
    const der = Uint8Array.from(Buffer.from(signatureOf(url), 'hex'));
    const p1363 = derToP1363(der)!;
    const s = BigInt('0x' + toHex(p1363.subarray(32)));
    const twin = Uint8Array.from(p1363);
    twin.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
    expect(await verify(withSignature(url, toHex(p1363ToDer(twin))))).toMatchObject({ ok: true });

    const hex = toHex(der);
    const rLength = der[3]!;
    const nonMinimal = `30${(der.length - 1).toString(16)}02${(rLength + 1).toString(16).padStart(2, '0')}00${hex.slice(8)}`;
    for (const bad of [nonMinimal, hex + '00', hex.toUpperCase(), hex.slice(0, -2), '3006020100020101', '']) {
      expect(await verify(withSignature(url, bad))).toMatchObject({
        ok: false,
        code: 'AuthorizationQueryParametersError',
      });
    }
  });

  test.each([
    ['no region set', (u: string) => u.replace(/&X-Amz-Region-Set=[^&]*/, '')],
    [
      'a repeated region set',
      (u: string) => u.replace('&X-Amz-Region-Set=', '&X-Amz-Region-Set=us-east-1&X-Amz-Region-Set='),
    ],
    ['a region set in another spelling', (u: string) => u.replace('X-Amz-Region-Set', 'x-amz-region-set')],
    ['an empty region-set entry', (u: string) => u.replace('X-Amz-Region-Set=us-east-1%2C', 'X-Amz-Region-Set=%2C')],
    ['a repeated region-set entry', (u: string) => u.replace('%2Ceu-west-1', '%2Cus-east-1')],
    ['an upper-case region', (u: string) => u.replace('eu-west-1', 'EU-WEST-1')],
    [
      'a region in the credential',
      (u: string) => u.replace('%2Fs3%2Faws4_request', '%2Fus-east-1%2Fs3%2Faws4_request'),
    ],
    ['an unknown algorithm', (u: string) => u.replace('AWS4-ECDSA-P256-SHA256', 'AWS4-ECDSA-P384-SHA384')],
  ])('%s is refused as AuthorizationQueryParametersError', async (_label, change) => {
    const url = await presignV4a(signOptions);
    const changed = change(url);
    expect(changed).not.toBe(url);
    expect(await verify(changed)).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
  });

  test('an expired or future URL is refused before any key lookup', async () => {
    const url = await presignV4a({ ...signOptions, expiresIn: 60 });
    let lookups = 0;
    const counting = { secretFor: () => (lookups++, credentials.secretAccessKey) };
    expect(await verify(url, { ...counting, now: new Date(signingDate.getTime() + 61_000) })).toMatchObject({
      code: 'AccessDenied',
    });
    expect(await verify(url, { ...counting, now: new Date(signingDate.getTime() - 3_600_000) })).toMatchObject({
      code: 'RequestTimeTooSkewed',
    });
    expect(lookups).toBe(0);
  });

  test('never throws: bad options and bad lookups are InternalError, an unknown id InvalidAccessKeyId', async () => {
    const url = await presignV4a(signOptions);
    const request = { method: 'PUT', url, headers };
    const outcomes = await Promise.all([
      verifyPresignedUrl(request, null as never),
      verifyPresignedUrl(request, { now } as never),
      verifyPresignedUrl(request, { ...bySecret, publicKeyFor: 'nope' as never }),
      verifyPresignedUrl(request, { ...bySecret, ecdsa: {} as never }),
      verify(url, { secretFor: () => '' }),
      verify(url, { secretFor: () => 42 as never }),
      verify(url, { secretFor: () => Promise.reject(new Error(credentials.secretAccessKey)) }),
      verify(url, { publicKeyFor: () => ({ x: 'zz', y: '00' }) }),
      verify(url, { publicKeyFor: () => ({ x: '00'.repeat(32), y: '00'.repeat(32) }) }),
      verify(url, { secretFor: () => undefined }),
    ]);
    expect(outcomes.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      ...Array(9).fill('InternalError'),
      'InvalidAccessKeyId',
    ]);
    for (const outcome of outcomes) expect(JSON.stringify(outcome)).not.toContain(credentials.secretAccessKey);
  });

  test('an unsigned session token is refused unless allowed, then reported as unsigned', async () => {
    const url = await presignV4a({
      ...signOptions,
      credentials: { ...credentials, sessionToken: 'TOKEN/1+' },
      sessionTokenMode: 'appended',
    });
    expect(await verify(url)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(await verify(url, { allowUnsignedSessionToken: true })).toMatchObject({
      ok: true,
      sessionToken: 'TOKEN/1+',
      sessionTokenSigned: false,
    });
  });

  test('random tampering of a SigV4a URL is never accepted', async () => {
    const url = await presignV4a(signOptions);
    const alphabet = 'aA0%&=-_.~/:+*,'.split('');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...alphabet), fc.boolean(), async (at, char, insert) => {
        const i = at % url.length;
        const changed = insert ? url.slice(0, i) + char + url.slice(i) : url.slice(0, i) + char + url.slice(i + 1);
        fc.pre(changed !== url);
        const result = await verify(changed);
        // A change that only respells the query (an empty piece, an escape of an unreserved
        // character, the host's case) reads as the same request: nothing else may be accepted.
        const canonical = (u: string) => {
          const pathStart = u.indexOf('/', 8);
          const q = u.indexOf('?');
          return (
            u.slice(0, pathStart).toLowerCase() + u.slice(pathStart, q) + canonicalQuery(parseQuery(u.slice(q + 1)))
          );
        };
        if (result.ok) expect(canonical(changed)).toBe(canonical(url));
      }),
      { numRuns: 2000 },
    );
  });

  test('a region set of many entries costs about as much to read as the same text in another parameter', async () => {
    const url = await presignV4a(signOptions);
    const entries = 20_000;
    const set = Array.from({ length: entries }, (_, i) => `r${i}`).join('%2C');
    const pathological = url.replace(/X-Amz-Region-Set=[^&]*/, `X-Amz-Region-Set=${set}`);
    // The same text as an ordinary parameter's value: only reading it as a region set differs.
    const normal = url.replace('?', `?a=${set}&`);
    // Both are read to the end, then stop at the key lookup: the access key id is unknown here.
    const run = (target: string) => () => verify(target, { secretFor: () => undefined });
    expect(await run(pathological)()).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    expect(await run(normal)()).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    const time = async (work: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - start);
    };
    const ratios: number[] = [];
    for (let round = 0; round < 11; round++) ratios.push((await time(run(pathological))) / (await time(run(normal))));
    // The median after two warm-up rounds: about 2 here, on a busy machine up to 15; checking the
    // entries' distinctness pairwise made it about 250.
    expect(ratios.slice(2).sort((a, b) => a - b)[4]).toBeLessThan(30);
  });
});
