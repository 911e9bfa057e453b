/**
 * The verifier's contract: every URL the engine signs verifies (property test), every single
 * change to a signed part is refused (enumerated position by position), the validity window is
 * exact to the second, parsing is strict, and no input makes it throw or leak the secret.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  presignDetailed,
  verifyPresignedUrl,
  verifyPresignedUrlSync,
  type PresignResult,
  type VerifyRequest,
  type VerifySyncOptions,
} from '../../../src/index.js';
import { ACCESS_KEY_ID, expectNoLeak, SECRET, secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

const LONG = process.env.SIGV4_LONG === '1';
const base: VerifySyncOptions = { secretFor, now: SIGNED_AT };

/** The request a client sends for a presigned result: the URL, the method and the headers to send. */
const requestFor = (signed: PresignResult): VerifyRequest => ({
  method: signed.method,
  url: signed.url,
  headers: signed.headers,
});

const accept = (request: VerifyRequest, options: Partial<VerifySyncOptions> = {}) =>
  verifyPresignedUrlSync(request, { ...base, ...options });

describe('round trip: every URL the engine signs verifies', () => {
  // Path and query text as it goes on the wire: unreserved and reserved characters, escapes in
  // either hex case, a lone '%', spaces and non-ASCII text. Never '#' or '?' raw, never controls.
  const wireChar = fc.oneof(
    fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@ "<>[]^`{|}\\'),
    fc.constantFrom('%20', '%2F', '%2f', '%7E', '%7e', '%25', '%C3%A9', '%FF', '%', '%zz', 'é', '€', '😀', '.', '..'),
  );
  const segment = fc.array(wireChar, { maxLength: 6 }).map((chars) => chars.join(''));
  const path = fc.array(segment, { maxLength: 5 }).map((segments) => '/' + segments.join('/'));
  const queryText = fc.array(
    fc.oneof(
      wireChar.filter((c) => !c.includes('&') && !c.includes('=')),
      fc.constant('+'),
    ),
    { maxLength: 5 },
  );
  // The alphabet has no 'm', so no name can spell a reserved X-Amz-* parameter.
  const query = fc
    .array(fc.tuple(queryText, fc.option(queryText, { nil: undefined })), { maxLength: 4 })
    .map((pairs) =>
      pairs.map(([name, value]) => name.join('') + (value === undefined ? '' : '=' + value.join(''))).join('&'),
    );
  const headerName = fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/)
    .filter(
      (name) =>
        !['host', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].includes(
          name.toLowerCase(),
        ),
    );
  const headerValueText = fc.stringMatching(/^[ \t!-~\u00a0-\u00ff]{0,20}$/);
  // Credentials as the signer takes them: no whitespace at either end, no control character.
  const credential = (maxLength: number) =>
    fc
      .string({ minLength: 1, maxLength })
      .filter((text) => text.trim() === text && !/[\u0000-\u001f\u007f]/.test(text));
  const keyId = fc.oneof(fc.constantFrom('AKIDEXAMPLE', 'minioadmin', 'test_key-01.x', 'a/b', 'ключ'), credential(12));

  test(`presign → verify over ${LONG ? '100,000' : '10,000'} random requests`, () => {
    fc.assert(
      fc.property(
        fc.record({
          method: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST', 'get', 'put', 'PATCH', 'MKCOL'),
          host: fc.constantFrom(
            'bucket.s3.us-east-1.amazonaws.com',
            'Example.COM:8443',
            '127.0.0.1:9000',
            '[::1]:8080',
            'localhost',
          ),
          scheme: fc.constantFrom('http', 'https'),
          path,
          query,
          service: fc.constantFrom('s3', 's3-object-lambda', 'execute-api', 'rds-db', 'service'),
          region: fc.constantFrom('us-east-1', 'auto', 'eu-west-3'),
          headers: fc.dictionary(headerName, headerValueText, { maxKeys: 3 }),
          accessKeyId: keyId,
          secretAccessKey: credential(40),
          sessionToken: fc.option(credential(60), { nil: undefined }),
          sessionTokenMode: fc.constantFrom('signed' as const, 'appended' as const),
          expiresIn: fc.integer({ min: 1, max: 604800 }),
          signingDate: fc.date({
            min: new Date('1970-01-01T00:00:00Z'),
            max: new Date('9999-12-31T23:59:59Z'),
            noInvalidDate: true,
          }),
          elapsed: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        (generated) => {
          // An AWS host names its region, and a region that contradicts it is refused.
          const input = generated.host.endsWith('.amazonaws.com') ? { ...generated, region: 'us-east-1' } : generated;
          const signed = presignDetailed({
            method: input.method,
            region: input.region,
            service: input.service,
            headers: input.headers,
            sessionTokenMode: input.sessionTokenMode,
            expiresIn: input.expiresIn,
            signingDate: input.signingDate,
            url: `${input.scheme}://${input.host}${input.path}${input.query === '' ? '' : '?' + input.query}`,
            credentials: {
              accessKeyId: input.accessKeyId,
              secretAccessKey: input.secretAccessKey,
              sessionToken: input.sessionToken,
            },
          });
          const now = new Date(signed.expiresAt.getTime() - Math.floor(input.elapsed * signed.expiresIn) * 1000);
          const result = verifyPresignedUrlSync(requestFor(signed), {
            secretFor: (id) => (id === input.accessKeyId ? input.secretAccessKey : undefined),
            now,
            allowUnsignedSessionToken: input.sessionTokenMode === 'appended',
          });
          expect(result).toEqual({
            ok: true,
            accessKeyId: input.accessKeyId,
            region: input.region,
            service: input.service,
            signedHeaders: signed.signedHeaders,
            signedAt: new Date(Math.floor(input.signingDate.getTime() / 1000) * 1000),
            expiresAt: signed.expiresAt,
            sessionToken: input.sessionToken,
            sessionTokenSigned: input.sessionToken !== undefined && input.sessionTokenMode === 'signed',
          });
        },
      ),
      { numRuns: LONG ? 100_000 : 10_000 },
    );
  });

  test('the async entry point agrees, with a secretFor that returns a Promise', async () => {
    const signed = sign({ url: 'https://bucket.s3.amazonaws.com/photos/cat%20picture+1.jpg' });
    const result = await verifyPresignedUrl(requestFor(signed), {
      secretFor: async (id) => secretFor(id),
      now: SIGNED_AT,
    });
    expect(result).toMatchObject({ ok: true, accessKeyId: ACCESS_KEY_ID, expiresAt: signed.expiresAt });
  });

  test('any access key id shape verifies', () => {
    for (const accessKeyId of ['minioadmin', 'test_key-01.x', 'AKIA0123456789ABCDEF', 'with/slash', 'ünïcode key']) {
      const signed = presignDetailed({
        method: 'GET',
        url: 'http://127.0.0.1:9000/bucket/key',
        region: 'us-east-1',
        service: 's3',
        credentials: { accessKeyId, secretAccessKey: SECRET },
        signingDate: SIGNED_AT,
      });
      expect(
        accept(requestFor(signed), { secretFor: (id) => (id === accessKeyId ? SECRET : undefined) }),
      ).toMatchObject({
        ok: true,
        accessKeyId,
      });
    }
  });
});

describe('equivalent spellings of one request', () => {
  const signed = sign({
    url: 'https://bucket.s3.amazonaws.com/a~b/c%20d?list-type=2&prefix=x',
    headers: { 'content-type': 'image/png' },
  });

  test('S3: %7E and ~ name the same key; the hex case of an escape does not matter', () => {
    expect(accept({ ...requestFor(signed), url: signed.url.replace('a~b', 'a%7Eb') }).ok).toBe(true);
    expect(accept({ ...requestFor(signed), url: signed.url.replace('a~b', 'a%7eb') }).ok).toBe(true);
  });

  test('other services take the path as sent: %7E and ~ differ', () => {
    const other = sign({ url: 'https://api.example.com/a~b', service: 'execute-api' });
    expect(accept(requestFor(other)).ok).toBe(true);
    expect(accept({ ...requestFor(other), url: other.url.replace('a~b', 'a%7Eb') })).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  test('header names match case-insensitively, in a plain object or a Headers', () => {
    expect(accept({ ...requestFor(signed), headers: { 'Content-Type': 'image/png' } }).ok).toBe(true);
    expect(accept({ ...requestFor(signed), headers: new Headers({ 'CONTENT-TYPE': 'image/png' }) }).ok).toBe(true);
  });

  test('the method is upper-cased as fetch does; other methods are case-sensitive', () => {
    expect(accept({ ...requestFor(signed), method: 'get' }).ok).toBe(true);
    const patch = sign({ url: 'https://bucket.s3.amazonaws.com/k', method: 'PATCH' });
    expect(accept({ ...requestFor(patch), method: 'patch' })).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  test('headers.host wins over the URL host; without it the URL host is used', () => {
    const behindProxy = signed.url.replace('bucket.s3.amazonaws.com', '127.0.0.1:8080');
    expect(accept({ ...requestFor(signed), url: behindProxy })).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(
      accept({
        ...requestFor(signed),
        url: behindProxy,
        headers: { ...signed.headers, Host: 'bucket.s3.amazonaws.com' },
      }).ok,
    ).toBe(true);
    expect(accept({ ...requestFor(signed), headers: { ...signed.headers, host: 'evil.example.com' } })).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  test('headers may be omitted when only host is signed', () => {
    const plain = sign({ url: 'https://bucket.s3.amazonaws.com/k' });
    expect(accept({ method: 'GET', url: plain.url }).ok).toBe(true);
    expect(accept({ method: 'GET', url: new URL(plain.url) }).ok).toBe(true);
  });
});

describe('tampering: any single change to a signed part is refused', () => {
  const token = 'FQoGZXIvYXdzEXAMPLE/token+=';
  const fixtures = {
    s3: sign({
      method: 'PUT',
      url: 'https://bucket.s3.us-east-1.amazonaws.com/photos/2024/cat%20picture+1.jpg?partNumber=1&uploadId=abc',
      headers: { 'content-type': 'image/png', 'x-amz-meta-owner': 'alice' },
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: token },
    }),
    'execute-api': sign({
      method: 'POST',
      url: 'https://api.example.com/stage/items/a%2Fb/c?limit=10&q=x%20y',
      service: 'execute-api',
      headers: { 'content-type': 'application/json' },
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: token },
    }),
  };

  /** One different character for position `i`: never a hex digit, so no escape becomes an equivalent one. */
  const other = (c: string) => (c === 'q' ? 'z' : 'q');
  const replaceAt = (text: string, i: number, by: string) => text.slice(0, i) + by + text.slice(i + 1);

  describe.each(Object.entries(fixtures))('%s', (_service, signed) => {
    const url = signed.url;
    const request = requestFor(signed);
    const hostStart = url.indexOf('//') + 2;
    const pathStart = url.indexOf('/', hostStart);
    const queryStart = url.indexOf('?');
    const refused: { what: string; request: VerifyRequest }[] = [];
    const tamper = (what: string, changed: Partial<VerifyRequest>) =>
      refused.push({ what, request: { ...request, ...changed } });

    for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH']) {
      if (method !== signed.method) tamper(`method ${method}`, { method });
    }
    for (let i = hostStart; i < pathStart; i++) tamper(`host char ${i}`, { url: replaceAt(url, i, other(url[i]!)) });
    tamper('host header', { headers: { ...signed.headers, host: 'other.example.com' } });
    for (let i = pathStart; i < queryStart; i++) {
      tamper(`path char ${i} replaced`, { url: replaceAt(url, i, other(url[i]!)) });
      if (i > pathStart) tamper(`path char ${i} deleted`, { url: replaceAt(url, i, '') });
    }
    // Every character of every query name and value, X-Amz-* included, the signature digit by digit.
    for (let i = queryStart + 1; i < url.length; i++) {
      const c = url[i]!;
      if (c === '&' || c === '=') continue;
      const by = /[0-9a-f]/.test(c) ? ((parseInt(c, 16) + 1) % 16).toString(16) : other(c);
      tamper(`query char ${i} (${c}→${by})`, { url: replaceAt(url, i, by) });
    }
    tamper('X-Amz-Expires longer', { url: url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901') });
    tamper('X-Amz-Expires shorter', { url: url.replace('X-Amz-Expires=900', 'X-Amz-Expires=899') });
    tamper('X-Amz-Date a second later', { url: url.replace('T120000Z', 'T120001Z') });
    tamper('credential scope region', { url: url.replace('%2Fus-east-1%2F', '%2Fus-east-2%2F') });
    tamper('a query parameter added', { url: url.replace('?', '?extra=1&') });
    tamper('a query parameter removed', { url: url.replace(/([?&])(partNumber=1|limit=10)&/, '$1') });
    tamper('the session token removed', { url: url.replace(/X-Amz-Security-Token=[^&]*&/, '') });
    for (const [name, value] of Object.entries(signed.headers)) {
      tamper(`header ${name} missing`, { headers: { ...signed.headers, [name]: undefined } });
      for (let i = 0; i < value.length; i++) {
        tamper(`header ${name} char ${i}`, {
          headers: { ...signed.headers, [name]: replaceAt(value, i, other(value[i]!)) },
        });
      }
      tamper(`header ${name} appended to`, { headers: { ...signed.headers, [name]: value + 'x' } });
    }

    test('the untouched request verifies', () => {
      expect(accept(request)).toMatchObject({ ok: true, sessionToken: token, sessionTokenSigned: true });
    });

    test(`${refused.length} single changes are each refused, without leaking`, () => {
      expect(refused.length).toBeGreaterThan(200);
      for (const { what, request: changed } of refused) {
        const result = accept(changed);
        expect(result.ok, what).toBe(false);
        expectNoLeak(result, signed.signature);
      }
    });
  });
});

describe('the remembered query gives the same answers as a fresh read', () => {
  // The verifier keeps the last query it read, keyed on the text before the final 64 characters.
  // A URL that shares that text but ends in anything else must get exactly the answer a verifier
  // that never saw the first URL gives.
  const signed = sign({
    url: 'https://bucket.s3.us-east-1.amazonaws.com/k?x-id=GetObject',
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: 'tok+en/=' },
  });
  const unrelated = sign({ url: 'https://other.example.com/unrelated', expiresIn: 60 });
  const prefix = signed.url.slice(0, -64);
  const tailPiece = fc.oneof(
    fc.constantFrom(...'0123456789abcdefABCDEFxyz&=%#?/ \t\n'),
    fc.constantFrom('&X-Amz-Date=20260301T120000Z', '&X-Amz-Signature=', '&X-Amz-Expires=1', '%41', '&x-amz-date=1'),
  );
  const tail = fc.oneof(
    fc.array(tailPiece, { maxLength: 70 }).map((pieces) => pieces.join('')),
    fc.stringMatching(/^[0-9a-f]{64}$/),
  );

  test('5,000 endings of a remembered query: warm and cold results are equal', () => {
    expect(accept(requestFor(signed)).ok).toBe(true);
    fc.assert(
      fc.property(tail, (ending) => {
        const request = { ...requestFor(signed), url: prefix + ending };
        accept(requestFor(signed)); // warm: the query just read is the one this request extends
        const warm = accept(request);
        accept(requestFor(unrelated)); // cold: the last query read is another one
        const cold = accept(request);
        expect(warm).toEqual(cold);
      }),
      { numRuns: 5000 },
    );
  });

  test('a new signature on the remembered text is checked, not assumed', () => {
    expect(accept(requestFor(signed)).ok).toBe(true);
    const flipped = prefix + signed.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(accept({ ...requestFor(signed), url: flipped })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

describe('the validity window', () => {
  const signed = sign({ url: 'https://bucket.s3.amazonaws.com/k', expiresIn: 3600 });
  const at = (seconds: number, options: Partial<VerifySyncOptions> = {}) =>
    accept(requestFor(signed), { now: new Date(SIGNED_AT.getTime() + seconds * 1000), ...options });

  test('valid through X-Amz-Date + X-Amz-Expires inclusive, refused one second later', () => {
    expect(at(0).ok).toBe(true);
    expect(at(3600)).toMatchObject({ ok: true, expiresAt: new Date(SIGNED_AT.getTime() + 3600_000) });
    expect(at(3600.999).ok).toBe(true);
    expect(at(3601)).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(at(86400 * 365)).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  test('X-Amz-Date may lie up to clockSkewSeconds in the future (default 300), not one second more', () => {
    expect(at(-300).ok).toBe(true);
    expect(at(-301)).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
    expect(at(-10, { clockSkewSeconds: 10 }).ok).toBe(true);
    expect(at(-11, { clockSkewSeconds: 10 })).toMatchObject({ code: 'RequestTimeTooSkewed' });
    expect(at(0, { clockSkewSeconds: 0 }).ok).toBe(true);
    expect(at(-1, { clockSkewSeconds: 0 })).toMatchObject({ code: 'RequestTimeTooSkewed' });
  });

  test('maxExpiresIn bounds X-Amz-Expires', () => {
    expect(at(0, { maxExpiresIn: 3600 }).ok).toBe(true);
    expect(at(0, { maxExpiresIn: 3599 })).toMatchObject({ code: 'AuthorizationQueryParametersError' });
  });

  test('without now, the current time is used', () => {
    const fresh = sign({ url: 'https://bucket.s3.amazonaws.com/k', signingDate: new Date() });
    expect(verifyPresignedUrlSync(requestFor(fresh), { secretFor }).ok).toBe(true);
    expect(verifyPresignedUrlSync(requestFor(signed), { secretFor })).toMatchObject({ code: 'AccessDenied' });
  });
});

describe('strict parsing', () => {
  const signed = sign({ url: 'https://bucket.s3.amazonaws.com/k?x=1', headers: { 'content-type': 'text/plain' } });
  const withUrl = (url: string) => accept({ ...requestFor(signed), url });
  const replaced = (pattern: RegExp, by: string) => {
    expect(signed.url).toMatch(pattern);
    return withUrl(signed.url.replace(pattern, by));
  };
  const parameters = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ];

  test.each(parameters)('%s: missing, repeated or misspelt is refused', (name) => {
    const param = new RegExp(`${name}=[^&]*`);
    const original = signed.url.match(param)![0];
    expect(replaced(new RegExp(`&?${name}=[^&]*`), '')).toMatchObject({ code: 'AuthorizationQueryParametersError' });
    expect(replaced(param, `${original}&${original}`)).toMatchObject({ code: 'AuthorizationQueryParametersError' });
    expect(replaced(param, original.toLowerCase())).toMatchObject({ code: 'AuthorizationQueryParametersError' });
  });

  test('a repeated session token is refused', () => {
    const withToken = sign({
      url: 'https://bucket.s3.amazonaws.com/k',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: 't' },
    });
    const url = withToken.url.replace('X-Amz-Security-Token=t', 'X-Amz-Security-Token=t&X-Amz-Security-Token=t');
    expect(accept({ method: 'GET', url })).toMatchObject({ code: 'AuthorizationQueryParametersError' });
  });

  test.each([
    ['upper-case hex', (s: string) => s.toUpperCase()],
    ['63 digits', (s: string) => s.slice(1)],
    ['65 digits', (s: string) => s + '0'],
    ['a non-hex digit', (s: string) => 'g' + s.slice(1)],
    ['empty', () => ''],
  ])('X-Amz-Signature with %s is refused', (_what, change) => {
    expect(replaced(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${change(signed.signature)}`)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test.each([
    '20260230T120000Z', // February 30
    '20260301T240000Z', // hour 24
    '20260301T120060Z', // second 60
    '20260301T126000Z', // minute 60
    '20261301T120000Z', // month 13
    '20260300T120000Z', // day 0
    '2026-03-01T12:00:00Z',
    '20260301T120000',
    '20260301T120000.000Z',
    '20260301t120000z',
    '',
  ])('X-Amz-Date %j is refused', (date) => {
    expect(replaced(/X-Amz-Date=\w+/, `X-Amz-Date=${date}`)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test.each([
    ['a scope date other than X-Amz-Date', 'AKIDVERIFYEXAMPLE%2F20260302%2Fus-east-1%2Fs3%2Faws4_request'],
    ['a wrong terminator', 'AKIDVERIFYEXAMPLE%2F20260301%2Fus-east-1%2Fs3%2Faws4_requesT'],
    ['a missing part', 'AKIDVERIFYEXAMPLE%2F20260301%2Fs3%2Faws4_request'],
    ['an empty access key id', '%2F20260301%2Fus-east-1%2Fs3%2Faws4_request'],
    ['an upper-case region', 'AKIDVERIFYEXAMPLE%2F20260301%2FUS-EAST-1%2Fs3%2Faws4_request'],
    ['an empty service', 'AKIDVERIFYEXAMPLE%2F20260301%2Fus-east-1%2F%2Faws4_request'],
    ['invalid UTF-8', 'AKID%FF%2F20260301%2Fus-east-1%2Fs3%2Faws4_request'],
  ])('X-Amz-Credential with %s is refused', (_what, credential) => {
    expect(replaced(/X-Amz-Credential=[^&]+/, `X-Amz-Credential=${credential}`)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test.each(['0', '-1', '0900', '1.5', '1e3', '604801', '99999999', ''])('X-Amz-Expires=%s is refused', (expires) => {
    expect(replaced(/X-Amz-Expires=\d+/, `X-Amz-Expires=${expires}`)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test.each([
    ['a duplicate name', 'content-type%3Bhost%3Bhost'],
    ['an empty name', 'content-type%3B%3Bhost'],
    ['unsorted names', 'host%3Bcontent-type'],
    ['an upper-case name', 'content-type%3BHost'],
    ['no host', 'content-type'],
    ['a name that is not a token', 'content%20type%3Bhost'],
  ])('X-Amz-SignedHeaders with %s is refused', (_what, list) => {
    expect(replaced(/X-Amz-SignedHeaders=[^&]+/, `X-Amz-SignedHeaders=${list}`)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test.each(['AWS4-HMAC-SHA512', 'AWS4-ECDSA-P256-SHA256', 'aws4-hmac-sha256'])(
    'X-Amz-Algorithm=%s is refused',
    (algorithm) => {
      expect(replaced(/X-Amz-Algorithm=[^&]+/, `X-Amz-Algorithm=${algorithm}`)).toMatchObject({
        code: 'AuthorizationQueryParametersError',
      });
    },
  );

  test('allow-lists of regions and services', () => {
    expect(accept(requestFor(signed), { regions: ['us-east-1'], services: ['s3'] }).ok).toBe(true);
    expect(accept(requestFor(signed), { regions: ['eu-west-1'] })).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
    expect(accept(requestFor(signed), { services: ['execute-api'] })).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });

  test('required signed headers', () => {
    expect(accept(requestFor(signed), { requiredSignedHeaders: ['Content-Type'] }).ok).toBe(true);
    expect(accept(requestFor(signed), { requiredSignedHeaders: ['content-md5'] })).toMatchObject({
      ok: false,
      code: 'RequiredHeaderNotSigned',
    });
  });

  test('a signed header absent from the request, an unknown key, a payload hash that was not signed', () => {
    expect(accept({ ...requestFor(signed), headers: {} })).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(accept(requestFor(signed), { secretFor: () => undefined })).toMatchObject({ code: 'InvalidAccessKeyId' });
    expect(accept(requestFor(signed), { secretFor: () => null })).toMatchObject({ code: 'InvalidAccessKeyId' });
    // payloadHash is the body's hash: an UNSIGNED-PAYLOAD URL (S3's default) takes any body.
    expect(
      accept(requestFor(signed), { payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
        .ok,
    ).toBe(true);
    const other = sign({ url: 'https://api.example.com/x', service: 'execute-api', payloadHash: 'UNSIGNED-PAYLOAD' });
    expect(accept(requestFor(other))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(accept(requestFor(other), { payloadHash: 'UNSIGNED-PAYLOAD' }).ok).toBe(true);
  });

  test('an unsigned session token (IoT mode) is accepted only when allowed', () => {
    const appended = sign({
      url: 'https://iot.example.com/mqtt',
      service: 'iotdevicegateway',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: 'tok' },
      sessionTokenMode: 'appended',
    });
    expect(accept(requestFor(appended))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(accept(requestFor(appended), { allowUnsignedSessionToken: true })).toMatchObject({
      ok: true,
      sessionToken: 'tok',
      sessionTokenSigned: false,
    });
  });
});

describe('never throws, never leaks', () => {
  const signed = sign({ url: 'https://bucket.s3.amazonaws.com/k' });
  const throwing = new Proxy(
    {},
    {
      get: () => {
        throw new Error(`getter leaks ${SECRET}`);
      },
    },
  );

  const badRequests: [string, unknown, string][] = [
    ['null', null, 'InvalidRequest'],
    ['a string', signed.url, 'InvalidRequest'],
    ['a number', 42, 'InvalidRequest'],
    ['no method', { url: signed.url }, 'InvalidRequest'],
    ['a method that is not a token', { method: 'GE T', url: signed.url }, 'InvalidRequest'],
    ['no url', { method: 'GET' }, 'InvalidRequest'],
    ['a relative url', { method: 'GET', url: '/k?X-Amz-Signature=0' }, 'InvalidRequest'],
    ['a url with a control character', { method: 'GET', url: signed.url.replace('/k', '/k\n') }, 'InvalidRequest'],
    [
      'a query with a control character',
      { method: 'GET', url: signed.url.replace('X-Amz-Date', 'X-Amz-Date\t') },
      'InvalidRequest',
    ],
    [
      'a query with a fragment',
      { method: 'GET', url: signed.url.replace('X-Amz-Date', '#X-Amz-Date') },
      'InvalidRequest',
    ],
    ['headers that are a number', { method: 'GET', url: signed.url, headers: 5 }, 'InvalidRequest'],
    ['a header value that is an object', { method: 'GET', url: signed.url, headers: { host: {} } }, 'InvalidRequest'],
    ['a host header with CR LF', { method: 'GET', url: signed.url, headers: { host: 'a\r\nb' } }, 'InvalidRequest'],
    ['getters that throw', throwing, 'InternalError'],
    ['headers whose getters throw', { method: 'GET', url: signed.url, headers: throwing }, 'InternalError'],
  ];

  test.each(badRequests)('a request that is %s', async (_what, request, code) => {
    const sync = verifyPresignedUrlSync(request as VerifyRequest, base);
    expect(sync).toMatchObject({ ok: false, code });
    expectNoLeak(sync, signed.signature);
    await expect(verifyPresignedUrl(request as VerifyRequest, base)).resolves.toEqual(sync);
  });

  const badOptions: [string, unknown][] = [
    ['null', null],
    ['without secretFor', { now: SIGNED_AT }],
    ['with an invalid now', { secretFor, now: new Date(NaN) }],
    ['with a negative skew', { secretFor, now: SIGNED_AT, clockSkewSeconds: -1 }],
    ['with maxExpiresIn over a week', { secretFor, now: SIGNED_AT, maxExpiresIn: 604801 }],
    ['with regions that are not an array', { secretFor, now: SIGNED_AT, regions: 'us-east-1' }],
    ['with a malformed payloadHash', { secretFor, now: SIGNED_AT, payloadHash: 'abc' }],
    ['whose getters throw', throwing],
  ];

  test.each(badOptions)('options that are %s give InternalError', async (_what, options) => {
    const sync = verifyPresignedUrlSync(requestFor(signed), options as VerifySyncOptions);
    expect(sync).toMatchObject({ ok: false, code: 'InternalError' });
    expectNoLeak(sync, signed.signature);
    await expect(verifyPresignedUrl(requestFor(signed), options as VerifySyncOptions)).resolves.toEqual(sync);
  });

  test('a secretFor that throws, rejects or returns a non-string gives InternalError, without its message', async () => {
    const leaky = new Error(`lookup failed for ${SECRET}`);
    const lookups = [
      () => {
        throw leaky;
      },
      () => Promise.reject(leaky),
      () => 42 as unknown as string,
      () => '',
    ];
    for (const lookup of lookups) {
      const result = await verifyPresignedUrl(requestFor(signed), { secretFor: lookup, now: SIGNED_AT });
      expect(result).toMatchObject({ ok: false, code: 'InternalError' });
      expectNoLeak(result, signed.signature);
    }
  });

  test('the sync entry point refuses a secretFor that returns a Promise, and swallows its rejection', () => {
    const lookup = () => Promise.reject(new Error(SECRET)) as unknown as string;
    expect(verifyPresignedUrlSync(requestFor(signed), { secretFor: lookup, now: SIGNED_AT })).toMatchObject({
      ok: false,
      code: 'InternalError',
    });
    const resolved = () => Promise.resolve(SECRET) as unknown as string;
    expect(verifyPresignedUrlSync(requestFor(signed), { secretFor: resolved, now: SIGNED_AT })).toMatchObject({
      code: 'InternalError',
    });
  });

  test('a wrong secret gives SignatureDoesNotMatch, without the expected signature', () => {
    const result = accept(requestFor(signed), { secretFor: () => 'another secret' });
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expectNoLeak(result, signed.signature);
  });

  test('an accepted result carries no secret either', () => {
    const result = accept(requestFor(signed));
    expect(result.ok).toBe(true);
    expectNoLeak(result);
  });
});
