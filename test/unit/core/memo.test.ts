/**
 * The one memo helper, and every path that uses it: each memoised answer must be exactly the
 * answer of a cold call (every memo and cache emptied first), whatever came before it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BoundedCache, forgetAll, Memo } from '../../../src/core/memo.js';
import {
  presignDetailed,
  pureJsBackend,
  SigV4Error,
  verifyPresignedUrlSync,
  type PresignOptions,
  type VerifyRequest,
} from '../../../src/index.js';
import { nodeBackend } from '../../../src/node.js';

/** The outcome of a call, comparable with toEqual: its value, or the error's code and message. */
function outcome<T>(run: () => T): T | { error: string; message: string } {
  try {
    return run();
  } catch (error) {
    if (error instanceof SigV4Error) return { error: error.code, message: error.message };
    throw error;
  }
}

describe('Memo', () => {
  test('remembers the last value while the inputs are the same, element by element', () => {
    const memo = new Memo<[string, number], string>();
    let calls = 0;
    const compute = ([a, b]: [string, number]) => `${a}${b}#${++calls}`;
    expect(memo.get(['a', 1], compute)).toBe('a1#1');
    expect(memo.get(['a', 1], compute)).toBe('a1#1');
    expect(memo.get(['a', 2], compute)).toBe('a2#2');
    expect(memo.get(['a', 1], compute)).toBe('a1#3');
  });

  test('a compute that throws leaves nothing remembered', () => {
    const memo = new Memo<[number], number>();
    expect(memo.get([1], () => 10)).toBe(10);
    expect(() =>
      memo.get([2], () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(memo.get([1], () => 11)).toBe(11); // not the stale 10: the failed call forgot it
  });

  test('forgetAll empties every memo and cache', () => {
    const memo = new Memo<[number], number>();
    const cache = new BoundedCache<number>(2);
    memo.get([1], () => 1);
    cache.remember('k', () => 1);
    forgetAll();
    expect(memo.get([1], () => 2)).toBe(2);
    expect(cache.size).toBe(0);
  });

  test('BoundedCache evicts the oldest entry at its bound', () => {
    const cache = new BoundedCache<number>(2);
    cache.remember('a', () => 1);
    cache.remember('b', () => 2);
    cache.remember('c', () => 3);
    expect([...cache.keys()]).toEqual(['b', 'c']);
    expect(cache.remember('a', () => 4)).toBe(4);
  });
});

describe("presign's context memo", () => {
  const base: PresignOptions = {
    method: 'GET',
    url: 'https://bucket.s3.us-east-1.amazonaws.com/key',
    region: 'us-east-1',
    service: 's3',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    signingDate: new Date('2026-03-01T12:00:00Z'),
  };

  test('a signingDate changed in place signs for its new instant', () => {
    const date = new Date('2026-03-01T12:00:00Z');
    const first = presignDetailed({ ...base, signingDate: date });
    date.setTime(date.getTime() + 3_600_000);
    const second = presignDetailed({ ...base, signingDate: date });
    expect(second.url).toContain('X-Amz-Date=20260301T130000Z');
    expect(second.signature).not.toBe(first.signature);
    forgetAll();
    expect(presignDetailed({ ...base, signingDate: date })).toEqual(second);
  });

  test('credentials.expiration changed in place is checked again', () => {
    const expiration = new Date('2026-03-01T13:00:00Z');
    const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret', expiration };
    expect(presignDetailed({ ...base, credentials, expiresIn: 3600 }).expiresIn).toBe(3600);
    expiration.setTime(expiration.getTime() - 60_000);
    expect(outcome(() => presignDetailed({ ...base, credentials, expiresIn: 3600 }))).toMatchObject({
      error: 'CREDENTIALS_EXPIRE_TOO_SOON',
    });
  });

  test('random interleavings of option sets: every result equals a cold call', () => {
    const dates = [
      new Date('2026-03-01T12:00:00Z'),
      new Date('2026-03-01T12:00:00.999Z'),
      new Date('2026-03-02T00:00:00Z'),
    ];
    const expiration = new Date('2026-03-01T12:30:00Z');
    const option = fc.record({
      secret: fc.constantFrom('secret', 'other-secret', ''),
      token: fc.constantFrom(undefined, 'tok', ''),
      region: fc.constantFrom('us-east-1', 'eu-west-1', 'US'),
      service: fc.constantFrom('s3', 'execute-api'),
      expiresIn: fc.constantFrom(undefined, 60, 3600, 0),
      date: fc.constantFrom(...dates.keys()),
      shift: fc.constantFrom(0, 0, 1000, -1000), // moves a Date in place before the call
      withExpiration: fc.boolean(),
      credentialExpiry: fc.constantFrom(undefined, 'clamp' as const),
      sessionTokenMode: fc.constantFrom(undefined, 'appended' as const),
      backend: fc.constantFrom(undefined, pureJsBackend, nodeBackend),
    });
    fc.assert(
      fc.property(fc.array(option, { minLength: 1, maxLength: 12 }), (calls) => {
        for (const call of calls) {
          dates[call.date]!.setTime(dates[call.date]!.getTime() + call.shift);
          const options: PresignOptions = {
            ...base,
            region: call.region,
            service: call.service,
            expiresIn: call.expiresIn,
            signingDate: dates[call.date],
            credentials: {
              accessKeyId: 'AKID',
              secretAccessKey: call.secret,
              sessionToken: call.token,
              expiration: call.withExpiration ? expiration : undefined,
            },
            credentialExpiry: call.credentialExpiry,
            sessionTokenMode: call.sessionTokenMode,
            backend: call.backend,
          };
          const warm = outcome(() => presignDetailed(options));
          forgetAll();
          expect(warm).toEqual(outcome(() => presignDetailed(options)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("the verifier's memos (query, headers, key)", () => {
  const secrets: Record<string, string> = { AKID: 'secret', AKID2: 'secret-2' };
  const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
  const sign = (accessKeyId: string, path: string, headers: Record<string, string>, token?: string) =>
    presignDetailed({
      method: 'GET',
      url: `https://bucket.s3.us-east-1.amazonaws.com${path}?x-id=GetObject`,
      region: 'us-east-1',
      service: 's3',
      credentials: { accessKeyId, secretAccessKey: secrets[accessKeyId]!, sessionToken: token },
      signingDate: SIGNED_AT,
      headers,
    });
  const signed = [
    sign('AKID', '/a', {}),
    sign('AKID', '/b', {}),
    sign('AKID', '/a', { 'x-amz-meta-k': 'v' }),
    sign('AKID2', '/a', {}, 'token/+='),
    sign('AKID2', '/a', { 'content-type': 'text/plain' }, 'token/+='),
  ];
  // A request built from one signed URL, maybe changed: another signature, another path, a header.
  const request = fc
    .record({
      which: fc.constantFrom(...signed.keys()),
      change: fc.constantFrom('none', 'signature', 'path', 'header value', 'unsigned x-amz header', 'secret'),
    })
    .map(({ which, change }) => {
      const s = signed[which]!;
      let url = s.url;
      const headers: Record<string, string> = { ...s.headers };
      if (change === 'signature') url = url.slice(0, -64) + signed[(which + 1) % signed.length]!.signature;
      if (change === 'path') url = url.replace('/a?', '/b?').replace('/b?', '/a?');
      if (change === 'header value' && Object.keys(headers).length > 0) headers[Object.keys(headers)[0]!] = 'other';
      if (change === 'unsigned x-amz header') headers['x-amz-meta-extra'] = '1';
      return { request: { method: 'GET', url, headers } as VerifyRequest, wrongSecret: change === 'secret' };
    });

  test('random interleavings of requests: every verdict equals a cold verification', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 10 }), (requests) => {
        for (const { request: r, wrongSecret } of requests) {
          const options = { secretFor: (id: string) => (wrongSecret ? 'wrong' : secrets[id]), now: SIGNED_AT };
          const warm = verifyPresignedUrlSync(r, options);
          forgetAll();
          expect(warm).toEqual(verifyPresignedUrlSync(r, options));
        }
      }),
      { numRuns: 500 },
    );
  });
});
