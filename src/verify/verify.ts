/**
 * Verifies incoming presigned URLs: the signer run on what arrived, then a constant-time compare.
 *
 * The flow: the options and the request's shape; the query's `X-Amz-*` parameters, read strictly
 * by the parameter reader (`params.ts`); the policy (regions, services, hosts, validity, headers
 * that must be signed, `x-amz-*` headers that are not); the clock; then `secretFor`; then the
 * canonical request, rebuilt with the very functions the signer uses, signed and compared without
 * an early exit. It never throws: every outcome is a {@link VerifyResult}, whose failure codes
 * mirror S3's. No result carries the secret or the expected signature.
 *
 * Checks run cheapest first, so that a stale or malformed URL never costs a key lookup.
 *
 * @example
 * ```ts
 * import { verifyPresignedUrl } from 'sigv4-presign';
 * const result = await verifyPresignedUrl(
 *   { method: request.method, url: request.url, headers: request.headers },
 *   { secretFor: (accessKeyId) => keys.get(accessKeyId), regions: ['us-east-1'], services: ['s3'], hosts: ['files.example.com'] },
 * );
 * if (!result.ok) return new Response(result.message, { status: 403 });
 * ```
 * @module
 */
import {
  canonicalHeaders,
  canonicalRequest,
  canonicalUri,
  headerValue,
  httpMethod,
  wirePath,
  type CanonicalHeaders,
} from '../core/canonical-request.js';
import { SigV4Error } from '../core/errors.js';
import { defaultBackend, type HashBackend, type PreparedKey } from '../core/hash.js';
import { headerRule } from '../core/header-policy.js';
import { Memo } from '../core/memo.js';
import type { HeadersGetForEach, PlatformUrl } from '../core/platform.js';
import {
  credentialScope,
  dateStamp,
  isExpiresIn,
  isHeaderValueItem,
  isPayloadHash,
  joinHeaderValues,
  ALGORITHM,
  clockSecond,
  MAX_EXPIRES_IN,
  printable,
  readHeaders,
  sameSignature,
  UNSIGNED_PAYLOAD,
  unknownOption,
  type HeadersInit,
  type PathRules,
} from '../core/rules.js';
import { signCanonicalRequest, signingKey } from '../core/signing-key.js';
import { hostKey, hostList, splitUrl } from '../core/url.js';
import {
  isSigV4Signature,
  readQuery,
  readCredential,
  refuse,
  Refusal,
  type SchemeReader,
  type Scope,
  type Signing,
  type VerifyFailureCode,
} from './params.js';

export type { Scope, VerifyFailureCode } from './params.js';

/** Request headers: a `Headers` instance, a plain object (such as `node:http`'s), a `Map` or `[name, value]` pairs. */
export type VerifyHeaders = HeadersInit | HeadersGetForEach;

/** The request to check, as it arrived. */
export interface VerifyRequest {
  /** The HTTP method; the standard ones are upper-cased, as fetch does. */
  readonly method: string;
  /**
   * The URL as received, query included: absolute (a string is read verbatim, with no dot-segment
   * resolution), or the request target `node:http` gives (`/key?X-Amz-…`), read with the `host` header.
   */
  readonly url: string | PlatformUrl;
  /** The request headers. `host` wins over the URL's host; without it the URL's host is used. */
  readonly headers?: VerifyHeaders | undefined;
}

