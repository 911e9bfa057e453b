/**
 * Random requests for the aws-crt differential tests (SigV4 and SigV4a): the cases, the engine's
 * options for one, and crt's request for the same one.
 *
 * What crt is handed: for S3, the canonical key path (each segment encoded by the platform's
 * encodeURIComponent, plus `!'()*`); for other services, the exact wire path. The Host header
 * is what fetch sends: the host, with the port unless it is the scheme's default.
 */
import fc from 'fast-check';
import type { PresignOptions } from '../../src/index.js';

/** Options with the scope spelt out, as the oracle needs it. */
type ScopedOptions = PresignOptions & { region: string; service: string };
import type { OracleRequest } from './crt-oracle.mjs';

/** RFC 3986 encoding by the platform, independent of the engine's encoder. */
export const platformEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export interface Case {
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

export const caseArb: fc.Arbitrary<Case> = fc
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
    // As the signer takes a secret: no whitespace at either end.
    secretAccessKey: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 48 }).filter((s) => s.trim() === s),
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
export function engineOptions(c: Case): { options: ScopedOptions; inputPath: string } {
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
  const options: ScopedOptions = {
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
    // Random hosts and regions: an AWS-looking host must not decide the scope here.
    regionFromHost: false,
    ...(c.s3 ? {} : { normalizePath: c.normalizePath }),
  };
  return { options, inputPath };
}

/** crt's request for one case: the path that goes on the wire, and the Host header fetch sends. */
export function oracleRequest(c: Case, options: ScopedOptions, wirePath: string): OracleRequest {
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
