/**
 * Verifies incoming presigned URLs: the signer run on what arrived, then a constant-time compare.
 *
 * The verifier reads every `X-Amz-*` parameter strictly, rebuilds the canonical request with the
 * very functions the signer uses, signs it with the secret that `secretFor` returns and compares
 * the signatures without an early exit. It never throws: every outcome is a {@link VerifyResult},
 * whose failure codes mirror S3's. No result carries the secret or the expected signature.
 *
 * Checks run cheapest first, so that a stale or malformed URL never costs a key lookup:
 * parameters and scope, then the clock, then `secretFor`, then the signature.
 *
 * @example
 * ```ts
 * import { verifyPresignedUrl } from 'sigv4-presign';
 * const result = await verifyPresignedUrl(
 *   { method: request.method, url: request.url, headers: request.headers },
 *   { secretFor: (accessKeyId) => keys.get(accessKeyId), regions: ['us-east-1'], services: ['s3'] },
 * );
 * if (!result.ok) return new Response(result.message, { status: 403 });
 * ```
 * @module
 */
import {
  canonicalHeaders,
  type CanonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  headerName,
  headerValue,
  httpMethod,
  parseQuery,
  wirePath,
  type PathRules,
  type QueryPair,
} from '../core/canonical-request.js';
import { recode } from '../core/encoding.js';
import { SigV4Error } from '../core/errors.js';
import { defaultBackend, type HashBackend, type PreparedKey } from '../core/hash.js';
import { headerRule } from '../core/header-policy.js';
import { EMPTY_SHA256, MAX_EXPIRES_IN, PAYLOAD_HASH, REGION, S3_SERVICE, SERVICE } from '../sign/presign.js';
import { signCanonicalRequest, signingKey } from '../core/signing-key.js';
import { ALGORITHM, credentialScope } from '../core/string-to-sign.js';
import { splitUrl } from '../core/url.js';

/** Request headers: a `Headers` instance or a plain object, names matched case-insensitively. */
export type VerifyHeaders =
  Pick<Headers, 'get'> | Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** The request to check, as it arrived. */
export interface VerifyRequest {
  /** The HTTP method; the standard ones are upper-cased, as fetch does. */
  readonly method: string;
  /** The full URL as received, query included. A string is read verbatim (no dot-segment resolution). */
  readonly url: string | URL;
  /** The request headers. `host` wins over the URL's host; without it the URL's host is used. */
  readonly headers?: VerifyHeaders | undefined;
}

/** Finds the secret access key of an access key id; `undefined` when the id is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined | PromiseLike<string | undefined>;

/** Options of {@link verifyPresignedUrl}. Only `secretFor` is required. */
export interface VerifyOptions {
  /** The secret for an access key id, or `undefined` (→ `InvalidAccessKeyId`). If it throws or rejects → `InternalError`. */
  readonly secretFor: SecretLookup;
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
  /** Accept an `X-Amz-Security-Token` added after signing (IoT's mode). Default false: the token must be signed. */
  readonly allowUnsignedSessionToken?: boolean | undefined;
  /** The payload hash signed. Default `UNSIGNED-PAYLOAD` for S3, the empty-body hash otherwise. */
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
  readonly secretFor: (accessKeyId: string) => string | undefined;
}

/**
 * Why a URL was refused. S3's codes where S3 has one:
 * - `AuthorizationQueryParametersError`: a missing, repeated or malformed `X-Amz-*` parameter,
 *   or a scope outside the allowed regions and services;
 * - `SignatureDoesNotMatch`: the signature is wrong, or a signed header is missing;
 * - `AccessDenied`: the URL has expired;
 * - `InvalidAccessKeyId`: `secretFor` knows no such key;
 * - `RequestTimeTooSkewed`: `X-Amz-Date` lies further in the future than the allowed skew;
 * - `InvalidRequest`: not an HTTP request at all (bad URL, method or header value);
 * - `RequiredHeaderNotSigned` (ours): a header in `requiredSignedHeaders` is not signed;
 * - `InternalError`: the options are invalid, or `secretFor` threw, rejected or returned a non-string.
 */