/** Finds the secret access key of an access key id; `undefined` or `null` when the id is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined | null | PromiseLike<string | undefined | null>;

/** Options of {@link verifyPresignedUrl}. Only `secretFor` is required. */
export interface VerifyOptions {
  /**
   * The secret for an access key id; `undefined` or `null` for an unknown one (→ `InvalidAccessKeyId`).
   * If it throws, rejects or returns anything else → `InternalError`.
   */
  readonly secretFor: SecretLookup;
  /**
   * The hosts this server answers to (`host[:port]`, case-insensitive, ports 80 and 443 may be
   * left out): a URL signed for any other host is refused with `HostNotAllowed`, whatever `Host`
   * header it arrives with. Default: any (set it: a URL signed for another server is not for you).
   */
  readonly hosts?: readonly string[] | undefined;
  /** The instant to check the validity window against. Default now. */
  readonly now?: Date | undefined;
  /** How many seconds `X-Amz-Date` may lie in the future. Default 300 (as S3: 15 minutes is its own limit). */
  readonly clockSkewSeconds?: number | undefined;
  /** The largest `X-Amz-Expires` accepted, in 1..604800. Default 604800. */
  readonly maxExpiresIn?: number | undefined;
  /** Allowed credential-scope regions. Default: any. */
  readonly regions?: readonly string[] | undefined;
  /** Allowed credential-scope services. Default: any. */
  readonly services?: readonly string[] | undefined;
  /** Headers that must be among the signed ones, such as `content-type` for uploads. */
  readonly requiredSignedHeaders?: readonly string[] | undefined;
  /** Accept `x-amz-*` request headers that are not signed. Default false: refused with `AccessDenied`, as S3 does. */
  readonly allowUnsignedAmzHeaders?: boolean | undefined;
  /** Accept an `X-Amz-Security-Token` added after signing (IoT's mode). Default false: the token must be signed. */
  readonly allowUnsignedSessionToken?: boolean | undefined;
  /**
   * The hex SHA-256 of the body this request carries, when the caller knows it. A URL whose
   * signature covers a payload hash (a signed `x-amz-content-sha256` header, or a hash in the
   * canonical request) is then accepted only when it is this one; an `UNSIGNED-PAYLOAD` URL
   * whatever the body. Default: the body is not known, and the URL's own payload hash is used.
   */
  readonly payloadHash?: string | undefined;
  /** Whether the signer encoded the wire path again. Default: true for every service but S3. */
  readonly uriEscapePath?: boolean | undefined;
  /** Whether the signer removed dot segments and `//` runs. Default: true for every service but S3. */
  readonly normalizePath?: boolean | undefined;
  /** SHA-256/HMAC implementation. Default: node:crypto in Node, pure JS elsewhere. */
  readonly backend?: HashBackend | undefined;
}

/** Options of {@link verifyPresignedUrlSync}: `secretFor` answers synchronously. */
export interface VerifySyncOptions extends Omit<VerifyOptions, 'secretFor'> {
  readonly secretFor: (accessKeyId: string) => string | undefined | null;
}

/** Every option name of {@link VerifyOptions}, for the run-time check of unknown names. */
const OPTION_NAMES: ReadonlySet<string> = new Set<keyof VerifyOptions>([
  'secretFor',
  'hosts',
  'now',
  'clockSkewSeconds',
  'maxExpiresIn',
  'regions',
  'services',
  'requiredSignedHeaders',
  'allowUnsignedAmzHeaders',
  'allowUnsignedSessionToken',
  'payloadHash',
  'uriEscapePath',
  'normalizePath',
  'backend',
]);

/** An accepted URL: who signed it, for what scope, and until when it is valid. */
export interface VerifySuccess {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  /** The signed header names, lower-case and sorted; always includes `host`. */
  readonly signedHeaders: readonly string[];
  /** `X-Amz-Date`. */
  readonly signedAt: Date;
  /** The last instant at which the URL is accepted: `X-Amz-Date + X-Amz-Expires`. */
  readonly expiresAt: Date;
  /** `X-Amz-Security-Token`, decoded, when the URL carries one. */
  readonly sessionToken: string | undefined;
  /** Whether the session token is covered by the signature (false when there is none, or in IoT's mode). */
  readonly sessionTokenSigned: boolean;
}

/** A refused URL. `message` is for people; it never holds the secret or the expected signature. */
export interface VerifyFailure {
  readonly ok: false;
  readonly code: VerifyFailureCode;
  readonly message: string;
}

