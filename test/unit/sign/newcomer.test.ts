/**
 * Issue 11, library part: what a newcomer naturally types must give the URL they meant, or fail
 * at once with a typed error. One test per numbered item, named after it.
 */
import { describe, expect, test } from 'vitest';
import {
  presign,
  presignGetObject,
  presignPutObject,
  SigV4Error,
  verifyPresignedUrlSync,
  type PresignOptions,
} from '../../../src/index.js';

const SECRET = 'newcomer/SECRET+key=wJalrXUtnFEMI';
const credentials = { accessKeyId: 'AKIDNEWCOMER', secretAccessKey: SECRET };
const signingDate = new Date('2026-03-01T12:00:00Z');
const base = { method: 'GET', credentials, signingDate };

/** The SigV4Error a call throws: its code and message. */
function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof SigV4Error) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a SigV4Error');
}

describe('item 1: region and service from AWS host names', () => {
  test('an S3 host names its region and service: both may be left out', () => {
    const url = 'https://examplebucket.s3.eu-west-1.amazonaws.com/photos/cat.jpg';
    const inferred = presign({ ...base, url });
    expect(inferred).toBe(presign({ ...base, url, region: 'eu-west-1', service: 's3' }));
    expect(inferred).toContain('%2Feu-west-1%2Fs3%2Faws4_request');
  });

  test('an API Gateway host names its service; a Lambda function URL its region and lambda', () => {
    const api = 'https://abc123.execute-api.us-east-2.amazonaws.com/prod/items';
    expect(presign({ ...base, url: api })).toBe(
      presign({ ...base, url: api, region: 'us-east-2', service: 'execute-api' }),
    );
    const lambda = 'https://x7k2.lambda-url.eu-west-1.on.aws/';
    expect(presign({ ...base, url: lambda })).toContain('%2Feu-west-1%2Flambda%2Faws4_request');
  });

  test('an explicit region that contradicts the host is REGION_MISMATCH', () => {
    const url = 'https://examplebucket.s3.eu-west-1.amazonaws.com/k';
    expect(errorOf(() => presign({ ...base, url, region: 'us-east-1' }))).toMatchObject({
      code: 'REGION_MISMATCH',
      message: expect.stringContaining('eu-west-1'),
    });
  });

  test('hosts that name no region still need one, with a clear error', () => {
    for (const url of [
      'https://s3.amazonaws.com/bucket/k',
      'http://localhost:9000/b/k',
      'https://files.example.com/k',
    ]) {
      expect(errorOf(() => presign({ ...base, url, service: 's3' }))).toMatchObject({
        code: 'INVALID_REGION',
        message: expect.stringContaining('names no AWS region'),
      });
    }
    expect(errorOf(() => presign({ ...base, url: 'https://files.example.com/k', region: 'us-east-1' }))).toMatchObject({
      code: 'INVALID_SERVICE',
    });
  });

  test('regionFromHost: false leaves the host alone', () => {
    const url = 'https://ec2.us-east-1.amazonaws.com/';
    expect(presign({ ...base, url, region: 'myregion', service: 'ec2', regionFromHost: false })).toContain('myregion');
  });
});

describe('item 2: a URL object means what its searchParams say', () => {
  test("searchParams.set('q', 'hello world') signs and sends q=hello%20world", () => {
    const url = new URL('https://api.example.com/search');
    url.searchParams.set('q', 'hello world');
    expect(url.href).toBe('https://api.example.com/search?q=hello+world'); // what the URL object holds
    const signed = presign({ ...base, url, region: 'us-east-1', service: 'execute-api' });
    expect(signed).toContain('&q=hello%20world&');
    expect(signed).toBe(
      presign({
        ...base,
        url: 'https://api.example.com/search?q=hello%20world',
        region: 'us-east-1',
        service: 'execute-api',
      }),
    );
  });

  test('a string keeps the documented rule: + is a plus', () => {
    const signed = presign({
      ...base,
      url: 'https://api.example.com/search?q=a+b',
      region: 'us-east-1',
      service: 'execute-api',
    });
    expect(signed).toContain('&q=a%2Bb&');
  });
});

describe('item 3: unknown option names are an error at run time', () => {
  const options = { ...base, url: 'https://b.s3.us-east-1.amazonaws.com/k' };

  test.each(['expires', 'expiry', 'Expires'])('presign: %s is told the option is expiresIn', (name) => {
    expect(errorOf(() => presign({ ...options, [name]: 3600 } as unknown as PresignOptions))).toEqual({
      code: 'INVALID_OPTION',
      message: `unknown option "${name}": did you mean "expiresIn"?`,
    });
  });

  test('the S3 helpers check their own names (an option through a variable too)', () => {
    const extra: Record<string, unknown> = { contentType: 'image/png' }; // a PUT option, not a GET one
    const get = { bucket: 'b', key: 'k', region: 'us-east-1', credentials, ...extra };
    expect(errorOf(() => presignGetObject(get as never))).toMatchObject({ code: 'INVALID_OPTION' });
    expect(errorOf(() => presignPutObject({ ...get, expires: 60 } as never))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"expiresIn"'),
    });
  });

  test("the verifier's options: InternalError naming the option", () => {
    const url = presign(options);
    const result = verifyPresignedUrlSync({ method: 'GET', url }, {
      secretFor: () => SECRET,
      now: signingDate,
      service: ['s3'],
    } as never);
    expect(result).toEqual({
      ok: false,
      code: 'InternalError',
      message: 'invalid verifier options: unknown option "service": did you mean "services"?',
    });
  });
});