export type VerifyFailureCode =
  | 'AuthorizationQueryParametersError'
  | 'SignatureDoesNotMatch'
  | 'AccessDenied'
  | 'InvalidAccessKeyId'
  | 'RequestTimeTooSkewed'
  | 'InvalidRequest'
  | 'RequiredHeaderNotSigned'
  | 'InternalError';

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

// Lower-case hex digits; the length is checked apart (cheaper than a pattern that counts to 64).
const HEX = /^[0-9a-f]*$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const EXPIRES = /^[1-9][0-9]{0,6}$/;
// The signer's parameters, spelt as the signer writes them and in canonical order; the last,
// X-Amz-Signature, is the one not signed.
const PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;
/** Where each parameter stands in PARAMETERS. */
const AT = { algorithm: 0, credential: 1, date: 2, expires: 3, token: 4, signedHeaders: 5, signature: 6 } as const;
const SIGNED = 6; // how many of them are signed
const LOWER_CASE = PARAMETERS.map((name) => name.toLowerCase());

/** Raw values of the signer's parameters, by index in PARAMETERS. */
type Parameters = (string | undefined)[];

/** A failure on its way out of the parser: thrown inside the verifier only, caught by the entry points. */
class Refusal {
  constructor(
    readonly code: VerifyFailureCode,
    readonly message: string,
  ) {}
}

/** Stops a verification with a failure: the entry points turn it into a {@link VerifyFailure}. */
export function refuse(code: VerifyFailureCode, message: string): never {
  throw new Refusal(code, message);
}

/** Refuses with `AuthorizationQueryParametersError`. */
export const badParameters = (message: string): never => refuse('AuthorizationQueryParametersError', message);
const badOptions = (message: string): never => refuse('InternalError', `invalid verifier options: ${message}`);

/** Percent-decodes a query value (recoded first, as it was signed) to text; invalid UTF-8 is refused. */
export function decodeValue(name: string, raw: string): string {
  const encoded = recode(raw, false);
  try {
    return encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    return badParameters(`${name} is not valid UTF-8`);
  }
}

/**
 * Reads the raw query as {@link parseQuery} does, into the signer's parameters (raw values, each
 * at most once, in the one spelling) and the other pairs (canonically encoded). One pass of
 * index arithmetic: this runs on every verification.
 */
function splitParameters(query: string): { amz: Parameters; others: QueryPair[] } {
  const amz: Parameters = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  const others: QueryPair[] = [];
  for (let start = 0; start < query.length;) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    let eq = query.indexOf('=', start);
    if (eq < 0 || eq > end) eq = end;
    if (end > start) {
      const rawName = query.slice(start, eq);
      const raw = eq === end ? '' : query.slice(eq + 1, end);
      // A name spelt as the signer writes it is canonical and known already; any other is
      // recoded first, and only one that starts with x or X can be ours under another spelling.
      let index = PARAMETERS.indexOf(rawName as (typeof PARAMETERS)[number]);
      const name = index < 0 ? recode(rawName, false) : rawName;
      if (index < 0) index = PARAMETERS.indexOf(name as (typeof PARAMETERS)[number]);
      if (index < 0 && (name.charCodeAt(0) | 0x20) === 0x78) {
        index = LOWER_CASE.indexOf(name.toLowerCase());
        if (index >= 0) badParameters(`${name} must be spelt ${PARAMETERS[index]}`);
      }
      if (index < 0) others.push([name, recode(raw, false)]);
      else if (amz[index] !== undefined) badParameters(`${name} appears more than once`);
      else amz[index] = raw;
    }
    start = end + 1;
  }
  return { amz, others };
}

/** The decoded value of a parameter that must be there. */
function required(amz: Parameters, index: number): string {
  const raw = amz[index];
  if (raw === undefined) return badParameters(`${PARAMETERS[index]} is missing: this is not a SigV4 presigned URL`);
  return decodeValue(PARAMETERS[index]!, raw);
}