/** The outcome of a verification. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/** The default of {@link VerifyOptions.clockSkewSeconds}. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

const NONE: readonly string[] = [];
const badOptions = (message: string): never => refuse('InternalError', `invalid verifier options: ${message}`);

function checkList(name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
    badOptions(`${name} must be an array of strings`);
  }
}

/** The boolean options. */
const FLAGS = ['uriEscapePath', 'normalizePath', 'allowUnsignedAmzHeaders', 'allowUnsignedSessionToken'] as const;

/** The option names known to a list of schemes, kept while the same list is used. */
const optionNames = new WeakMap<readonly Scheme[], ReadonlySet<string>>();

function checkOptions(options: VerifyOptions, schemes: readonly Scheme[]): void {
  if (typeof options !== 'object' || options === null) badOptions('options must be an object');
  let known = optionNames.get(schemes);
  if (known === undefined) {
    known = new Set([...OPTION_NAMES, ...schemes.flatMap((scheme) => scheme.optionNames ?? [])]);
    optionNames.set(schemes, known);
  }
  const unknown = unknownOption(options, known);
  if (unknown !== undefined) badOptions(unknown);
  if (typeof options.secretFor !== 'function') badOptions('secretFor must be a function');
  const { now, clockSkewSeconds, maxExpiresIn, payloadHash } = options;
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime())))
    badOptions('now must be a valid Date');
  if (clockSkewSeconds !== undefined && !(Number.isInteger(clockSkewSeconds) && clockSkewSeconds >= 0)) {
    badOptions('clockSkewSeconds must be a non-negative integer');
  }
  if (maxExpiresIn !== undefined && !isExpiresIn(maxExpiresIn)) {
    badOptions(`maxExpiresIn must be an integer in 1..${MAX_EXPIRES_IN}`);
  }
  if (payloadHash !== undefined && !isPayloadHash(payloadHash)) {
    badOptions('payloadHash must be 64 lower-case hex digits or a keyword such as UNSIGNED-PAYLOAD');
  }
  for (const flag of FLAGS) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') badOptions(`${flag} must be true or false`);
  }
  checkList('hosts', options.hosts);
  checkList('regions', options.regions);
  checkList('services', options.services);
  checkList('requiredSignedHeaders', options.requiredSignedHeaders);
}

/** A case-insensitive view of the request's headers: a value by name, and the names present. */
interface HeaderView {
  get(name: string): string | undefined;
  /** Whether one of the values was joined from repeated headers with `, ` before it reached us. */
  readonly commaJoined: boolean;
  readonly names: () => Iterable<string>;
}

const NO_HEADERS: HeaderView = { get: () => undefined, commaJoined: false, names: () => NONE };

/** Reads the request's headers; repeated names given apart are joined with `,`, as the signer joins them. */
function headerView(headers: VerifyHeaders | undefined): HeaderView {
  if (headers === undefined) return NO_HEADERS;
  if (
    typeof headers === 'object' &&
    headers !== null &&
    !(headers instanceof Map) &&
    typeof (headers as Headers).get === 'function'
  ) {
    // A fetch Headers: lower-case names, repeated values already joined with ', '.
    const instance = headers as Headers;
    const names = () => {
      const list: string[] = [];
      instance.forEach((_, name) => list.push(name));
      return list;
    };
    return { get: (name) => instance.get(name) ?? undefined, commaJoined: true, names };
  }
  const entries =
    readHeaders(headers) ??
    refuse('InvalidRequest', 'headers must be an object, a Headers, a Map or [name, value] pairs');
  const byName = new Map<string, string[]>();
  for (const [rawName, items] of entries) {
    if (!items.every(isHeaderValueItem))
      refuse('InvalidRequest', `header ${printable(rawName)} must be a string, a number or a list of them`);
    const values = items.map(String);
    const name = rawName.toLowerCase();
    const previous = byName.get(name);
    byName.set(name, previous === undefined ? values : previous.concat(values));
  }
  // node:http joins most repeated headers with ', ' too; its headersDistinct keeps them apart.
  return { get: (name) => byName.get(name)?.join(','), commaJoined: true, names: () => byName.keys() };
}

/** The canonical headers of the last request: a gateway sees the same host (and the same signed values) again and again. */
const headerBlocks = new Memo<readonly unknown[], CanonicalHeaders>();

