/**
 * presign's contract: bad input throws one typed error with a stable code and never leaks the
 * secret; good input gives a deterministic, order-independent URL whose S3 key bytes round-trip.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { presign, presignDetailed, SigV4Error, type PresignOptions, type SigV4ErrorCode } from '../../../src/index.js';
import { percentDecode } from '../../../src/stages.js';
import { everythingShown } from '../../support/shown.js';

const SECRET = 'Sup3r/Secret+Key=do-not-leak';
const base: PresignOptions = {
  method: 'GET',
  url: 'https://examplebucket.s3.us-east-1.amazonaws.com/photos/cat.jpg',
  region: 'us-east-1',
  service: 's3',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  signingDate: new Date('2024-02-29T12:00:00Z'),
};

/** Calls presign and returns the SigV4Error it throws (failing if it throws anything else). */
function errorOf(options: PresignOptions): SigV4Error {
  try {
    presign(options);
  } catch (error) {
    expect(error).toBeInstanceOf(SigV4Error);
    return error as SigV4Error;
  }
  throw new Error('presign did not throw');
}

const later = (seconds: number) => new Date(base.signingDate!.getTime() + seconds * 1000);

/** Every bad input the contract names, with the code it must throw. */
const BAD_INPUTS: [string, Partial<PresignOptions> | ((o: PresignOptions) => PresignOptions), SigV4ErrorCode][] = [
  ['expiresIn 0', { expiresIn: 0 }, 'INVALID_EXPIRES_IN'],
  ['expiresIn 604801', { expiresIn: 604801 }, 'INVALID_EXPIRES_IN'],
  ['expiresIn 1.5', { expiresIn: 1.5 }, 'INVALID_EXPIRES_IN'],
  ['expiresIn NaN', { expiresIn: NaN }, 'INVALID_EXPIRES_IN'],
  ['expiresIn as a string', { expiresIn: '900' as unknown as number }, 'INVALID_EXPIRES_IN'],
  ['missing credentials', { credentials: undefined as never }, 'INVALID_CREDENTIALS'],
  ['empty access key id', { credentials: { accessKeyId: '', secretAccessKey: SECRET } }, 'INVALID_CREDENTIALS'],
  ['missing secret', { credentials: { accessKeyId: 'AKID' } as never }, 'INVALID_CREDENTIALS'],
  ['empty secret', { credentials: { accessKeyId: 'AKID', secretAccessKey: '' } }, 'INVALID_CREDENTIALS'],
  ['empty region', { region: '' }, 'INVALID_REGION'],
  ['upper-case region', { region: 'US-EAST-1' }, 'INVALID_REGION'],
  ['region with a slash', { region: 'us/east' }, 'INVALID_REGION'],
  ['empty service', { service: '' }, 'INVALID_SERVICE'],
  ['relative URL', { url: '/bucket/key' }, 'INVALID_URL'],
  ['ftp URL', { url: 'ftp://h/key' }, 'INVALID_URL'],
  ['URL with a fragment', { url: 'https://h/key#part' }, 'INVALID_URL'],
  ['URL with userinfo', { url: 'https://user:pass@h/key' }, 'INVALID_URL'],
  ['URL already signed', { url: 'https://h/key?X-Amz-Signature=abc' }, 'RESERVED_QUERY_PARAMETER'],
  ['URL with a credential', { url: 'https://h/key?x-amz-credential=abc' }, 'RESERVED_QUERY_PARAMETER'],
  ['URL with a SigV4a region set', { url: 'https://h/key?X-Amz-Region-Set=us-east-1' }, 'RESERVED_QUERY_PARAMETER'],
  ['header name with a space', { headers: { 'content type': 'a' } }, 'INVALID_HEADER_NAME'],
  ['header name with a colon', { headers: { 'a:b': 'a' } }, 'INVALID_HEADER_NAME'],
  ['host header', { headers: { Host: 'other.example' } }, 'INVALID_HEADER_NAME'],
  ['header value with CR LF', { headers: { 'x-amz-meta-a': 'a\r\nx-evil: 1' } }, 'INVALID_HEADER_VALUE'],
  ['header value with NUL', { headers: { 'x-amz-meta-a': 'a\u0000' } }, 'INVALID_HEADER_VALUE'],
  ['header value as an object', { headers: { 'x-a': {} as never } }, 'INVALID_HEADER_VALUE'],
  ['invalid Date', { signingDate: new Date('nope') }, 'INVALID_DATE'],
  ['signingDate as a string', { signingDate: '2024-01-01' as never }, 'INVALID_DATE'],
  ['method with a space', { method: 'GE T' }, 'INVALID_METHOD'],
  ['payload hash with a newline', { payloadHash: 'UNSIGNED\nPAYLOAD' }, 'INVALID_PAYLOAD_HASH'],
  ['uriEscapePath as a string', { uriEscapePath: 'yes' as never }, 'INVALID_OPTION'],
  ['unknown sessionTokenMode', { sessionTokenMode: 'header' as never }, 'INVALID_OPTION'],
  ['unknown credentialExpiry', { credentialExpiry: 'ignore' as never }, 'INVALID_OPTION'],
  [
    'credentials that expire before the URL',
    (o) => ({ ...o, expiresIn: 3600, credentials: { ...o.credentials, expiration: later(600) } }),
    'CREDENTIALS_EXPIRE_TOO_SOON',
  ],
  [
    'credentials already expired, even with clamp',
    (o) => ({ ...o, credentialExpiry: 'clamp', credentials: { ...o.credentials, expiration: later(-5) } }),
    'CREDENTIALS_EXPIRE_TOO_SOON',
  ],
];