describe('item 4: headers the way people hold them', () => {
  const options = { ...base, url: 'https://b.s3.us-east-1.amazonaws.com/k', method: 'PUT' };
  const expected = presign({ ...options, headers: { 'Content-Type': 'image/png', 'x-amz-meta-a': ['1', '2'] } });

  test('a plain object, a Headers, a Map and [name, value] pairs sign the same', () => {
    const forms = [
      new Headers([
        ['Content-Type', 'image/png'],
        ['x-amz-meta-a', '1,2'],
      ]),
      new Map<string, string | string[]>([
        ['content-type', 'image/png'],
        ['x-amz-meta-a', ['1', '2']],
      ]),
      [
        ['content-type', 'image/png'],
        ['x-amz-meta-a', '1'],
        ['x-amz-meta-a', '2'],
      ] as [string, string][],
    ];
    for (const headers of forms) expect(presign({ ...options, headers })).toBe(expected);
  });

  test('anything else is INVALID_OPTION: never a header named 0', () => {
    for (const headers of ['content-type: image/png', ['content-type', 'image/png'], 42, new Set(['a'])]) {
      expect(errorOf(() => presign({ ...options, headers: headers as never }))).toMatchObject({
        code: 'INVALID_OPTION',
      });
    }
  });
});

describe('item 5: credentials with stray whitespace are refused', () => {
  const url = 'https://b.s3.us-east-1.amazonaws.com/k';
  test.each([
    ['accessKeyId', ' AKIDNEWCOMER', 'whitespace at its start'],
    ['secretAccessKey', SECRET + '\n', 'whitespace at its end'],
    ['secretAccessKey', SECRET.slice(0, 5) + '\u0007' + SECRET.slice(5), 'a control character at position 5'],
    ['sessionToken', 'token\r\n', 'whitespace at its end'],
  ])('%s %j says where, never what', (field, value, where) => {
    const error = errorOf(() => presign({ ...base, url, credentials: { ...credentials, [field]: value } }));
    expect(error).toEqual({ code: 'INVALID_CREDENTIALS', message: `credentials.${field} has ${where}` });
    expect(error.message).not.toContain(SECRET.slice(0, 8));
  });
});

describe('item 6: a leading slash in an S3 key', () => {
  const location = { bucket: 'examplebucket', region: 'us-east-1', credentials };

  test('is INVALID_KEY, naming the key without it', () => {
    expect(errorOf(() => presignGetObject({ ...location, key: '/photo.jpg' }))).toMatchObject({
      code: 'INVALID_KEY',
      message: expect.stringContaining('"photo.jpg" is another key'),
    });
  });

  test('is kept, literally, when allowLeadingSlash says it is meant', () => {
    const { url } = presignGetObject({ ...location, key: '/photo.jpg', allowLeadingSlash: true });
    expect(url.startsWith('https://examplebucket.s3.us-east-1.amazonaws.com//photo.jpg?')).toBe(true);
  });
});

describe('item 8: the verifier takes what node:http gives', () => {
  const signed = presign({
    ...base,
    url: 'http://127.0.0.1:8080/photos/cat.jpg?x-id=GetObject',
    region: 'us-east-1',
    service: 's3',
  });
  const target = signed.slice('http://127.0.0.1:8080'.length);

  test('a request target with a Host header', () => {
    const result = verifyPresignedUrlSync(
      { method: 'GET', url: target, headers: { host: '127.0.0.1:8080' } },
      { secretFor: () => SECRET, now: signingDate },
    );
    expect(result.ok).toBe(true);
    const noHost = verifyPresignedUrlSync(
      { method: 'GET', url: target },
      { secretFor: () => SECRET, now: signingDate },
    );
    expect(noHost).toMatchObject({ ok: false, code: 'InvalidRequest' });
  });

  test('secretFor returning null (a KV miss) is InvalidAccessKeyId', () => {
    const result = verifyPresignedUrlSync({ method: 'GET', url: signed }, { secretFor: () => null, now: signingDate });
    expect(result).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
  });
});

describe('a signed x-amz-content-sha256 header is a payload hash', () => {
  test('anything but lower-case hex SHA-256 or a keyword is INVALID_PAYLOAD_HASH', () => {
    const url = 'https://b.s3.us-east-1.amazonaws.com/k';
    for (const value of ['not-hex', '1', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']) {
      expect(
        errorOf(() => presign({ ...base, method: 'PUT', url, headers: { 'x-amz-content-sha256': value } })),
      ).toMatchObject({
        code: 'INVALID_PAYLOAD_HASH',
      });
    }
    expect(presign({ ...base, method: 'PUT', url, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })).toContain(
      'x-amz-content-sha256',
    );
  });
});