/** The canonical headers for these signed names and canonical values, built once while they stay the same. */
function headerBlock(names: readonly string[], values: readonly string[]): CanonicalHeaders {
  // The names array is frozen and shared by every request of one query, so it stands for its contents.
  const build = () => canonicalHeaders(new Map(names.map((name, i) => [name, values[i]!])));
  // Most URLs sign one or two headers: compared without an array on every request.
  return values.length <= 2
    ? headerBlocks.getOf(build, names, values[0], values[1])
    : headerBlocks.get([names, ...values], build);
}

/** The hosts served here, read once while the same list is given. */
const hostSets = new Memo<readonly string[], ReadonlySet<string>>();

/** The set of `hosts`' keys; invalid options when an entry is not `host[:port]`. */
function servedHosts(hosts: readonly string[]): ReadonlySet<string> {
  try {
    return hostSets.get([...hosts], (list) => hostList(list));
  } catch (error) {
    return badOptions((error as SigV4Error).message);
  }
}

/** The absolute URL of a request: `node:http` gives a request target (`/path?query`) and a Host header. */
function absoluteUrl(url: string | PlatformUrl, header: HeaderView): string {
  const text = url instanceof URL ? url.href : url;
  if (typeof text !== 'string') return refuse('InvalidRequest', 'the URL must be a string or a URL');
  if (!text.startsWith('/')) return text;
  const host = header.get('host');
  if (host === undefined) return refuse('InvalidRequest', 'a request target without a host needs a Host header');
  // The scheme is not signed; http stands for either.
  return `http://${host}${text}`;
}

/**
 * What one signing algorithm decides in the verifier; the flow around it (parameters, policy,
 * clock, headers, canonical request, the key lookup's errors, the result) is shared. SigV4's is
 * {@link SIGV4}; `sigv4-presign/v4a` adds SigV4a's.
 */
export interface Scheme extends SchemeReader {
  /** Whether a server answering for `regions` accepts the scope. */
  readonly inRegions: (scope: Scope, regions: readonly string[]) => boolean;
  /** Looks the key up (SigV4: `secretFor`); `undefined` or `null` means an unknown access key id. */
  readonly lookup: (options: VerifyOptions, accessKeyId: string) => unknown;
  /** Checks the signature under what `lookup` found, and returns the verdict (see {@link verdict}). */
  readonly finish: (parsed: Parsed, key: unknown) => VerifyResult | Promise<VerifyResult>;
  /** The scheme's own option names, beside {@link VerifyOptions}'s (for the check of unknown names). */
  readonly optionNames?: readonly string[] | undefined;
}

/** Everything checked before the key is needed; the scheme's `finish` completes the work. */
export interface Parsed {
  readonly signing: Signing<Scheme>;
  readonly signature: string;
  /** The canonical requests that may have been signed, the usual one first. */
  readonly requests: readonly string[];
  /** How many of `requests` cover the session token (the rest are IoT's unsigned-token form). */
  readonly withToken: number;
  readonly backend: HashBackend;
}

