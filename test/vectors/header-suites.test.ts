/**
 * The Authorization-header suites, run through the same stage builders that presign uses
 * (canonical URI, query, headers and request; string to sign; signature): the classic AWS SigV4
 * suite (34 cases), smithy-rs's two double-encoding cases and the S3 documentation's four
 * header-signing examples.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { pureJsBackend, type HashBackend } from '../../src/index.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  headerName,
  headerValue,
  httpMethod,
  parseQuery,
  credentialScope,
  signCanonicalRequest,
  signingKey,
  wirePath,
  type PathRules,
} from '../../src/stages.js';
import { nodeBackend } from '../../src/node.js';
import { caseDirs, parseRequest, read, readJson, requireVectors, type RawRequest } from '../support/shared-vectors.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267';
// Raw (not wire-form) paths that upstream encodes once; see aws-c-auth.test.ts.
const RAW_PATH_CASES = new Set(['get-utf8', 'normalize-path/get-space']);

const run = requireVectors();
const SUITE = 'aws-sig-v4-test-suite';
const cases = caseDirs(SUITE, (name) => `${name}.req`);

const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');

/** The canonical request of a header-signed request, from the stage builders alone. */
function buildCanonicalRequest(
  request: RawRequest,
  rules: PathRules,
  extraHeaders: [string, string][] = [],
  { payloadHash = sha256(request.body) } = {},
) {
  const headers = new Map<string, string>();
  for (const [rawName, rawValue] of [...request.headers, ...extraHeaders]) {
    const name = headerName(rawName);
    const value = headerValue(name, rawValue);
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  const uri = canonicalUri(wirePath(request.path, rules), rules);
  const query = canonicalQuery(parseQuery(request.query));
  return canonicalRequest(httpMethod(request.method), uri, query, canonicalHeaders(headers), payloadHash);
}

/** The signing stages after the canonical request: scope, cached key, string to sign, signature. */
const sign = (backend: HashBackend, secret: string, amzDate: string, region: string, service: string, creq: string) =>
  signCanonicalRequest(
    backend,
    signingKey(backend, secret, amzDate.slice(0, 8), region, service),
    amzDate,
    credentialScope(amzDate, region, service),
    creq,
  );

const amzDateOf = (request: RawRequest) => request.headers.find(([name]) => name.toLowerCase() === 'x-amz-date')![1];

describe.runIf(run).each([
  ['pure JS', pureJsBackend],
  ['node:crypto', nodeBackend],
])('classic SigV4 suite through the stage builders (%s)', (_name, backend) => {
  test('finds all 34 cases', () => {
    expect(cases).toHaveLength(34);
  });

  test.each(cases)('%s', (path) => {
    const name = path.split('/').pop()!;
    const file = (ext: string) => read(SUITE, path, `${name}.${ext}`);
    const request = parseRequest(file('req'));
    // The token of get-vanilla-with-session-token is a credential, not in the .req file.
    const extra: [string, string][] =
      name === 'get-vanilla-with-session-token' ? [['X-Amz-Security-Token', SESSION_TOKEN]] : [];
    const rules = { uriEscapePath: !RAW_PATH_CASES.has(path), normalizePath: true };
    const creq = buildCanonicalRequest(request, rules, extra);
    expect(creq).toBe(file('creq'));
    const signed = sign(backend, SECRET, amzDateOf(request), 'us-east-1', 'service', creq);
    expect(signed.stringToSign).toBe(file('sts'));
    expect(signed.signature).toBe(/Signature=([0-9a-f]{64})/.exec(file('authz'))![1]);
  });
});

describe.runIf(run)('smithy-rs double-encoding cases', () => {
  const smithy = 'smithy-rs-aws-sigv4/v4';
  const rules = { uriEscapePath: true, normalizePath: true };
  // smithy-rs overrides the request's own X-Amz-Date with this instant for these files.
  const withDate = (request: RawRequest): RawRequest => ({
    ...request,
    headers: request.headers.map(([n, v]) => [n, n.toLowerCase() === 'x-amz-date' ? '20210511T154045Z' : v]),
  });

  test('double-encode-path: canonical request', () => {
    const request = withDate(parseRequest(read(smithy, 'double-encode-path', 'request.txt')));
    expect(buildCanonicalRequest(request, rules)).toBe(
      read(smithy, 'double-encode-path', 'header-canonical-request.txt'),
    );
  });

  test('double-encode-path: signature with the suite credentials', () => {
    const request = parseRequest(read(smithy, 'double-encode-path', 'request.txt'));
    const signed = sign(
      pureJsBackend,
      'notrealrnrELgWzOk3IfjzDKtFBhDby',
      '20150830T123600Z',
      'us-east-1',
      'service',
      buildCanonicalRequest(request, rules),
    );
    const authorization = read(smithy, 'double-encode-path', 'header-signed-request.txt');
    expect(signed.signature).toBe(/Signature=([0-9a-f]{64})/.exec(authorization)![1]);
  });

  test('double-url-encode: canonical request, string to sign, signature', () => {
    const request = withDate(parseRequest(read(smithy, 'double-url-encode', 'request.txt')));
    const creq = buildCanonicalRequest(request, rules);
    expect(creq).toBe(read(smithy, 'double-url-encode', 'header-canonical-request.txt'));
    const signed = sign(nodeBackend, SECRET, '20210511T154045Z', 'us-east-2', 'lambda', creq);
    // Upstream quirk: this file alone ends with a newline that is not part of the string to sign.
    expect(signed.stringToSign).toBe(read(smithy, 'double-url-encode', 'header-string-to-sign.txt').replace(/\n$/, ''));
    const authorization = read(smithy, 'double-url-encode', 'header-signed-request.txt');
    expect(signed.signature).toBe(/Signature=([0-9a-f]{64})/.exec(authorization)![1]);
  });
});

interface S3Examples {
  credentials: { access_key_id: string; secret_access_key: string };
  x_amz_date: string;
  cases: {
    name: string;
    kind: 'header' | 'query';
    request: { method: string; url: string; headers_before_signing: [string, string][]; body: string | null };
    expected: { canonical_request: string; string_to_sign: string; signature: string };
  }[];
}

describe.runIf(run)('S3 documentation header-signing examples', () => {
  const examples = run ? readJson<S3Examples>('s3-examples.json') : undefined;
  const headerCases = examples?.cases.filter((c) => c.kind === 'header') ?? [];
  const s3Rules = { uriEscapePath: false, normalizePath: false };

  test('finds the 4 header examples', () => {
    expect(headerCases).toHaveLength(4);
  });

  test.each(headerCases.map((c) => [c.name, c] as const))('%s', (_name, example) => {
    const { method, url, headers_before_signing, body } = example.request;
    const target = url.slice(url.indexOf('/', 'https://'.length));
    const request = parseRequest(`${method} ${target} HTTP/1.1\n\n`);
    const creq = buildCanonicalRequest({ ...request, headers: headers_before_signing, body: body ?? '' }, s3Rules, [], {
      // S3 signs the x-amz-content-sha256 header's value as the payload hash.
      payloadHash: headers_before_signing.find(([n]) => n === 'x-amz-content-sha256')![1],
    });
    expect(creq).toBe(example.expected.canonical_request);
    const signed = sign(
      nodeBackend,
      examples!.credentials.secret_access_key,
      examples!.x_amz_date,
      'us-east-1',
      's3',
      creq,
    );
    expect(signed.stringToSign).toBe(example.expected.string_to_sign);
    expect(signed.signature).toBe(example.expected.signature);
  });
});