/** Parses `YYYYMMDDTHHMMSSZ` into an instant, refusing impossible fields (February 30, hour 24, second 60). */
function parseAmzDate(value: string): Date {
  const fields = AMZ_DATE.exec(value);
  if (fields === null) return badParameters('X-Amz-Date must have the form YYYYMMDDTHHMMSSZ');
  const [year, month, day, hour, minute, second] = fields.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  // Out-of-range fields roll over (February 30 becomes March 2, hour 24 the next day): a field
  // that does not read back was not a real one.
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    badParameters(`X-Amz-Date ${value} is not a real instant`);
  }
  return date;
}

/** Who signed, and for what: read from `X-Amz-Credential` (and, for SigV4a, `X-Amz-Region-Set`). */
export interface Scope {
  readonly accessKeyId: string;
  /** The scope's region; for SigV4a, the region set as signed (`*`, `us-east-1,eu-west-1`). */
  readonly region: string;
  readonly service: string;
}

/**
 * What one signing algorithm decides in the verifier; the flow around it (parameters, policy,
 * clock, headers, canonical request, the key lookup's errors, the result) is shared. SigV4's is
 * {@link SIGV4}; `sigv4-presign/v4a` adds SigV4a's.
 */
export interface Scheme {
  /** `X-Amz-Algorithm`. */
  readonly algorithm: string;
  /** Reads `X-Amz-Credential`, and the scheme's own parameters among the `others` (canonically encoded). */
  readonly readScope: (credential: string, xAmzDate: string, others: readonly QueryPair[]) => Scope;
  /** Whether `X-Amz-Signature`'s raw value has the scheme's form. */
  readonly isSignature: (raw: string) => boolean;
  /** Whether a server answering for `regions` accepts the scope. */
  readonly inRegions: (scope: Scope, regions: readonly string[]) => boolean;
  /** Looks the key up (SigV4: `secretFor`); `undefined` means an unknown access key id. */
  readonly lookup: (options: VerifyOptions, accessKeyId: string) => unknown;
  /** Checks the signature under what `lookup` found (not `undefined`), and returns the verdict. */
  readonly finish: (parsed: Parsed, key: unknown) => VerifyResult | Promise<VerifyResult>;
}

/** Reads `X-Amz-Credential`: `<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request`. */
function parseCredential(value: string, xAmzDate: string): Scope {
  const parts = value.split('/');
  const [day, region, service, terminator] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (parts.length < 5 || accessKeyId === '' || terminator !== 'aws4_request') {
    badParameters('X-Amz-Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request');
  }
  if (day !== xAmzDate.slice(0, 8))
    badParameters(`the credential date ${day} is not the day of X-Amz-Date ${xAmzDate}`);
  if (!REGION.test(region)) badParameters('the credential region is malformed');
  if (!SERVICE.test(service)) badParameters('the credential service is malformed');
  return { accessKeyId, region, service };
}

/** Reads `X-Amz-SignedHeaders`: lower-case names, sorted, no repeats, `host` among them. */
function parseSignedHeaders(value: string): string[] {
  const names = value.split(';');
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name === '' || !isHeaderName(name) || name !== name.toLowerCase()) {
      badParameters('X-Amz-SignedHeaders must list lower-case header names separated by ";"');
    }
    if (i > 0 && !(names[i - 1]! < name)) badParameters('X-Amz-SignedHeaders must be sorted, without repeats');
  }
  if (!names.includes('host')) badParameters('X-Amz-SignedHeaders must include host');
  return names;
}

function isHeaderName(name: string): boolean {
  try {
    headerName(name);
    return true;
  } catch {
    return false;
  }
}

const noHeaders = () => undefined;
const NONE: readonly string[] = [];

