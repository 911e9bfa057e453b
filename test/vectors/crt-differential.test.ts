/**
 * Differential test against AWS's own C signer (aws-c-auth, npm `aws-crt`): the engine and crt
 * sign the same random requests, and must produce the same signature and the same parameter set.
 *
 * - `npm test` runs 10,000 cases; `SIGV4_LONG=1` runs 200,000.
 * - A failing case is printed with its seed; add its inputs to REGRESSIONS so it runs first,
 *   forever.
 *
 * What crt is handed: for S3, the canonical key path (each segment encoded by the platform's
 * encodeURIComponent, plus `!'()*`); for other services, the exact wire path. The Host header
 * is what fetch sends: the host, with the port unless it is the scheme's default.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { presignDetailed, type PresignOptions } from '../../src/node.js';
import { pureJsBackend } from '../../src/index.js';
import { crtPresign, isCrtAvailable, type OracleRequest } from '../support/crt-oracle.mjs';
import { decodedParams } from '../support/shared-vectors.js';

const LONG = Boolean(process.env.SIGV4_LONG);
const RUNS = LONG ? 200_000 : 10_000;

if (!isCrtAvailable() && process.env.CI) throw new Error('aws-crt does not load: the differential test cannot run');
if (!isCrtAvailable()) console.warn('\n!!! SKIPPING the aws-crt differential test: aws-crt does not load here\n');

/** RFC 3986 encoding by the platform, independent of the engine's encoder. */
const platformEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

interface Case {
  s3: boolean;
  method: string;
  scheme: 'http' | 'https';
  hostname: string;
  port: number | undefined;
  /** S3: the key's segments, as decoded text. */
  keySegments: string[];
  /** How the S3 key is spelled on the wire: fully escaped, or raw where a URL allows it. */
  rawKey: boolean;
  /** Other services: path segments as written, already-encoded or raw text. */
  pathSegments: string[];
  query: { name: string; value: string | undefined; escapeAll: boolean }[];
  headers: [string, string][];
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  tokenMode: 'signed' | 'appended';
  date: Date;
  expiresIn: number;
  normalizePath: boolean;
  payloadHash: string | undefined;
}

// Generic wire-path characters: unreserved, sub-delims, ':' '@', and escapes (some of '%').
const wireChar = fc.oneof(
  fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@"),
  fc.integer({ min: 0, max: 255 }).map((b) => '%' + b.toString(16).padStart(2, '0')),
  fc.constantFrom('%2F', '%2f', '%20', '%25', '.', '..'),
);
const wireSegment = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..') },
  { weight: 4, arbitrary: fc.array(wireChar, { maxLength: 6 }).map((cs) => cs.join('')) },
);
// Raw text in a generic path, which the engine must encode as WHATWG URL does. ('\\' and '^'
// are left out: WHATWG turns '\\' into '/', and only newer WHATWG versions encode '^'.)
const rawTextSegment = fc
  .string({ unit: 'grapheme', maxLength: 6 })
  .map((t) => t.replace(/[%?#\\^/\u0000-\u001f\u007f]/g, ''));
const keySegment = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', ' ', '+', '%', '~', "*!'()", 'a+b c', 'é', 'e\u0301') },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const tokenChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=');
// crt refuses or skips these names (see crt-oracle.mjs); the engine's header policy covers them.
const headerNameArb = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/)
  .filter(
    (n) =>
      !/^(host|authorization|x-amz-(date|content-sha256|security-token|region-set)|user-agent|expect|transfer-encoding|upgrade|x-amzn-trace-id|sec-websocket-.*)$/i.test(
        n,
      ),
  );
const headerValueArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', '\t', '  \t '),
      fc.string({ unit: 'grapheme-ascii', maxLength: 5 }),
      fc.constantFrom('é', '€'),
    ),
    {
      maxLength: 5,
    },
  )
  .map((parts) => parts.join('').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''));
const queryText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', '+', '=', '&', '%', 'a b', 'ሴ'),
);

// crt's URI parser rejects a path with ':/' in it (AWS_ERROR_MALFORMED_INPUT_STRING), so such
// generic paths cannot be put to this oracle; aws-c-auth's vectors and botocore cover ':' instead.
const crtCanParse = (c: Case) => c.s3 || !/:\//.test('/' + c.pathSegments.join('/'));

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    s3: fc.boolean(),
    method: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST', 'PATCH', 'OPTIONS', 'get', 'put'),
    scheme: fc.constantFrom('http' as const, 'https' as const),
    hostname: fc.oneof(fc.domain(), fc.constant('127.0.0.1'), fc.constant('[::1]')),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    keySegments: fc.array(keySegment, { minLength: 1, maxLength: 6 }),
    rawKey: fc.boolean(),
    pathSegments: fc.array(fc.oneof(wireSegment, rawTextSegment), { maxLength: 6 }),
    query: fc.array(
      fc.record({
        name: queryText.filter((n) => !/^x-amz-/i.test(n)),
        value: fc.option(queryText, { nil: undefined }),
        escapeAll: fc.boolean(),
      }),
      { maxLength: 5 },
    ),
    headers: fc.array(fc.tuple(headerNameArb, headerValueArb), { maxLength: 4 }),
    region: fc.stringMatching(/^[a-z0-9-]{1,15}$/),
    service: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    accessKeyId: fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/),
    secretAccessKey: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 48 }),
    sessionToken: fc.option(
      fc.array(tokenChar, { minLength: 1, maxLength: 800 }).map((cs) => cs.join('')),
      { nil: undefined },
    ),
    tokenMode: fc.constantFrom('signed' as const, 'appended' as const),
    date: fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    expiresIn: fc.oneof(fc.integer({ min: 1, max: 604800 }), fc.constantFrom(1, 604800)),
    normalizePath: fc.boolean(),
    payloadHash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
  })
  .filter(crtCanParse);