const apply = (change: (typeof BAD_INPUTS)[number][1]) =>
  typeof change === 'function' ? change(base) : { ...base, ...change };

describe('bad input', () => {
  test.each(BAD_INPUTS)('%s throws %s… as SigV4Error', (_name, change, code) => {
    expect(errorOf(apply(change)).code).toBe(code);
  });

  test.each(BAD_INPUTS)('%s: the secret appears nowhere on the error', (_name, change) => {
    const error = errorOf(apply(change));
    const everything = everythingShown(error);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('Secret+Key');
  });

  test('the credentials message says when they expire', () => {
    const error = errorOf(apply(BAD_INPUTS.find(([n]) => n === 'credentials that expire before the URL')![1]));
    expect(error.message).toContain(later(600).toISOString());
  });

  test("credentialExpiry: 'clamp' shortens the URL to the credentials' lifetime", () => {
    const result = presignDetailed({
      ...base,
      expiresIn: 3600,
      credentialExpiry: 'clamp',
      credentials: { ...base.credentials, expiration: later(600) },
    });
    expect(result.expiresIn).toBe(600);
    expect(result.url).toContain('X-Amz-Expires=600&');
    expect(result.expiresAt).toEqual(later(600));
  });
});

describe('properties', () => {
  const keyArb = fc.string({ unit: 'binary', maxLength: 40 });
  const pairArb = fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), fc.string({ maxLength: 6 }));

  test('the same options give the same URL', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 1, max: 604800 }), (key, expiresIn) => {
        const options = { ...base, url: `${base.url}/${encodeURIComponent(key)}`, expiresIn };
        expect(presign(options)).toBe(presign({ ...options }));
      }),
      { numRuns: 500 },
    );
  });

  test('the order of the input query does not change the signature', () => {
    fc.assert(
      fc.property(fc.array(pairArb, { maxLength: 8 }), fc.infiniteStream(fc.nat()), (pairs, randomness) => {
        // Reserved X-Amz-* names are refused; keep the generated names clear of them.
        const clean = pairs.filter(([n]) => !/^x-amz-/i.test(n));
        const wire = (list: typeof clean) =>
          list.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
        const shuffled = [...clean];
        const rnd = randomness[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rnd.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = presignDetailed({ ...base, url: `${base.url}?${wire(clean)}` });
        const b = presignDetailed({ ...base, url: `${base.url}?${wire(shuffled)}` });
        expect(b.signature).toBe(a.signature);
        expect(b.url).toBe(a.url);
      }),
      { numRuns: 500 },
    );
  });

  test('every byte of an S3 key is encoded exactly per RFC 3986 and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 48 }), (keyBytes) => {
        // The key goes on the wire fully escaped, so that any byte (even a lone 0x80) can be named.
        const escaped = [...keyBytes].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
        const url = presign({ ...base, url: `https://b.s3.amazonaws.com/${escaped}` });
        const path = url.slice('https://b.s3.amazonaws.com/'.length, url.indexOf('?'));
        // Only unreserved characters, '/', and upper-case escapes; no unreserved byte escaped.
        expect(path).toMatch(/^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})*$/);
        for (const match of path.matchAll(/%([0-9A-F]{2})/g)) {
          expect(String.fromCharCode(parseInt(match[1]!, 16))).not.toMatch(/[A-Za-z0-9\-._~/]/);
        }
        expect([...percentDecode(path)]).toEqual([...keyBytes]);
      }),
      { numRuns: 2000 },
    );
  });

  // Each field draws a valid value or a bad one (tagged with its code), or arbitrary junk.
  type Draw = { value: unknown; code?: SigV4ErrorCode | 'ANY' };
  const field = (valid: fc.Arbitrary<unknown>, invalid: [unknown, SigV4ErrorCode][]) =>
    fc.oneof(
      { weight: 6, arbitrary: valid.map((value): Draw => ({ value })) },
      { weight: 2, arbitrary: fc.constantFrom(...invalid).map(([value, code]): Draw => ({ value, code })) },
      { weight: 1, arbitrary: fc.anything().map((value): Draw => ({ value, code: 'ANY' })) },
    );

  test('each bad input throws the typed error, and nothing else throws', () => {
    const arbitraries = {
      method: field(fc.constantFrom('GET', 'put', 'PATCH'), [
        ['', 'INVALID_METHOD'],
        ['G T', 'INVALID_METHOD'],
      ]),
      url: field(fc.constantFrom('https://h.example/k', 'http://127.0.0.1:9000/b/a/../k?x=1&y'), [
        ['h.example/k', 'INVALID_URL'],
        ['https://h/k#f', 'INVALID_URL'],
        ['https://h/k?X-Amz-Signature=1', 'RESERVED_QUERY_PARAMETER'],
      ]),
      region: field(fc.constantFrom('us-east-1', 'auto'), [
        ['', 'INVALID_REGION'],
        ['Us', 'INVALID_REGION'],
      ]),
      service: field(fc.constantFrom('s3', 'execute-api'), [['', 'INVALID_SERVICE']]),
      credentials: field(fc.constant({ accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 'a/b+c=' }), [
        [{ accessKeyId: '', secretAccessKey: SECRET }, 'INVALID_CREDENTIALS'],
        [{ accessKeyId: 'AKID' }, 'INVALID_CREDENTIALS'],
        [null, 'INVALID_CREDENTIALS'],
      ]),
      expiresIn: field(fc.integer({ min: 1, max: 604800 }), [
        [0, 'INVALID_EXPIRES_IN'],
        [604801, 'INVALID_EXPIRES_IN'],
      ]),
      signingDate: field(fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }), [
        [new Date(NaN), 'INVALID_DATE'],
      ]),
      headers: field(fc.constantFrom({}, { 'Content-Type': ' image/png ', 'x-amz-meta-a': ['1', '2'] }), [
        [{ 'a b': 'x' }, 'INVALID_HEADER_NAME'],
        [{ a: 'x\ny' }, 'INVALID_HEADER_VALUE'],
      ]),
      sessionTokenMode: field(fc.constantFrom(undefined, 'signed', 'appended'), [['x', 'INVALID_OPTION']]),
    };
    fc.assert(
      fc.property(fc.record(arbitraries), (draws) => {
        const options = Object.fromEntries(
          Object.entries(draws).map(([k, d]) => [k, d.value]),
        ) as unknown as PresignOptions;
        const codes = Object.values(draws).flatMap((d) => (d.code ? [d.code] : []));
        let result: string | undefined;
        try {
          result = presign(options);
        } catch (error) {
          expect(error).toBeInstanceOf(SigV4Error);
          const { code } = error as SigV4Error;
          // A tagged bad value must be what was reported, unless junk was drawn too.
          if (!codes.includes('ANY')) expect(codes).toContain(code);
          expect(everythingShown(error)).not.toContain(SECRET);
          return;
        }
        expect(codes.filter((c) => c !== 'ANY')).toEqual([]);
        expect(result).toMatch(/^https?:\/\/.*&X-Amz-Signature=[0-9a-f]{64}$/);
      }),
      { numRuns: 3000 },
    );
  });
});
