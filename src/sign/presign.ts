/**
 * Task 4 of SigV4 in query mode: validate the options, canonicalise, sign and assemble the
 * presigned URL.
 *
 * @example
 * ```ts
 * const url = presign({
 *   method: 'GET',
 *   url: 'https://examplebucket.s3.amazonaws.com/test.txt',
 *   region: 'us-east-1',
 *   service: 's3',
 *   credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: '...' },
 *   expiresIn: 86400,
 * });
 * ```
 * @module
 */
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  headerName,
  headerValue,
  httpMethod,
  parseQuery,
  wirePath,
  type PathRules,
} from '../core/canonical-request.js';
import { toHex, uriEncode } from '../core/encoding.js';
import { SigV4Error, type SigV4ErrorCode } from '../core/errors.js';
import { defaultBackend, type HashBackend } from '../core/hash.js';
import { headerRule } from '../core/header-policy.js';
import { signCanonicalRequest, signingKey, type SignedParts } from '../core/signing-key.js';
import { ALGORITHM, amzDate, credentialScope } from '../core/string-to-sign.js';
import { sha256 } from '../core/sha256.js';
import { splitUrl } from '../core/url.js';

/** AWS credentials. Only `accessKeyId` ever appears in a URL or a message. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** STS session token; an empty string counts as none. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working: a URL must not outlive them. */
  readonly expiration?: Date | undefined;
}

/** Header values: a string, a number (`content-length`), or several values joined with `,`. */
export type HeaderValue = string | number | readonly string[] | undefined;

/** What to presign. Only `method`, `url`, `region`, `service` and `credentials` are required. */
export interface PresignOptions {
  /** Any HTTP method; the standard ones are upper-cased, as fetch does. */
  readonly method: string;
  /**
   * The request URL. A string is read verbatim, with the path as it goes on the wire
   * (percent-encoded); dot segments are kept. A `URL` object has already resolved them.
   */
  readonly url: string | URL;
  /** Signing region, such as `us-east-1` or `auto` (R2). */
  readonly region: string;
  /** Signing name of the service, such as `s3`, `execute-api` or `rds-db`. */
  readonly service: string;
  readonly credentials: Credentials;
  /** Seconds the URL stays valid: an integer in 1..604800. Default 900. */
  readonly expiresIn?: number | undefined;
  /** The signing instant (`X-Amz-Date`). Default now. */
  readonly signingDate?: Date | undefined;
  /**
   * Headers the client will send. All are signed (but the few hop-level ones in the header policy);
   * `host` is always signed, from the URL.
   */
  readonly headers?: Readonly<Record<string, HeaderValue>> | undefined;
  /** Default `UNSIGNED-PAYLOAD` for S3, the SHA-256 of an empty body otherwise. */
  readonly payloadHash?: string | undefined;
  /** Encode the wire path once more for the canonical URI. Default: true for every service but S3. */
  readonly uriEscapePath?: boolean | undefined;
  /** Remove dot segments and `//` runs before signing. Default: true for every service but S3. */
  readonly normalizePath?: boolean | undefined;
  /** `signed` (default): the token is in the canonical query. `appended`: added after signing (IoT). */
  readonly sessionTokenMode?: 'signed' | 'appended' | undefined;
  /**
   * When `credentials.expiration` comes before the URL would expire: `reject` (default) throws
   * `CREDENTIALS_EXPIRE_TOO_SOON`; `clamp` shortens `expiresIn` to the credentials' lifetime.
   */
  readonly credentialExpiry?: 'reject' | 'clamp' | undefined;
  /** SHA-256/HMAC implementation. Default: node:crypto in Node, pure JS elsewhere. */
  readonly backend?: HashBackend | undefined;
}

/** The options that describe the request itself, which SigV4 and SigV4a read alike. */
export type RequestOptions = Pick<
  PresignOptions,
  'method' | 'url' | 'headers' | 'payloadHash' | 'uriEscapePath' | 'normalizePath'
>;

/** A presigned URL together with every intermediate step, for debugging `SignatureDoesNotMatch`. */
export interface PresignResult {
  readonly url: string;
  readonly method: string;
  /** Headers the client must send, with these exact values (host is left to the client). */
  readonly headers: Readonly<Record<string, string>>;
  /** The signed header names, lower-case and sorted; always includes `host`. */
  readonly signedHeaders: readonly string[];
  readonly expiresIn: number;
  /** The last instant at which the URL is accepted. */
  readonly expiresAt: Date;
  readonly canonicalRequest: string;
  readonly credentialScope: string;
  readonly stringToSign: string;
  readonly signature: string;
}