/** Reads request headers into a case-insensitive lookup; repeated names are joined with `,`. */
function headerLookup(headers: VerifyHeaders | undefined): (name: string) => string | undefined {
  if (headers === undefined) return noHeaders;
  if (typeof headers !== 'object' || headers === null)
    return refuse('InvalidRequest', 'headers must be an object or a Headers');
  if (typeof headers.get === 'function') {
    const instance = headers as Pick<Headers, 'get'>;
    return (name) => instance.get(name) ?? undefined;
  }
  const byName = new Map<string, string>();
  for (const [rawName, raw] of Object.entries(headers as Record<string, unknown>)) {
    if (raw === undefined) continue;
    const values: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string' && typeof value !== 'number') {
        refuse('InvalidRequest', `header ${rawName} must be a string, a number or an array of strings`);
      }
      const name = rawName.toLowerCase();
      const previous = byName.get(name);
      byName.set(name, previous === undefined ? String(value) : previous + ',' + String(value));
    }
  }
  return (name) => byName.get(name);
}

function checkOptions(options: VerifyOptions): void {
  if (typeof options !== 'object' || options === null) badOptions('options must be an object');
  if (typeof options.secretFor !== 'function') badOptions('secretFor must be a function');
  const { now, clockSkewSeconds, maxExpiresIn, payloadHash } = options;
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime())))
    badOptions('now must be a valid Date');
  if (clockSkewSeconds !== undefined && !(Number.isInteger(clockSkewSeconds) && clockSkewSeconds >= 0)) {
    badOptions('clockSkewSeconds must be a non-negative integer');
  }
  if (
    maxExpiresIn !== undefined &&
    !(Number.isInteger(maxExpiresIn) && maxExpiresIn >= 1 && maxExpiresIn <= MAX_EXPIRES_IN)
  ) {
    badOptions(`maxExpiresIn must be an integer in 1..${MAX_EXPIRES_IN}`);
  }
  if (payloadHash !== undefined && !(typeof payloadHash === 'string' && PAYLOAD_HASH.test(payloadHash))) {
    badOptions('payloadHash must be 64 lower-case hex digits or a keyword such as UNSIGNED-PAYLOAD');
  }
  checkList('regions', options.regions);
  checkList('services', options.services);
  checkList('requiredSignedHeaders', options.requiredSignedHeaders);
}

function checkList(name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
    badOptions(`${name} must be an array of strings`);
  }
}

/**
 * What a query says, but its signature: the signer's parameters read and checked, and the
 * canonical query built. A gateway sees the same credential, date, validity and session token on
 * URL after URL, and a 1 KB token costs more to read than a SHA-256, so the last one is kept,
 * keyed on the query's text up to the signature.
 */
export interface Signing {
  readonly scheme: Scheme;
  readonly scope: Scope;
  readonly xAmzDate: string;
  /** `X-Amz-Date` in milliseconds: a number, because a remembered Date could be changed by a caller. */
  readonly signedAt: number;
  readonly expires: number;
  /** Frozen: every result shares it. */
  readonly signedHeaders: readonly string[];
  readonly sessionToken: string | undefined;
  /** Whether the service follows S3's path rules and payload default. */
  readonly isS3: boolean;
  /** The canonical query, with and without the session token. */
  readonly query: string;
  readonly queryWithoutToken: string;
}

function readSigning(amz: Parameters, others: QueryPair[], schemes: readonly Scheme[]): Signing {
  const algorithm = required(amz, AT.algorithm);
  const scheme =
    schemes.find((known) => known.algorithm === algorithm) ??
    badParameters(`X-Amz-Algorithm must be ${schemes.map((known) => known.algorithm).join(' or ')}`);
  const xAmzDate = required(amz, AT.date);
  const signedAt = parseAmzDate(xAmzDate);
  const scope = scheme.readScope(required(amz, AT.credential), xAmzDate, others);
  const expires = required(amz, AT.expires);
  if (!EXPIRES.test(expires)) badParameters('X-Amz-Expires must be a positive integer number of seconds');
  const signedHeaders = parseSignedHeaders(required(amz, AT.signedHeaders));
  const token = amz[AT.token];
  // PARAMETERS is in canonical order, so with no other parameters the pairs join as they are.
  const pairs = amz
    .slice(0, SIGNED)
    .flatMap((value, i): QueryPair[] => (value === undefined ? [] : [[PARAMETERS[i]!, recode(value, false)]]));
  const pairsWithoutToken = pairs.filter(([name]) => name !== PARAMETERS[AT.token]);
  const join = (signed: QueryPair[]) => canonicalQuery(others.length === 0 ? signed : others.concat(signed));
  return {
    scheme,
    scope,
    xAmzDate,
    signedAt: signedAt.getTime(),
    expires: Number(expires),
    signedHeaders: Object.freeze(signedHeaders),
    sessionToken: token === undefined ? undefined : decodeValue(PARAMETERS[AT.token], token),
    isS3: S3_SERVICE.test(scope.service),
    query: join(pairs),
    queryWithoutToken: join(pairsWithoutToken),
  };
}

