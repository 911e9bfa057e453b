/**
 * Each algorithm stage on its own. Expected values are either spelled out by the SigV4 rules
 * (RFC 3986 unreserved set, AWS's dot-segment rule) or come from the platform's own encoders
 * (encodeURIComponent, TextEncoder), never from the engine.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pureJsBackend, SigV4Error } from '../../../src/index.js';
import {
  formatAmzDate,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  credentialScope,
  deriveSigningKey,
  headerName,
  headerValue,
  httpMethod,
  isCanonical,
  normalizePath,
  parseQuery,
  percentDecode,
  recode,
  signingKey,
  KEY_CACHE_SIZE,
  splitUrl,
  stringToSign,
  uriEncode,
  uriEncodeBytes,
  wirePath,
} from '../../../src/stages.js';
import { nodeBackend } from '../../../src/node.js';

/** RFC 3986 encoding from the platform: encodeURIComponent leaves `!'()*` raw, RFC 3986 does not. */
const platformEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

describe('encoding', () => {
  test('unreserved characters stand; everything else is %XX upper-case', () => {
    expect(uriEncode('AZaz09-._~', false)).toBe('AZaz09-._~');
    expect(uriEncode("a b+c/d!'()*$é", false)).toBe('a%20b%2Bc%2Fd%21%27%28%29%2A%24%C3%A9');
    expect(uriEncode('a b/c', true)).toBe('a%20b/c');
  });

  test('a lone surrogate is encoded as U+FFFD, as TextEncoder does', () => {
    expect(uriEncode('\ud800', false)).toBe('%EF%BF%BD');
  });

  test('matches the platform encoder on any well-formed Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(uriEncode(s, false)).toBe(platformEncode(s));
        expect(uriEncode(s, true)).toBe(platformEncode(s).replaceAll('%2F', '/'));
      }),
      { numRuns: 2000 },
    );
  });

  test('percentDecode turns escapes into bytes, not UTF-8 checked text', () => {
    expect([...percentDecode('%80')]).toEqual([0x80]);
    expect([...percentDecode('a%2fb')]).toEqual([0x61, 0x2f, 0x62]);
    expect([...percentDecode('%zz%4')]).toEqual([...new TextEncoder().encode('%zz%4')]);
    expect([...percentDecode('é%C3%A9')]).toEqual([0xc3, 0xa9, 0xc3, 0xa9]);
  });

  test('any byte string round-trips through encode and decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, keepSlash) => {
        const encoded = uriEncodeBytes(bytes, keepSlash);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})*$/);
        expect([...percentDecode(encoded)]).toEqual([...bytes]);
      }),
      { numRuns: 2000 },
    );
  });

  test('recode brings any spelling of the same bytes to one canonical form', () => {
    expect(recode('%7e%7E~', false)).toBe('~~~');
    expect(recode('a+b', false)).toBe('a%2Bb');
    expect(recode('caf%c3%a9 x', false)).toBe('caf%C3%A9%20x');
    expect(recode('a%2Fb', true)).toBe('a/b');
    expect(recode('100%', false)).toBe('100%25');
  });
});