/** The longest validity SigV4 allows: seven days. */
export const MAX_EXPIRES_IN = 604800;
/** The default validity: fifteen minutes. */
export const DEFAULT_EXPIRES_IN = 900;
/** Services that follow S3's path rules and its `UNSIGNED-PAYLOAD` default: s3, s3-object-lambda, s3-outposts, s3express. */
export const S3_SERVICE = /^s3(?:|-object-lambda|-outposts|express)$/;
/** Hex SHA-256 of the empty string (`e3b0c442…b855`): the payload hash of a bodiless request. */
export const EMPTY_SHA256 = toHex(sha256(new Uint8Array(0)));
/** A signing region: a non-empty run of `a-z 0-9 -` (`us-east-1`, `auto`). */
export const REGION = /^[a-z0-9-]+$/;
/** A service's signing name (`s3`, `execute-api`, `rds-db`). */
export const SERVICE = /^[a-z0-9._-]+$/;
/** A payload hash: lower-case hex SHA-256, or a keyword such as `UNSIGNED-PAYLOAD`. */
export const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|[A-Z0-9-]+)$/;
/** The query parameters that the signer writes (any case); a URL to sign may not carry them. */
export const RESERVED_PARAMETER =
  /^x-amz-(?:algorithm|credential|date|expires|region-set|security-token|signedheaders|signature)$/i;

function fail(code: SigV4ErrorCode, message: string): never {
  throw new SigV4Error(code, message);
}

/** Returns `value` when `ok`, else throws. Messages never echo a value: it might be a secret. */
export function check<T>(value: unknown, ok: boolean, code: SigV4ErrorCode, message: string): T {
  return ok ? (value as T) : fail(code, message);
}

export const isText = (value: unknown, pattern: RegExp): value is string =>
  typeof value === 'string' && pattern.test(value);

/** Checks the signing region, which must be a non-empty run of `a-z 0-9 -` (`us-east-1`, `auto`). */
export const checkRegion = (region: unknown): string =>
  check(region, isText(region, REGION), 'INVALID_REGION', 'region must be a name such as us-east-1 or auto');

/** Checks the credentials' fields; never echoes a value. */
export function checkCredentials(credentials: Credentials | undefined): Credentials {
  const c = credentials ?? ({} as Credentials);
  const bad = (field: string, should: string) => fail('INVALID_CREDENTIALS', `credentials.${field} must be ${should}`);
  for (const field of ['accessKeyId', 'secretAccessKey'] as const)
    if (!isText(c[field], /[^]/)) bad(field, 'a non-empty string'); // [^]: any character
  if (c.sessionToken !== undefined && typeof c.sessionToken !== 'string') bad('sessionToken', 'a string');
  const { expiration } = c;
  if (expiration !== undefined && !(expiration instanceof Date && expiration.getTime() === expiration.getTime()))
    bad('expiration', 'a valid Date');
  return c;
}

/** An optional boolean option, or its default. */
const flag = (name: string, value: unknown, fallback: boolean): boolean =>
  value === undefined
    ? fallback
    : check(value, typeof value === 'boolean', 'INVALID_OPTION', `${name} must be a boolean`);

/** An optional option from a fixed list; the first entry is the default. */
export const oneOf = <T extends string>(name: string, value: unknown, allowed: readonly [T, ...T[]]): T =>
  value === undefined
    ? allowed[0]
    : check(value, allowed.includes(value as T), 'INVALID_OPTION', `${name} must be '${allowed.join("' or '")}'`);

/** Checks a service's signing name (`s3`, `execute-api`, `rds-db`). */
export const checkService = (service: unknown): string =>
  check(service, isText(service, SERVICE), 'INVALID_SERVICE', 'service must be a signing name such as s3');

/**
 * The URL's validity in seconds: `expiresIn` checked, then fitted to the credentials' expiration
 * by the `credentialExpiry` policy. `signedAt` is the start of the `X-Amz-Date` second.
 */
export function validity(
  options: Pick<PresignOptions, 'expiresIn' | 'credentialExpiry' | 'credentials'>,
  signedAt: number,
): number {
  const requested = options.expiresIn ?? DEFAULT_EXPIRES_IN;
  const inRange = Number.isInteger(requested) && requested >= 1 && requested <= MAX_EXPIRES_IN;
  if (!inRange) fail('INVALID_EXPIRES_IN', `expiresIn must be whole seconds in 1..${MAX_EXPIRES_IN}`);
  const policy = oneOf('credentialExpiry', options.credentialExpiry, ['reject', 'clamp']);
  return fitToCredentials(requested, signedAt, options.credentials.expiration, policy);
}