/** The last SigV4 query read whose signature came last, up to its signature value, and what it says. */
let lastQuery: { readonly prefix: string; readonly signing: Signing } | undefined;

/** Reads the query of `url` (its text after the first `?`): the signature and everything else it says. */
function readQuery(url: string, query: string, schemes: readonly Scheme[]): { signing: Signing; signature: string } {
  // The same text before the final 64 characters reads the same, and those characters are then
  // X-Amz-Signature's whole value: when they are a valid one, nothing else needs reading.
  // (A slice compared with === is a memory compare; startsWith goes character by character.)
  const prefixLength = query.length - 64;
  if (
    lastQuery !== undefined &&
    lastQuery.prefix.length === prefixLength &&
    query.slice(0, prefixLength) === lastQuery.prefix
  ) {
    const signature = query.slice(prefixLength);
    if (HEX.test(signature)) return { signing: lastQuery.signing, signature };
  }
  splitUrl(url); // a query not met before: its characters are checked as in every URL
  const { amz, others } = splitParameters(query);
  const signing = readSigning(amz, others, schemes);
  // Read raw: lower-case hex digits need no decoding, and no other spelling is accepted.
  const signature = amz[AT.signature] ?? badParameters('X-Amz-Signature is missing: this is not a SigV4 presigned URL');
  if (!signing.scheme.isSignature(signature))
    badParameters(`X-Amz-Signature is not a ${signing.scheme.algorithm} signature in lower-case hex`);
  // Only SigV4's signatures have the fixed length that the fast path above relies on.
  if (signing.scheme === SIGV4 && query.endsWith('X-Amz-Signature=' + signature))
    lastQuery = { prefix: query.slice(0, prefixLength), signing };
  return { signing, signature };
}

/** Everything checked before the key is needed; the scheme's `finish` completes the work. */
export interface Parsed {
  readonly signing: Signing;
  readonly signature: string;
  /** The canonical request with the token in the canonical query (the default mode). */
  readonly request: string;
  /** The canonical request without the token, when an unsigned token may be accepted. */
  readonly requestWithoutToken: string | undefined;
  readonly backend: HashBackend;
}

/** The canonical headers of the last request: a gateway sees the same host (and the same signed values) again and again. */
let lastHeaders:
  | { readonly names: readonly string[]; readonly values: readonly string[]; readonly block: CanonicalHeaders }
  | undefined;

/** The canonical headers for these signed names and canonical values, built once while they stay the same. */
function headerBlock(names: readonly string[], values: readonly string[]): CanonicalHeaders {
  let same = lastHeaders?.names === names;
  for (let i = 0; same && i < values.length; i++) same = values[i] === lastHeaders!.values[i];
  if (!same)
    lastHeaders = { names, values, block: canonicalHeaders(new Map(names.map((name, i) => [name, values[i]!]))) };
  return lastHeaders!.block;
}