/** Checks the request's shape, parameters, policy and clock, and builds its canonical request. */
function parse(input: VerifyRequest, options: VerifyOptions, schemes: readonly Scheme[]): Parsed {
  checkOptions(options, schemes);
  if (typeof input !== 'object' || input === null) refuse('InvalidRequest', 'the request must be an object');
  const method = httpMethod(input.method);
  const header = headerView(input.headers);
  const text = absoluteUrl(input.url, header);
  // splitUrl gets the URL up to its query, and readQuery the query: a gateway meets the same 1 KB
  // query again and again, and only one not met before needs reading at all.
  const mark = text.indexOf('?');
  const url = splitUrl(mark < 0 ? text : text.slice(0, mark));
  const { signing, signature } = readQuery(mark < 0 ? '' : text.slice(mark + 1), schemes);
  const { scope, xAmzDate, signedAt, signedHeaders } = signing;

  if (options.regions !== undefined && !signing.scheme.inRegions(scope, options.regions)) {
    refuse('AuthorizationQueryParametersError', `the region '${scope.region}' is not accepted here`);
  }
  if (options.services !== undefined && !options.services.includes(scope.service)) {
    refuse('AuthorizationQueryParametersError', `the service '${scope.service}' is not accepted here`);
  }
  const maxExpiresIn = options.maxExpiresIn ?? MAX_EXPIRES_IN;
  if (signing.expires > maxExpiresIn) {
    refuse('AuthorizationQueryParametersError', `X-Amz-Expires must be at most ${maxExpiresIn} seconds`);
  }
  for (const wanted of options.requiredSignedHeaders ?? NONE) {
    if (!signedHeaders.includes(wanted.toLowerCase()))
      refuse('RequiredHeaderNotSigned', `the header ${wanted} must be signed`);
  }
  // The host as signed: the Host header when there is one (splitUrl checks it), else the URL's.
  const rawHost = header.get('host');
  const host = rawHost === undefined ? url.host : splitUrl(`${url.scheme}://${rawHost.trim()}/`).host;
  if (options.hosts !== undefined && !servedHosts(options.hosts).has(hostKey(host)!)) {
    refuse('HostNotAllowed', `this URL was signed for ${printable(host)}, which is not served here`);
  }
  if (options.allowUnsignedAmzHeaders !== true) {
    for (const name of header.names()) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-amz-') && !signedHeaders.includes(lower)) {
        refuse('AccessDenied', `There were headers present in the request which were not signed: ${printable(lower)}`);
      }
    }
  }

  // The clock before the secret: a stale URL never costs a key lookup.
  const expiresAt = signedAt + signing.expires * 1000;
  const nowSecond = clockSecond(options.now);
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (signedAt > nowSecond + skew * 1000) {
    refuse('RequestTimeTooSkewed', `X-Amz-Date ${xAmzDate} is more than ${skew} seconds in the future`);
  }
  if (nowSecond > expiresAt) refuse('AccessDenied', `Request has expired (at ${new Date(expiresAt).toISOString()})`);

  const { defaults } = signing;
  const rules: PathRules = {
    uriEscapePath: options.uriEscapePath ?? defaults.uriEscapePath,
    normalizePath: options.normalizePath ?? defaults.normalizePath,
  };
  let signedPayloadHash: string | undefined;
  let commaJoined = false;
  const values: string[] = [];
  for (const name of signedHeaders) {
    // The host has been read by splitUrl, which leaves it canonical.
    const raw = name === 'host' ? host : header.get(name);
    if (raw === undefined) refuse('SignatureDoesNotMatch', `the signed header ${name} is missing from the request`);
    const value = name === 'host' ? raw! : headerValue(name, raw!);
    if (name !== 'host' && headerRule(name) === 'sign-as-payload-hash') signedPayloadHash = value;
    commaJoined ||= header.commaJoined && value.includes(',');
    values.push(value);
  }
  // The payload hashes that may have been signed: a signed header's value, or else the caller's
  // (the body's) and, where the service's default is UNSIGNED-PAYLOAD, that keyword.
  const { payloadHash } = options;
  let payloads: readonly string[];
  if (signedPayloadHash !== undefined) {
    if (payloadHash !== undefined && /^[0-9a-f]{64}$/.test(signedPayloadHash) && payloadHash !== signedPayloadHash) {
      refuse('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    payloads = [signedPayloadHash];
  } else if (payloadHash === undefined || payloadHash === defaults.payloadHash) {
    payloads = [defaults.payloadHash];
  } else {
    payloads = defaults.payloadHash === UNSIGNED_PAYLOAD ? [defaults.payloadHash, payloadHash] : [payloadHash];
  }

  const uri = canonicalUri(wirePath(url.path, rules), rules);
  const block = headerBlock(signedHeaders, values);
  const requests = [canonicalRequest(method, uri, signing.query, block, payloads[0]!)];
  const unsignedToken = signing.sessionToken !== undefined && options.allowUnsignedSessionToken === true;
  if (commaJoined || payloads.length > 1 || unsignedToken) {
    // The other canonical requests that may have been signed: fetch's Headers (and node:http) join
    // repeated headers with ', ' before we see them, where SigV4 joins each value, trimmed, with
    // ',' (a value with a comma may have been several); the other payload hash; the unsigned token.
    const blocks = [block];
    if (commaJoined)
      blocks.push(
        headerBlock(
          signedHeaders,
          values.map((value) => joinHeaderValues(value.split(','))),
        ),
      );
    requests.length = 0;
    for (const b of blocks)
      for (const hash of payloads) requests.push(canonicalRequest(method, uri, signing.query, b, hash));
    const withToken = requests.length;
    if (unsignedToken) {
      for (const b of blocks) {
        for (const hash of payloads) requests.push(canonicalRequest(method, uri, signing.queryWithoutToken, b, hash));
      }
    }
    return { signing, signature, requests, withToken, backend: options.backend ?? defaultBackend() };
  }
  return { signing, signature, requests, withToken: 1, backend: options.backend ?? defaultBackend() };
}

/**
 * The key and scope of the last verification: the shared key cache needs a digest and a string
 * key built on every lookup, while a gateway verifies one signer's URLs one after another.
 */
const keys = new Memo<[backend: HashBackend, secret: string, signing: Signing], { key: PreparedKey; scope: string }>();

/** SigV4's check: HMAC of each candidate canonical request with the secret's signing key, compared in constant time. */
function finishSigV4(parsed: Parsed, secret: unknown): VerifyResult {
  const { signing, backend } = parsed;
  const { scope, xAmzDate } = signing;
  if (typeof secret !== 'string' || secret === '') {
    refuse('InternalError', 'secretFor returned something other than a string, undefined or null');
  }
  const { key, scope: scopeText } = keys.getOf(
    () => ({
      key: signingKey(backend, secret, dateStamp(xAmzDate), scope.region, scope.service),
      scope: credentialScope(xAmzDate, scope.region, scope.service),
    }),
    backend,
    secret,
    signing,
  );
  let matched = -1;
  for (let i = 0; matched < 0 && i < parsed.requests.length; i++) {
    const expected = signCanonicalRequest(backend, key, xAmzDate, scopeText, parsed.requests[i]!).signature;
    if (sameSignature(expected, parsed.signature)) matched = i;
  }
  return verdict(parsed, matched);
}

/**
 * The result once a scheme has checked the signature: `matched` is the index of the canonical
 * request in `parsed.requests` that the signature covers, or -1 for none.
 *
 * @example
 * ```ts
 * return verdict(parsed, parsed.requests.findIndex(isValid));
 * ```
 */
export function verdict(parsed: Parsed, matched: number): VerifySuccess {
  const { scope, sessionToken, signedAt, expires, signedHeaders } = parsed.signing;
  if (matched < 0)
    refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    signedHeaders,
    signedAt: new Date(signedAt),
    expiresAt: new Date(signedAt + expires * 1000),
    sessionToken,
    sessionTokenSigned: sessionToken !== undefined && matched < parsed.withToken,
  };
}

