/**
 * The verifier's part of the hardening issue (#10), one test per item, each named after it. Each
 * failed on the main branch before the fix (the note on the issue says how it failed there).
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { forgetAll } from '../../../src/core/memo.js';
import { signingKeyCache } from '../../../src/core/signing-key.js';
import { verifyPresignedUrlSync, SigV4Error, type VerifyRequest, type VerifySyncOptions } from '../../../src/index.js';
import { canonicalUri, uriEncode, wirePath } from '../../../src/stages.js';
import { ACCESS_KEY_ID, SECRET, secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

const base: VerifySyncOptions = { secretFor, now: SIGNED_AT };
const verify = (request: VerifyRequest, options: Partial<VerifySyncOptions> = {}) =>
  verifyPresignedUrlSync(request, { ...base, ...options });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const CONTROL = /[\u0000-\u001f\u007f]/;

describe('item 1: the body must match what was signed (payloadHash is compared, never replaced)', () => {
  const url = 'https://bucket.s3.us-east-1.amazonaws.com/upload.bin';
  const [hashA, hashB] = [sha256('A'), sha256('B')];

  test('a signed x-amz-content-sha256 that differs from the body received is XAmzContentSHA256Mismatch', () => {
    const pinned = sign({ method: 'PUT', url, headers: { 'x-amz-content-sha256': hashA } });
    const request = { method: 'PUT', url: pinned.url, headers: pinned.headers };
    expect(verify(request, { payloadHash: hashB })).toMatchObject({ ok: false, code: 'XAmzContentSHA256Mismatch' });
    expect(verify(request, { payloadHash: hashA }).ok).toBe(true);
    // Without the body's hash, the signed header is what was signed (a gateway checks the body as it streams).
    expect(verify(request).ok).toBe(true);
  });

  test('a payload hash signed in the canonical request must be the body received', () => {
    const pinned = sign({ method: 'PUT', url, payloadHash: hashA });
    const request = { method: 'PUT', url: pinned.url, headers: pinned.headers };
    expect(verify(request, { payloadHash: hashA }).ok).toBe(true);
    expect(verify(request, { payloadHash: hashB })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('an UNSIGNED-PAYLOAD URL takes any body', () => {
    const open = sign({ method: 'PUT', url });
    expect(verify({ method: 'PUT', url: open.url }, { payloadHash: hashB }).ok).toBe(true);
  });
});

describe('item 2: a URL works only at the host it was signed for', () => {
  const forS3 = sign({ url: 'https://bucket.s3.us-east-1.amazonaws.com/k' });
  const path = forS3.url.slice('https://bucket.s3.us-east-1.amazonaws.com'.length);

  test('a URL signed for real S3, sent here with a forged Host header, is HostNotAllowed', () => {
    const forged = {
      method: 'GET',
      url: `http://127.0.0.1:8080${path}`,
      headers: { host: 'bucket.s3.us-east-1.amazonaws.com' },
    };
    expect(verify(forged).ok).toBe(true); // the signature itself is valid: only the host list can refuse it
    expect(verify(forged, { hosts: ['127.0.0.1:8080'] })).toMatchObject({ ok: false, code: 'HostNotAllowed' });
  });

  test('hosts are case-insensitive and the default port may be written or left out', () => {
    const request = { method: 'GET', url: forS3.url };
    expect(verify(request, { hosts: ['Bucket.S3.us-east-1.amazonaws.com'] }).ok).toBe(true);
    expect(verify(request, { hosts: ['bucket.s3.us-east-1.amazonaws.com:443'] }).ok).toBe(true);
    expect(verify(request, { hosts: ['bucket.s3.us-east-1.amazonaws.com:8443'] })).toMatchObject({
      code: 'HostNotAllowed',
    });
    const local = sign({ url: 'http://127.0.0.1:9000/k' });
    expect(verify({ method: 'GET', url: local.url }, { hosts: ['127.0.0.1:9000'] }).ok).toBe(true);
    expect(verify({ method: 'GET', url: local.url }, { hosts: ['127.0.0.1'] })).toMatchObject({
      code: 'HostNotAllowed',
    });
  });
});

describe('item 5: work is linear in the input', () => {
  /** The median over a few rounds of time(slow) / time(fast), both timed within each round. */
  function ratio(slow: () => unknown, fast: () => unknown, rounds = 7): number {
    const time = (run: () => unknown) => {
      const start = process.hrtime.bigint();
      run();
      return Number(process.hrtime.bigint() - start);
    };
    const ratios = Array.from({ length: rounds }, () => time(slow) / time(fast));
    return ratios.sort((a, b) => a - b)[rounds >> 1]!;
  }

  test('a 1 MiB query of a&a&a… costs a small constant times a normal query of the same length', () => {
    const signed = sign({ url: 'https://bucket.s3.us-east-1.amazonaws.com/k' });
    const [origin, query] = signed.url.split('?') as [string, string];
    const size = 1 << 20;
    const pathological = 'a&'.repeat(size / 2);
    const normal = 'name=value&'.repeat(size / 11);
    const run = (extra: string) => () => verify({ method: 'GET', url: `${origin}?${extra}&${query}` });
    expect(run(normal)()).toMatchObject({ code: 'SignatureDoesNotMatch' }); // parsed to the end, then refused
    // Quadratic parsing made this ratio about 10^5 (every piece scanned the rest of the query for '=').
    expect(ratio(run(pathological), run(normal), 3)).toBeLessThan(10);
  });

  test('canonicalising a path that needs escaping everywhere costs about one encoding of it', () => {
    const rules = { uriEscapePath: true, normalizePath: true };
    const escaping = '/' + '"<>^`{}'.repeat(20_000);
    // About 3 (the path is encoded twice, as SigV4 wants, and normalised); one callback per
    // character, each calling the encoder for one character, made it 11 to 21 on the same machine.
    expect(
      ratio(
        () => canonicalUri(wirePath(escaping, rules), rules),
        () => uriEncode(escaping, true),
      ),
    ).toBeLessThan(7);
  });
});