/** Checks the request's shape, parameters, scope and clock, and builds its canonical request. */
function parse(input: VerifyRequest, options: VerifyOptions, schemes: readonly Scheme[]): Parsed {
  checkOptions(options);
  if (typeof input !== 'object' || input === null) refuse('InvalidRequest', 'the request must be an object');
  const method = httpMethod(input.method);
  // splitUrl gets the URL up to its query, and readQuery the query: a gateway meets the same 1 KB
  // query again and again, and only one not met before needs reading (or checking) at all.
  const text = input.url instanceof URL ? input.url.href : input.url;
  const mark = typeof text === 'string' ? text.indexOf('?') : -1;
  const url = splitUrl(mark < 0 ? text : text.slice(0, mark));
  const query = mark < 0 ? '' : text.slice(mark + 1);
  const header = headerLookup(input.headers);

  const { signing, signature } = readQuery(text, query, schemes);
  const { scope, xAmzDate, signedAt, signedHeaders } = signing;
  if (options.regions !== undefined && !signing.scheme.inRegions(scope, options.regions)) {
    badParameters(`the region '${scope.region}' is not accepted here`);
  }
  if (options.services !== undefined && !options.services.includes(scope.service)) {
    badParameters(`the service '${scope.service}' is not accepted here`);
  }
  const maxExpiresIn = options.maxExpiresIn ?? MAX_EXPIRES_IN;
  if (signing.expires > maxExpiresIn) badParameters(`X-Amz-Expires must be at most ${maxExpiresIn} seconds`);
  for (const wanted of options.requiredSignedHeaders ?? NONE) {
    if (!signedHeaders.includes(wanted.toLowerCase()))
      refuse('RequiredHeaderNotSigned', `the header ${wanted} must be signed`);
  }

  // The clock before the secret: a stale URL never costs a key lookup.
  const expiresAt = signedAt + signing.expires * 1000;
  const nowSecond = Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (signedAt > nowSecond + skew * 1000) {
    refuse('RequestTimeTooSkewed', `X-Amz-Date ${xAmzDate} is more than ${skew} seconds in the future`);
  }
  if (nowSecond > expiresAt) refuse('AccessDenied', `Request has expired (at ${new Date(expiresAt).toISOString()})`);

  const { isS3 } = signing;
  const rules: PathRules = {
    uriEscapePath: options.uriEscapePath ?? !isS3,
    normalizePath: options.normalizePath ?? !isS3,
  };
  let payloadHash = options.payloadHash ?? (isS3 ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256);
  const values = signedHeaders.map((name) => {
    const raw = header(name);
    if (raw === undefined && name !== 'host')
      refuse('SignatureDoesNotMatch', `the signed header ${name} is missing from the request`);
    // Without a Host header the URL's host is used, which splitUrl has already checked.
    const value = raw === undefined ? url.host : headerValue(name, raw);
    if (headerRule(name) === 'sign-as-payload-hash') payloadHash = value;
    return value;
  });

  const uri = canonicalUri(wirePath(url.path, rules), rules);
  const canonical = headerBlock(signedHeaders, values);
  return {
    signing,
    signature,
    request: canonicalRequest(method, uri, signing.query, canonical, payloadHash),
    requestWithoutToken:
      signing.sessionToken !== undefined && options.allowUnsignedSessionToken === true
        ? canonicalRequest(method, uri, signing.queryWithoutToken, canonical, payloadHash)
        : undefined,
    backend: options.backend ?? defaultBackend(),
  };
}

/** Compares two 64-digit hex strings in time independent of where they differ: no early exit. */
function sameSignature(expected: string, given: string): boolean {
  let difference = expected.length ^ given.length;
  for (let i = 0; i < 64; i++) difference |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return difference === 0;
}

// The key and scope of the last verification: the shared key cache needs a string key built on
// every lookup, while a gateway verifies one signer's URLs one after another.
let lastKey: { backend: HashBackend; secret: string; signing: Signing; key: PreparedKey; scope: string } | undefined;

/** The prepared signing key and credential scope for `signing` under `secret`. */
function keyFor(backend: HashBackend, secret: string, signing: Signing) {
  if (lastKey?.backend !== backend || lastKey.secret !== secret || lastKey.signing !== signing) {
    const { xAmzDate, scope } = signing;
    lastKey = {
      backend,
      secret,
      signing,
      key: signingKey(backend, secret, xAmzDate.slice(0, 8), scope.region, scope.service),
      scope: credentialScope(xAmzDate, scope.region, scope.service),
    };
  }
  return lastKey;
}