/** SigV4 (`AWS4-HMAC-SHA256`): the root entry's only scheme. */
export const SIGV4: Scheme = {
  algorithm: ALGORITHM,
  readScope: (credential, xAmzDate) => readCredential(credential, xAmzDate),
  isSignature: isSigV4Signature,
  inRegions: (scope, regions) => regions.includes(scope.region),
  lookup: (options, accessKeyId) => options.secretFor(accessKeyId),
  finish: finishSigV4,
};
const SIGV4_ONLY: readonly Scheme[] = [SIGV4];

/** The one check before a scheme's `finish`: an unknown access key id. */
function complete(parsed: Parsed, key: unknown): VerifyResult | Promise<VerifyResult> {
  if (key === undefined || key === null) {
    refuse('InvalidAccessKeyId', `the access key id ${printable(parsed.signing.scope.accessKeyId)} is not known here`);
  }
  return parsed.signing.scheme.finish(parsed, key);
}

/** Turns anything thrown inside the verifier into a failure; foreign errors are not echoed (they might hold a secret). */
function failure(error: unknown, during: string): VerifyFailure {
  if (error instanceof Refusal) return { ok: false, code: error.code, message: error.message };
  if (error instanceof SigV4Error) return { ok: false, code: 'InvalidRequest', message: error.message };
  return { ok: false, code: 'InternalError', message: `${during} threw` };
}