describe('item 6: caches are bounded in bytes, and no key holds the raw secret', () => {
  test('regions and services longer than 64 characters are refused before any key is derived', () => {
    for (const scope of [`${'r'.repeat(65)}/s3`, `us-east-1/${'s'.repeat(65)}`]) {
      const signed = sign({ url: 'https://h.example/k' });
      const url = signed.url.replace('us-east-1%2Fs3', scope.replace('/', '%2F'));
      expect(verify({ method: 'GET', url })).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
    }
    expect(() => sign({ url: 'https://h.example/k', region: 'r'.repeat(65) })).toThrow(SigV4Error);
  });

  test('a stream of URLs with new scopes keeps the key cache at its bound, keyed by digests', () => {
    forgetAll();
    for (let i = 0; i < 600; i++) {
      const signed = sign({ url: 'https://h.example/k', region: `region-${i}` });
      expect(verify({ method: 'GET', url: signed.url }).ok).toBe(true);
    }
    expect(signingKeyCache.size).toBe(signingKeyCache.maxEntries);
    for (const key of signingKeyCache.keys()) {
      expect(key).not.toContain(SECRET);
      expect(key).toMatch(/\/[0-9a-f]{64}$/);
    }
  });
});

describe('item 7: the verdict depends only on the request', () => {
  test('a query whose last 64 characters are not its signature gets the same verdict warm and cold', () => {
    // IoT's mode: a token appended after signing is not covered. Here its value is the literal text
    // "X-Amz-Signature=<the real signature>", so the query *ends* like a signature piece.
    const signed = sign({ url: 'https://iot.example.com/mqtt', service: 'iotdevicegateway' });
    const primed = `${signed.url}&X-Amz-Security-Token=X-Amz-Signature=${signed.signature}`;
    const probe = primed.slice(0, -64) + 'f'.repeat(64);
    const options = { allowUnsignedSessionToken: true };
    expect(verify({ method: 'GET', url: primed }, options).ok).toBe(true);
    const warm = verify({ method: 'GET', url: probe }, options);
    forgetAll();
    const cold = verify({ method: 'GET', url: probe }, options);
    expect(warm).toEqual(cold);
    expect(cold.ok).toBe(true); // the real signature is still the X-Amz-Signature piece
  });
});

describe('item 8: unsigned x-amz-* request headers are refused, as S3 refuses them', () => {
  const signed = sign({ url: 'https://bucket.s3.us-east-1.amazonaws.com/k' });

  test('an x-amz-* header that is not signed is AccessDenied, unless allowed', () => {
    const request = { method: 'GET', url: signed.url, headers: { 'X-Amz-Meta-Owner': 'mallory' } };
    expect(verify(request)).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(verify(request, { allowUnsignedAmzHeaders: true }).ok).toBe(true);
    const viaFetch = { ...request, headers: new Headers(request.headers) };
    expect(verify(viaFetch)).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  test('ordinary unsigned headers still pass, and signed x-amz-* headers too', () => {
    const headers = { 'user-agent': 'curl/8', accept: '*/*', 'x-amzn-trace-id': 'Root=1' };
    expect(verify({ method: 'GET', url: signed.url, headers }).ok).toBe(true);
    const meta = sign({ url: 'https://bucket.s3.us-east-1.amazonaws.com/k', headers: { 'x-amz-meta-owner': 'alice' } });
    expect(verify({ method: 'GET', url: meta.url, headers: meta.headers }).ok).toBe(true);
  });
});

describe('item 9: smaller things', () => {
  test('messages that echo request text escape control characters', () => {
    const signed = sign({ url: 'https://h.example/k' });
    const forged = signed.url.replace(ACCESS_KEY_ID, 'EVIL%0A200%20OK%0D%0Afake%20log%20line');
    const unknown = verify({ method: 'GET', url: forged });
    expect(unknown).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    expect((unknown as { message: string }).message).not.toMatch(CONTROL);
    expect((unknown as { message: string }).message).toContain('\\u000a');
    const misspelt = verify({ method: 'GET', url: signed.url.replace('X-Amz-Date', 'x-amz-date%0A') });
    expect((misspelt as { message: string }).message ?? '').not.toMatch(CONTROL);
  });

  test('a secretFor that throws anything, a SigV4Error included, gives InternalError as documented', () => {
    const signed = sign({ url: 'https://h.example/k' });
    const throwing = () => {
      throw new SigV4Error('INVALID_REGION', 'from the lookup');
    };
    expect(verify({ method: 'GET', url: signed.url }, { secretFor: throwing })).toEqual({
      ok: false,
      code: 'InternalError',
      message: 'secretFor threw or rejected',
    });
  });

  test('repeated signed headers that fetch joins with ", " are accepted', () => {
    const signed = sign({ url: 'https://h.example/k', headers: { 'x-tag': ['a', 'b'] } });
    expect(signed.headers['x-tag']).toBe('a,b');
    const headers = new Headers([
      ['x-tag', 'a'],
      ['x-tag', 'b'],
    ]);
    expect(headers.get('x-tag')).toBe('a, b');
    expect(verify({ method: 'GET', url: signed.url, headers }).ok).toBe(true);
    // A single value that really is "a, b" was not signed: still refused.
    const single = sign({ url: 'https://h.example/k', headers: { 'x-tag': 'a;b' } });
    expect(verify({ method: 'GET', url: single.url, headers })).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