describe('splitUrl', () => {
  test('reads the path verbatim: no dot-segment resolution', () => {
    expect(splitUrl('https://h.example/a/../b/./c?x=1')).toEqual({
      scheme: 'https',
      host: 'h.example',
      path: '/a/../b/./c',
      query: 'x=1',
    });
  });

  test('lower-cases scheme and host; drops only the default port', () => {
    expect(splitUrl('HTTPS://Bucket.S3.Example:443').host).toBe('bucket.s3.example');
    expect(splitUrl('http://h:80/').host).toBe('h');
    expect(splitUrl('http://h:443/').host).toBe('h:443');
    expect(splitUrl('https://h:0443/').host).toBe('h');
    expect(splitUrl('http://127.0.0.1:9000/b/k').host).toBe('127.0.0.1:9000');
    expect(splitUrl('http://[::1]:9000/').host).toBe('[::1]:9000');
    expect(splitUrl('https://h').path).toBe('/');
    expect(splitUrl('https://h?a=b')).toMatchObject({ path: '/', query: 'a=b' });
  });

  test('reads a URL object from its href', () => {
    expect(splitUrl(new URL('https://h/a/../b')).path).toBe('/b');
  });

  test.each([
    ['ftp://h/', 'not http(s)'],
    ['/relative', 'relative'],
    ['https://h/#frag', 'fragment'],
    ['https://user:pw@h/', 'userinfo'],
    ['https:///path', 'empty host'],
    ['https://h:99999/', 'port out of range'],
    ['https://h/a\nb', 'newline'],
    ['https://h/a\tb', 'tab'],
    ['https://h/a?b=c\nd', 'newline in the query'],
    ['https://h/a?b=c#d', 'fragment after the query'],
    ['https://h/a?b=\u007f', 'DEL in the query'],
    ['https://h%41/', 'escaped host'],
  ])('rejects %s (%s)', (url) => {
    expect(() => splitUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });
});

describe('canonical URI', () => {
  test("normalisation follows AWS's signers: /a/b/.. is /a, not /a/", () => {
    expect(normalizePath('/a/b/..')).toBe('/a');
    expect(normalizePath('/a/b/../')).toBe('/a/');
    expect(normalizePath('/example/..')).toBe('/');
    expect(normalizePath('//example//')).toBe('/example/');
    expect(normalizePath('/./')).toBe('/');
    expect(normalizePath('/../../a')).toBe('/a');
    expect(normalizePath('')).toBe('/');
  });

  test('S3 rule: escapes decode to key bytes, re-encoded once, never normalised', () => {
    const s3 = { uriEscapePath: false, normalizePath: false };
    const wire = wirePath('/a/../b c/%7e+/%2F/%80', s3);
    expect(wire).toBe('/a/../b%20c/~%2B///%80');
    expect(canonicalUri(wire, s3)).toBe(wire);
  });

  test('other services: the wire path is normalised, then encoded again', () => {
    const generic = { uriEscapePath: true, normalizePath: true };
    const wire = wirePath('/a/b/../c d/%3D/é', generic);
    expect(wire).toBe('/a/b/../c%20d/%3D/%C3%A9');
    expect(canonicalUri(wire, generic)).toBe('/a/c%2520d/%253D/%25C3%25A9');
    expect(canonicalUri('/example/..', generic)).toBe('/');
  });
});

describe('canonical query', () => {
  test('reads RFC 3986, not a form: + is a plus; empty pieces are dropped', () => {
    expect(parseQuery('a=1+2&&b&c=&d=x=y&')).toEqual([
      ['a', '1%2B2'],
      ['b', ''],
      ['c', ''],
      ['d', 'x%3Dy'],
    ]);
  });

  test('sorts by encoded name, then value, in byte order; keeps duplicates', () => {
    const pairs = parseQuery('b=2&a=2&a=1&A=0&%E1%88%B4=u&a-b=3');
    expect(canonicalQuery(pairs)).toBe('%E1%88%B4=u&A=0&a=1&a=2&a-b=3&b=2');
  });
});

describe('canonical headers', () => {
  test('names are RFC 9110 tokens, lower-cased', () => {
    expect(headerName('X-Amz-Meta-Foo')).toBe('x-amz-meta-foo');
    for (const bad of ['', 'a b', 'a:b', 'é', 'a\n']) {
      expect(() => headerName(bad)).toThrow(expect.objectContaining({ code: 'INVALID_HEADER_NAME' }));
    }
  });

  test('values are trimmed; runs of spaces and tabs collapse to one space', () => {
    expect(headerValue('x', ' \t a \t\t b  c \t')).toBe('a b c');
    expect(headerValue('x', 'a\u00a0 b')).toBe('a\u00a0 b');
    for (const bad of ['a\rb', 'a\nb', 'a\u0000', 'a\u007f']) {
      expect(() => headerValue('x', bad)).toThrow(expect.objectContaining({ code: 'INVALID_HEADER_VALUE' }));
    }
  });

  test('the block is sorted by name, with the signed-headers list', () => {
    const block = canonicalHeaders(
      new Map([
        ['x-b', '2'],
        ['host', 'h'],
        ['content-type', 'a/b'],
      ]),
    );
    expect(block.canonical).toBe('content-type:a/b\nhost:h\nx-b:2\n');
    expect(block.signedHeaders).toBe('content-type;host;x-b');
  });

  test('standard methods are upper-cased, as fetch does; others are kept', () => {
    expect(httpMethod('get')).toBe('GET');
    expect(httpMethod('patch')).toBe('patch');
    expect(() => httpMethod('GE T')).toThrow(expect.objectContaining({ code: 'INVALID_METHOD' }));
  });
});

describe('string to sign', () => {
  test('formats X-Amz-Date and the scope', () => {
    const date = formatAmzDate(new Date('2013-05-24T00:00:00.999Z'));
    expect(date).toBe('20130524T000000Z');
    expect(formatAmzDate(new Date('0999-01-02T03:04:05Z'))).toBe('09990102T030405Z');
    const scope = credentialScope(date, 'us-east-1', 's3');
    expect(scope).toBe('20130524/us-east-1/s3/aws4_request');
    expect(stringToSign(date, scope, 'ab')).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nab',
    );
  });

  test('rejects invalid dates', () => {
    for (const bad of [new Date(NaN), new Date('+010000-01-01T00:00:00Z'), '2013-05-24' as unknown as Date]) {
      expect(() => formatAmzDate(bad)).toThrow(SigV4Error);
    }
  });
});

describe('signing key', () => {
  // s3-examples.json's signing_key_hex, derived by the vector author's independent implementation.
  const S3_DOCS_KEY = 'dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378';
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

  test.each([
    ['pure JS', pureJsBackend],
    ['node:crypto', nodeBackend],
  ])('derives the S3 documentation key (%s)', (_name, backend) => {
    const key = deriveSigningKey(backend, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
    expect(hex(key)).toBe(S3_DOCS_KEY);
  });

  test('the cache returns the derived key, and stays right past its bound', () => {
    const secrets = Array.from({ length: KEY_CACHE_SIZE + 20 }, (_, i) => `secret-${i}`);
    for (const backend of [pureJsBackend, nodeBackend]) {
      for (const secret of [...secrets, ...secrets.slice(0, 30)]) {
        const cached = signingKey(backend, secret, '20240101', 'eu-west-1', 's3');
        expect(hex(cached.bytes)).toBe(hex(deriveSigningKey(nodeBackend, secret, '20240101', 'eu-west-1', 's3')));
      }
    }
  });
});

describe('isCanonical', () => {
  test('says exactly when recode would return a value unchanged', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'a',
        'Z',
        '0',
        '-',
        '.',
        '_',
        '~',
        '/',
        '+',
        ' ',
        '%',
        'é',
        '%2F',
        '%2f',
        '%41',
        '%7E',
        '%7e',
        '%20',
        '%2B',
        '%zz',
        '%4',
      ),
      fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        fc.boolean(),
        (value, keepSlash) => {
          expect(isCanonical(value, keepSlash)).toBe(recode(value, keepSlash) === value);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