/** Characters that may stand raw in a URL path (and are not '%', '?' or '#'). */
const RAW_OK = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The engine's options for one case, and the path it was given. */
function engineOptions(c: Case): { options: PresignOptions; inputPath: string } {
  const spell = (segment: string) =>
    c.rawKey ? [...segment].map((ch) => (RAW_OK.test(ch) ? ch : platformEncode(ch))).join('') : platformEncode(segment);
  const inputPath = '/' + (c.s3 ? c.keySegments.map(spell) : c.pathSegments).join('/');
  const query = c.query
    .map(({ name, value, escapeAll }) => {
      const enc = escapeAll ? platformEncode : encodeURIComponent;
      return value === undefined ? enc(name) : `${enc(name)}=${enc(value)}`;
    })
    .join('&');
  const headers: Record<string, string[]> = {};
  for (const [name, value] of c.headers) (headers[name] ??= []).push(value);
  const host = c.port === undefined ? c.hostname : `${c.hostname}:${c.port}`;
  const options: PresignOptions = {
    method: c.method,
    url: `${c.scheme}://${host}${inputPath}${query === '' ? '' : '?' + query}`,
    region: c.region,
    service: c.s3 ? 's3' : c.service === 's3' ? 'not-s3' : c.service,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    signingDate: c.date,
    expiresIn: c.expiresIn,
    headers,
    payloadHash: c.payloadHash,
    sessionTokenMode: c.tokenMode,
    ...(c.s3 ? {} : { normalizePath: c.normalizePath }),
  };
  return { options, inputPath };
}

/** crt's request for one case: the path that goes on the wire, and the Host header fetch sends. */
function oracleRequest(c: Case, options: PresignOptions, wirePath: string): OracleRequest {
  const defaultPort = c.scheme === 'https' ? 443 : 80;
  const url = options.url as string;
  const queryStart = url.indexOf('?');
  return {
    method: c.method.toUpperCase(),
    scheme: c.scheme,
    host: c.port === undefined || c.port === defaultPort ? c.hostname : `${c.hostname}:${c.port}`,
    path: wirePath,
    query: queryStart < 0 ? '' : url.slice(queryStart + 1),
    // crt joins repeated names in the order given, as the engine does.
    headers: c.headers,
    region: options.region,
    service: options.service,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
    omitSessionToken: c.tokenMode === 'appended',
    date: c.date,
    expiresIn: c.expiresIn,
    payloadHash: c.payloadHash ?? (c.s3 ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256),
    doubleEncode: !c.s3,
    normalizePath: c.s3 ? false : c.normalizePath,
  };
}

const queryOf = (url: string) => url.slice(url.indexOf('?') + 1);

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

async function agree(c: Case) {
  const { options, inputPath } = engineOptions(c);
  const actual = presignDetailed(options);
  const emitted = actual.url.slice(actual.url.indexOf('/', actual.url.indexOf('//') + 2), actual.url.indexOf('?'));
  if (c.s3) {
    // S3: the URL's path is the canonical key path, byte for byte what the platform encodes
    // ('/' kept: S3 reads %2F in a path as '/').
    expect(emitted).toBe('/' + platformEncode(c.keySegments.join('/')).replaceAll('%2F', '/'));
  } else if (!DOT_SEGMENT.test(inputPath)) {
    // Others: the wire path is what WHATWG URL (fetch) would send for the input. (The sentinel
    // 'z' keeps WHATWG from stripping trailing spaces off the whole URL string.)
    expect(emitted).toBe(new URL(`http://h${inputPath}z`).pathname.slice(0, -1));
  }
  const expected = await crtPresign(oracleRequest(c, options, emitted));
  expect(actual.signature).toBe(expected.signature);
  expect(presignDetailed({ ...options, backend: pureJsBackend }).signature).toBe(expected.signature);
  expect(decodedParams(queryOf(actual.url))).toEqual(decodedParams(queryOf(expected.signedUrlPathAndQuery)));
}

/** Cases that once failed, kept so they run first on every run. */
const regression = (overrides: Partial<Case>): Case => ({
  s3: false,
  method: 'GET',
  scheme: 'http',
  hostname: 'a.aa',
  port: undefined,
  keySegments: [''],
  rawKey: false,
  pathSegments: [],
  query: [],
  headers: [],
  region: '-',
  service: '0',
  accessKeyId: 'a',
  secretAccessKey: ' ',
  sessionToken: undefined,
  tokenMode: 'signed',
  date: new Date('1970-01-01T00:00:00.000Z'),
  expiresIn: 1,
  normalizePath: false,
  payloadHash: undefined,
  ...overrides,
});
const REGRESSIONS: Case[] = [
  // A key segment holding '/': S3 reads %2F as '/', so the key's canonical path keeps it raw.
  regression({ s3: true, keySegments: ['/', ''] }),
  // A trailing raw space in a generic path is encoded, not stripped.
  regression({ hostname: '[::1]', pathSegments: [' '] }),
  // A raw space in a generic path is encoded once on the wire, then again for the canonical URI.
  regression({ hostname: '[::1]', pathSegments: [' ', 'a b'] }),
];

describe.runIf(isCrtAvailable())('differential: engine vs aws-crt', () => {
  test.each(REGRESSIONS.map((c, i) => [i, c] as const))('regression %i', async (_i, c) => {
    await agree(c);
  });

  test(`${RUNS} random requests sign identically`, { timeout: LONG ? 3_600_000 : 600_000 }, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        await agree(c);
        checked++;
      }),
      { numRuns: RUNS },
    );
    console.log(`aws-crt differential: ${checked} cases agreed`);
    expect(checked).toBe(RUNS);
  });
});