/** Shortens or refuses a validity that the credentials would not outlive. */
function fitToCredentials(
  expiresIn: number,
  signedAt: number,
  expiration: Date | undefined,
  policy: 'reject' | 'clamp',
): number {
  if (expiration === undefined) return expiresIn;
  const lifetime = Math.floor((expiration.getTime() - signedAt) / 1000);
  if (lifetime >= expiresIn) return expiresIn;
  if (policy === 'clamp' && lifetime >= 1) return lifetime;
  return fail(
    'CREDENTIALS_EXPIRE_TOO_SOON',
    `the credentials expire at ${expiration.toISOString()}, before the URL` +
      (lifetime >= 1 ? `: use expiresIn <= ${lifetime} or credentialExpiry 'clamp'` : ''),
  );
}

interface RequestHeaders {
  /** Lower-case name to canonical value, `host` included. */
  readonly signed: Map<string, string>;
  /** Headers the client must send: the signed ones but `host`, and the unsigned ones. */
  readonly send: Record<string, string>;
  /** The value of a header that is the payload hash (`x-amz-content-sha256`), if any. */
  payloadHash?: string;
}

/** Reads the headers to sign, by the header policy; `host` comes from the URL. */
function readHeaders(host: string, headers: PresignOptions['headers']): RequestHeaders {
  const result: RequestHeaders = { signed: new Map([['host', host]]), send: {} };
  if (headers === undefined) return result;
  if (typeof headers !== 'object' || headers === null) fail('INVALID_OPTION', 'headers must be an object');
  for (const [rawName, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const name = headerName(rawName);
    const rule = headerRule(name);
    if (rule === 'reject') fail('INVALID_HEADER_NAME', `header ${name} is the signer's to write (see HEADER_POLICY)`);
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const text = check<string | number>(
        value,
        typeof value === 'string' || typeof value === 'number',
        'INVALID_HEADER_VALUE',
        `header ${name} must be a string`,
      );
      const canonical = headerValue(name, String(text));
      const previous = result.send[name];
      result.send[name] = previous === undefined ? canonical : previous + ',' + canonical;
    }
    if (rule !== 'leave-unsigned') result.signed.set(name, result.send[name]!);
    if (rule === 'sign-as-payload-hash') result.payloadHash = result.send[name]!;
  }
  return result;
}

function choosePayloadHash(option: unknown, fromHeader: string | undefined, isS3: boolean): string {
  const bad = (why: string) => fail('INVALID_PAYLOAD_HASH', `payloadHash ${why}`);
  if (option !== undefined && !isText(option, PAYLOAD_HASH)) bad('must be lower-case hex SHA-256 or UNSIGNED-PAYLOAD');
  if (fromHeader !== undefined && option !== undefined && option !== fromHeader)
    bad('differs from the x-amz-content-sha256 header');
  return (option as string | undefined) ?? fromHeader ?? (isS3 ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256);
}

/**
 * What a presign needs that does not depend on the request: the validated scope, date and
 * validity, the signer's own query parameters and how to sign. SigV4a's signer (./v4a.ts) builds
 * one of its own and shares the rest of the work through {@link presignInContext}.
 */
export interface RequestContext {
  readonly xAmzDate: string;
  readonly scope: string;
  readonly isS3: boolean;
  /** Start of the second that `X-Amz-Date` names, in milliseconds. */
  readonly signedAt: number;
  readonly expiresIn: number;
  /** The signer's query parameters but `X-Amz-SignedHeaders`, in canonical order. */
  readonly query: string;
  /** `&X-Amz-Security-Token=…` for a token added after signing, else ''. */
  readonly appendedToken: string;
  /** The string to sign and the signature of a canonical request. */
  readonly sign: (canonicalRequest: string) => SignedParts;
}

/**
 * SigV4's context. A server signing in a loop repeats all of it, so the last one is kept while
 * its inputs stay the same.
 */
interface Context extends RequestContext {
  /** The option values it was built from, compared on the next call. */
  readonly inputs: readonly unknown[];
}

let last: Context | undefined;