/** What a `secretFor` that threw or rejected gives, whatever it threw. */
const lookupFailed = (): VerifyFailure => ({
  ok: false,
  code: 'InternalError',
  message: 'secretFor threw or rejected',
});

/**
 * Verifies a presigned URL, looking the secret up with `secretFor` (which may return a Promise).
 * Never throws and never rejects.
 *
 * @example
 * ```ts
 * const result = await verifyPresignedUrl(
 *   { method: 'GET', url: 'https://bucket.s3.us-east-1.amazonaws.com/key?X-Amz-Algorithm=...' },
 *   { secretFor: async (id) => (await db.get(id))?.secret, services: ['s3'] },
 * );
 * if (result.ok) console.log(result.accessKeyId, result.expiresAt);
 * else console.log(result.code); // 'SignatureDoesNotMatch', 'AccessDenied', ...
 * ```
 */
export function verifyPresignedUrl(request: VerifyRequest, options: VerifyOptions): Promise<VerifyResult> {
  return verifyWith(SIGV4_ONLY, request, options);
}

/**
 * The verification flow for URLs of any of `schemes` (by `X-Amz-Algorithm`): read, check the
 * policy and the clock, look the key up, let the scheme check the signature. Never throws and
 * never rejects. `sigv4-presign/v4a` runs it with SigV4 and SigV4a. Pass the same array each
 * time: what the verifier remembers is kept per list of schemes.
 *
 * @example
 * ```ts
 * const result = await verifyWith([SIGV4], { method: 'GET', url }, { secretFor: (id) => keys.get(id) });
 * ```
 */
export async function verifyWith(
  schemes: readonly Scheme[],
  request: VerifyRequest,
  options: VerifyOptions,
): Promise<VerifyResult> {
  let parsed: Parsed;
  try {
    parsed = parse(request, options, schemes);
  } catch (error) {
    return failure(error, 'reading the request or the options');
  }
  let key: unknown;
  try {
    key = await parsed.signing.scheme.lookup(options, parsed.signing.scope.accessKeyId);
  } catch {
    return lookupFailed();
  }
  try {
    return await complete(parsed, key);
  } catch (error) {
    return failure(error, 'signing');
  }
}

/**
 * Verifies a presigned URL with a synchronous `secretFor`. Never throws. A `secretFor` that
 * returns a Promise yields `InternalError`: use {@link verifyPresignedUrl} for that.
 *
 * @example
 * ```ts
 * const keys = new Map([['AKIDEXAMPLE', secret]]);
 * const result = verifyPresignedUrlSync({ method: 'GET', url }, { secretFor: (id) => keys.get(id) });
 * ```
 */
export function verifyPresignedUrlSync(request: VerifyRequest, options: VerifySyncOptions): VerifyResult {
  let parsed: Parsed;
  try {
    parsed = parse(request, options, SIGV4_ONLY);
  } catch (error) {
    return failure(error, 'reading the request or the options');
  }
  let secret: unknown;
  try {
    secret = options.secretFor(parsed.signing.scope.accessKeyId);
  } catch {
    return lookupFailed();
  }
  if (typeof (secret as PromiseLike<unknown> | undefined)?.then === 'function') {
    // Nobody awaits it: a rejection must not become an unhandled one, which ends a Node process.
    Promise.resolve(secret).catch(() => {});
    return { ok: false, code: 'InternalError', message: 'secretFor returned a Promise: use verifyPresignedUrl' };
  }
  try {
    return complete(parsed, secret) as VerifyResult; // SigV4's finish is synchronous
  } catch (error) {
    return failure(error, 'signing');
  }
}