/** Signs the canonical request with the secret and compares; tries the unsigned-token form when allowed. */
function finish(parsed: Parsed, secret: unknown): VerifyResult {
  const { signing, backend } = parsed;
  const { xAmzDate } = signing;
  if (typeof secret !== 'string' || secret === '')
    refuse('InternalError', 'secretFor returned something other than a non-empty string');
  const { key, scope: scopeText } = keyFor(backend, secret, signing);
  const matches = (request: string) =>
    sameSignature(signCanonicalRequest(backend, key, xAmzDate, scopeText, request).signature, parsed.signature);
  const signed = matches(parsed.request);
  return verdict(
    parsed,
    signed,
    !signed && parsed.requestWithoutToken !== undefined && matches(parsed.requestWithoutToken),
  );
}

/**
 * The result once a scheme has checked the signature: over the canonical request with the
 * token (`signed`), or, when an unsigned token is allowed, without it (`unsigned`).
 */
export function verdict(parsed: Parsed, signed: boolean, unsigned: boolean): VerifySuccess {
  const { scope, sessionToken } = parsed.signing;
  if (!signed && !unsigned)
    refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    signedHeaders: parsed.signing.signedHeaders,
    signedAt: new Date(parsed.signing.signedAt),
    expiresAt: new Date(parsed.signing.signedAt + parsed.signing.expires * 1000),
    sessionToken,
    sessionTokenSigned: sessionToken !== undefined && signed,
  };
}

/** SigV4 (`AWS4-HMAC-SHA256`): the root entry's only scheme. */
export const SIGV4: Scheme = {
  algorithm: ALGORITHM,
  readScope: parseCredential,
  isSignature: (raw) => raw.length === 64 && HEX.test(raw),
  inRegions: (scope, regions) => regions.includes(scope.region),
  lookup: (options, accessKeyId) => options.secretFor(accessKeyId),
  finish,
};

/** The one check before a scheme's `finish`: an unknown access key id. */
function complete(parsed: Parsed, key: unknown): VerifyResult | Promise<VerifyResult> {
  if (key === undefined)
    refuse('InvalidAccessKeyId', `the access key id ${parsed.signing.scope.accessKeyId} is not known here`);
  return parsed.signing.scheme.finish(parsed, key);
}

/** Turns anything thrown inside the verifier into a failure; foreign errors are not echoed (they might hold a secret). */
function failure(error: unknown, during: string): VerifyFailure {
  if (error instanceof Refusal) return { ok: false, code: error.code, message: error.message };
  if (error instanceof SigV4Error) return { ok: false, code: 'InvalidRequest', message: error.message };
  return { ok: false, code: 'InternalError', message: `${during} threw` };
}

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
  return verifyWith([SIGV4], request, options);
}

/**
 * The verification flow for URLs of any of `schemes` (by `X-Amz-Algorithm`): read, check the
 * policy and the clock, look the key up, let the scheme check the signature. Never throws and
 * never rejects. `sigv4-presign/v4a` runs it with SigV4 and SigV4a.
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
  } catch (error) {
    return failure(error, 'secretFor');
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
    parsed = parse(request, options, [SIGV4]);
  } catch (error) {
    return failure(error, 'reading the request or the options');
  }
  try {
    const secret: unknown = options.secretFor(parsed.signing.scope.accessKeyId);
    if (typeof (secret as PromiseLike<unknown> | undefined)?.then === 'function') {
      // Nobody awaits it: a rejection must not become an unhandled one, which ends a Node process.
      Promise.resolve(secret).catch(() => {});
      return { ok: false, code: 'InternalError', message: 'secretFor returned a Promise: use verifyPresignedUrl' };
    }
    return complete(parsed, secret) as VerifyResult; // SigV4's finish is synchronous
  } catch (error) {
    return failure(error, 'secretFor or signing');
  }
}