function buildContext(options: PresignOptions, inputs: unknown[], date: Date): Context {
  const region = checkRegion(options.region);
  const service = checkService(options.service);
  const { accessKeyId, secretAccessKey, sessionToken } = checkCredentials(options.credentials);
  const xAmzDate = amzDate(date);
  const signedAt = Math.floor(date.getTime() / 1000) * 1000;
  const expiresIn = validity(options, signedAt);
  const tokenMode = oneOf('sessionTokenMode', options.sessionTokenMode, ['signed', 'appended']);
  const backend = inputs[0] as HashBackend;
  check(backend, typeof backend?.hmacHex === 'function', 'INVALID_OPTION', 'backend must be a HashBackend');

  const dateStamp = xAmzDate.slice(0, 8);
  // The token's parameter, signed or appended after signing; '' counts as no token.
  const token = sessionToken ? `&X-Amz-Security-Token=${uriEncode(sessionToken, false)}` : '';
  const scope = credentialScope(xAmzDate, region, service);
  // The signer's parameters in canonical order.
  let query =
    `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${uriEncode(accessKeyId + '/' + scope, false)}` +
    `&X-Amz-Date=${xAmzDate}&X-Amz-Expires=${expiresIn}`;
  if (tokenMode === 'signed') query += token;
  const key = signingKey(backend, secretAccessKey, dateStamp, region, service);
  return {
    inputs,
    xAmzDate,
    scope,
    sign: (request) => signCanonicalRequest(backend, key, xAmzDate, scope, request),
    isS3: S3_SERVICE.test(service),
    signedAt,
    expiresIn,
    query,
    appendedToken: tokenMode === 'appended' ? token : '',
  };
}

/** The context for these options: the last one when every input is the same, else a new one. */
function contextFor(options: PresignOptions): Context {
  const { credentials: c, signingDate = new Date() } = options;
  const inputs = [
    options.backend ?? defaultBackend(),
    c?.accessKeyId,
    c?.secretAccessKey,
    c?.sessionToken,
    c?.expiration,
    // A Date can change under the same identity; its time is part of the key too.
    c?.expiration?.valueOf?.(),
    options.region,
    options.service,
    options.expiresIn,
    signingDate instanceof Date ? Math.floor(signingDate.getTime() / 1000) : NaN,
    options.credentialExpiry,
    options.sessionTokenMode,
  ];
  for (let i = 0; last !== undefined && i < inputs.length; i++) if (inputs[i] !== last.inputs[i]) last = undefined;
  return (last ??= buildContext(options, inputs, signingDate));
}

/**
 * Presigns a request and returns the URL with every intermediate step.
 * Throws {@link SigV4Error} for invalid options; never returns a URL that cannot work.

 *
 * @example
 * ```ts
 * const { url, headers, canonicalRequest, stringToSign } = presignDetailed({
 *   method: 'PUT', url: 'https://bucket.s3.eu-west-1.amazonaws.com/upload.png', region: 'eu-west-1',
 *   service: 's3', credentials, headers: { 'content-type': 'image/png' },
 * });
 * await fetch(url, { method: 'PUT', headers, body }); // headers: { 'content-type': 'image/png' }
 * ```
 */
export function presignDetailed(options: PresignOptions): PresignResult {
  check(options, typeof options === 'object' && options !== null, 'INVALID_OPTION', 'options must be an object');
  return presignInContext(options, contextFor(options));
}

/** The request-dependent part of a presign, SigV4's or SigV4a's: canonicalise, sign, assemble. */
export function presignInContext(options: RequestOptions, context: RequestContext): PresignResult {
  const method = httpMethod(options.method);
  const url = splitUrl(options.url);
  const rules: PathRules = {
    uriEscapePath: flag('uriEscapePath', options.uriEscapePath, !context.isS3),
    normalizePath: flag('normalizePath', options.normalizePath, !context.isS3),
  };
  const path = wirePath(url.path, rules);
  const headers = readHeaders(url.host, options.headers);
  const payloadHash = choosePayloadHash(options.payloadHash, headers.payloadHash, context.isS3);
  const canonical = canonicalHeaders(headers.signed);

  const userParameters = parseQuery(url.query);
  for (const [name] of userParameters) {
    if (RESERVED_PARAMETER.test(name)) fail('RESERVED_QUERY_PARAMETER', `the URL already has ${name}`);
  }
  // X-Amz-SignedHeaders sorts after the signer's other parameters, so it can be appended.
  const amzQuery = context.query + '&X-Amz-SignedHeaders=' + uriEncode(canonical.signedHeaders, false);
  const query = userParameters.length === 0 ? amzQuery : canonicalQuery(userParameters.concat(parseQuery(amzQuery)));
  const request = canonicalRequest(method, canonicalUri(path, rules), query, canonical, payloadHash);
  const signed = context.sign(request);
  return {
    url: `${url.scheme}://${url.host}${path}?${query}${context.appendedToken}&X-Amz-Signature=${signed.signature}`,
    method,
    headers: headers.send,
    signedHeaders: canonical.names,
    expiresIn: context.expiresIn,
    expiresAt: new Date(context.signedAt + context.expiresIn * 1000),
    canonicalRequest: request,
    credentialScope: context.scope,
    stringToSign: signed.stringToSign,
    signature: signed.signature,
  };
}

/**
 * Presigns a request: the URL alone. See {@link presignDetailed} for the headers the client must
 * send and the intermediate steps.
 */
export function presign(options: PresignOptions): string {
  return presignDetailed(options).url;
}
