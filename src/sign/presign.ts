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
} from '../core/canonical-request.js';
import { uriEncode } from '../core/encoding.js';
import { defaultBackend, type HashBackend } from '../core/hash.js';
import { headerRule } from '../core/header-policy.js';
import { Memo } from '../core/memo.js';
import type { PlatformUrl } from '../core/platform.js';
import {
  ALGORITHM,
  check,
  checkCredentials,
  checkExpiresIn,
  checkFlag,
  checkOneOf,
  checkOptionNames,
  checkRegion,
  checkService,
  credentialScope,
  dateStamp,
  encodedCredential,
  fail,
  formatAmzDate,
  isHeaderValueItem,
  isPayloadHash,
  isRegion,
  readHeaders as readHeaderEntries,
  RESERVED_PARAMETER,
  serviceDefaults,
  type Credentials,
  type HeadersInit,
  type PathRules,
  type ServiceDefaults,
} from '../core/rules.js';
import { signCanonicalRequest, signingKey, type SignedParts } from '../core/signing-key.js';
import { parseAwsHost, type AwsHost } from '../core/endpoints.js';
import { splitUrl, type UrlParts } from '../core/url.js';

export type { Credentials, HeaderValue, HeadersInit } from '../core/rules.js';

/** What to presign. Only `method`, `url`, `region`, `service` and `credentials` are required. */
export interface PresignOptions {
  /** Any HTTP method; the standard ones are upper-cased, as fetch does. */
  readonly method: string;
  /**
   * The request URL. A string is read verbatim, with the path as it goes on the wire
   * (percent-encoded); dot segments are kept, and `+` in the query is a plus. A `URL` object
   * means what its `searchParams` say (`+` is a space there) and has already resolved dot segments.
   */
  readonly url: string | PlatformUrl;
  /**
   * Signing region, such as `us-east-1` or `auto` (R2). Default: the region an AWS host names
   * (`bucket.s3.eu-west-1.amazonaws.com` is `eu-west-1`); a region that contradicts the host is
   * refused with `REGION_MISMATCH`. Required for other hosts.
   */
  readonly region?: string | undefined;
  /**
   * Signing name of the service, such as `s3`, `execute-api` or `rds-db`. Default: the service an
   * AWS host names without doubt (`s3`, `execute-api`, `lambda`…). Required for other hosts.
   */
  readonly service?: string | undefined;
  readonly credentials: Credentials;
  /** Seconds the URL stays valid: an integer in 1..604800. Default 900. */
  readonly expiresIn?: number | undefined;
  /** The signing instant (`X-Amz-Date`). Default now. */
  readonly signingDate?: Date | undefined;
  /**
   * Headers the client will send. All are signed (but the few hop-level ones in the header policy);
   * `host` is always signed, from the URL.
   */
  readonly headers?: HeadersInit | undefined;
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
  /**
   * Read the region (and service) an AWS host names: default them from it, and refuse an explicit
   * region that contradicts it. Default true; `false` leaves the host alone, and region and
   * service are then required (for test vectors that sign an AWS host for another region).
   */
  readonly regionFromHost?: boolean | undefined;
}

/** Every option name of {@link PresignOptions}, for the run-time check of unknown names. */
const OPTION_NAMES: ReadonlySet<string> = new Set<keyof PresignOptions>([
  'method',
  'url',
  'region',
  'service',
  'credentials',
  'expiresIn',
  'signingDate',
  'headers',
  'payloadHash',
  'uriEscapePath',
  'normalizePath',
  'sessionTokenMode',
  'credentialExpiry',
  'backend',
  'regionFromHost',
]);

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
  const entries =
    readHeaderEntries(headers) ??
    fail('INVALID_OPTION', 'headers must be a plain object, a Headers, a Map or an array of [name, value] pairs');
  for (const [rawName, values] of entries) {
    const name = headerName(rawName);
    const rule = headerRule(name);
    if (rule === 'reject') fail('INVALID_HEADER_NAME', `header ${name} is the signer's to write (see HEADER_POLICY)`);
    for (const value of values) {
      if (!isHeaderValueItem(value)) fail('INVALID_HEADER_VALUE', `header ${name} must be a string or a number`);
      const canonical = headerValue(name, String(value));
      const previous = result.send[name];
      result.send[name] = previous === undefined ? canonical : previous + ',' + canonical;
    }
    if (rule !== 'leave-unsigned') result.signed.set(name, result.send[name]!);
    if (rule === 'sign-as-payload-hash') result.payloadHash = result.send[name]!;
  }
  return result;
}

function choosePayloadHash(option: unknown, fromHeader: string | undefined, defaults: ServiceDefaults): string {
  const bad = (why: string) => fail('INVALID_PAYLOAD_HASH', `payloadHash ${why}`);
  if (option !== undefined && !isPayloadHash(option)) bad('must be lower-case hex SHA-256 or UNSIGNED-PAYLOAD');
  if (fromHeader !== undefined && !isPayloadHash(fromHeader)) {
    fail('INVALID_PAYLOAD_HASH', 'the x-amz-content-sha256 header must be lower-case hex SHA-256 or UNSIGNED-PAYLOAD');
  }
  if (fromHeader !== undefined && option !== undefined && option !== fromHeader) {
    bad('differs from the x-amz-content-sha256 header');
  }
  return (option as string | undefined) ?? fromHeader ?? defaults.payloadHash;
}

/**
 * What a presign needs that does not depend on the request: the validated scope, date and
 * validity, the signer's own query parameters and how to sign. SigV4a's signer (./v4a.ts) builds
 * one of its own and shares the rest of the work through {@link presignInContext}.
 */
export interface RequestContext {
  readonly xAmzDate: string;
  readonly scope: string;
  /** The service's path rules and payload default. */
  readonly defaults: ServiceDefaults;
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

/** What every signer of the SigV4 family reads alike from its options: credentials, date, validity, token. */
export interface SignerBasics {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly xAmzDate: string;
  /** Start of the second that `X-Amz-Date` names, in milliseconds. */
  readonly signedAt: number;
  readonly expiresIn: number;
  /** `&X-Amz-Security-Token=…`, or '' without a token (an empty token counts as none). */
  readonly token: string;
  readonly tokenMode: 'signed' | 'appended';
}

/** Checks and reads the options every signer of the SigV4 family shares. */
export function signerBasics(
  options: Omit<PresignOptions, 'method' | 'url' | 'region' | 'service'>,
  date: Date,
): SignerBasics {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = checkCredentials(options.credentials);
  const xAmzDate = formatAmzDate(date);
  const signedAt = Math.floor(date.getTime() / 1000) * 1000;
  const requested = checkExpiresIn(options.expiresIn);
  const policy = checkOneOf('credentialExpiry', options.credentialExpiry, ['reject', 'clamp']);
  return {
    accessKeyId,
    secretAccessKey,
    xAmzDate,
    signedAt,
    expiresIn: fitToCredentials(requested, signedAt, expiration, policy),
    token: sessionToken ? `&X-Amz-Security-Token=${uriEncode(sessionToken, false)}` : '',
    tokenMode: checkOneOf('sessionTokenMode', options.sessionTokenMode, ['signed', 'appended']),
  };
}

/**
 * The context of a signer of the SigV4 family: the checked basics, the scope, and the signer's
 * query parameters in canonical order but `X-Amz-SignedHeaders` (which sorts after them all, so
 * it can be appended). `extra` is SigV4a's `&X-Amz-Region-Set=…`, which sorts between
 * `X-Amz-Expires` and `X-Amz-Security-Token`; `sign` is the algorithm's last step.
 */
export function requestContext(
  algorithm: string,
  basics: SignerBasics,
  scope: string,
  service: string,
  sign: RequestContext['sign'],
  extra = '',
): RequestContext {
  const { accessKeyId, xAmzDate, expiresIn, token, tokenMode } = basics;
  return {
    xAmzDate,
    scope,
    defaults: serviceDefaults(service),
    signedAt: basics.signedAt,
    expiresIn,
    query:
      `X-Amz-Algorithm=${algorithm}&X-Amz-Credential=${encodedCredential(uriEncode(accessKeyId, false), scope)}` +
      `&X-Amz-Date=${xAmzDate}&X-Amz-Expires=${expiresIn}${extra}${tokenMode === 'signed' ? token : ''}`,
    appendedToken: tokenMode === 'appended' ? token : '',
    sign,
  };
}

/**
 * Appends to `inputs` what every SigV4-family context depends on, to be compared on the next call:
 * the credentials, validity and token options, with the instants as numbers (a `Date` can change
 * under the same identity).
 */
export function addSignerInputs(
  inputs: unknown[],
  options: Omit<PresignOptions, 'method' | 'url' | 'region' | 'service'>,
  signingDate: unknown,
): unknown[] {
  const c = options.credentials;
  inputs.push(
    c?.accessKeyId,
    c?.secretAccessKey,
    c?.sessionToken,
    c?.expiration,
    c?.expiration?.valueOf?.(),
    options.expiresIn,
    signingDate instanceof Date ? Math.floor(signingDate.getTime() / 1000) : NaN,
    options.credentialExpiry,
    options.sessionTokenMode,
  );
  return inputs;
}

/** The inputs of a SigV4 context: its backend, region and service, then {@link addSignerInputs}'. */
type ContextInputs = [backend: HashBackend, region: unknown, service: unknown, ...signer: unknown[]];

const contexts = new Memo<ContextInputs, RequestContext>();

function buildContext(options: PresignOptions, backend: HashBackend, date: Date): RequestContext {
  const region = checkRegion(options.region);
  const service = checkService(options.service);
  const basics = signerBasics(options, date);
  check(backend, typeof backend?.hmacHex === 'function', 'INVALID_OPTION', 'backend must be a HashBackend');
  const { xAmzDate } = basics;
  const scope = credentialScope(xAmzDate, region, service);
  const key = signingKey(backend, basics.secretAccessKey, dateStamp(xAmzDate), region, service);
  return requestContext(ALGORITHM, basics, scope, service, (request) =>
    signCanonicalRequest(backend, key, xAmzDate, scope, request),
  );
}

/** The context for these options: the last one when every input is the same, else a new one. */
function contextFor(options: PresignOptions, region: unknown, service: unknown): RequestContext {
  const { signingDate = new Date() } = options;
  const inputs: ContextInputs = [options.backend ?? defaultBackend(), region, service];
  return contexts.get(addSignerInputs(inputs, options, signingDate) as ContextInputs, ([backend]) =>
    buildContext({ ...options, region, service } as PresignOptions, backend, signingDate),
  );
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
  checkOptionNames(options, OPTION_NAMES);
  const url = requestUrl(options.url);
  const { region, service } = checkFlag('regionFromHost', options.regionFromHost, true)
    ? scopeOfHost(url.host, options.region, options.service)
    : options;
  return presignInContext(options, contextFor(options, region, service), url);
}

/** What the last host read names: a server signing in a loop signs for the same host again and again. */
const hostScopes = new Memo<[host: string], AwsHost | undefined>();

/** The region and service to sign for: the options', checked against what an AWS host names, or that. */
function scopeOfHost(host: string, region: unknown, service: unknown): { region: unknown; service: unknown } {
  if (region !== undefined && service !== undefined && !isRegion(region)) return { region, service };
  const named = hostScopes.get([host], () => parseAwsHost(host));
  if (region === undefined)
    region = named?.region ?? fail('INVALID_REGION', `region is required: ${host} names no AWS region`);
  else if (named !== undefined && region !== named.region) {
    fail('REGION_MISMATCH', `region ${region} contradicts the host ${host}, which is in ${named.region}`);
  }
  if (service === undefined) {
    service =
      named?.service ?? fail('INVALID_SERVICE', `service is required: ${host} does not name its signing service`);
  }
  return { region, service };
}

/**
 * The parts of a URL to sign. A string is read verbatim; a `URL` object means what its
 * `searchParams` say, so its query is written from them (`+` there is a space, `%20` here).
 */
export function requestUrl(url: string | PlatformUrl): UrlParts {
  if (!(url instanceof URL) || url.username || url.password || url.hash) return splitUrl(url);
  let query = '';
  url.searchParams.forEach((value, name) => {
    query += (query && '&') + uriEncode(name, false) + '=' + uriEncode(value, false);
  });
  return splitUrl(url.origin + url.pathname + (query && '?' + query));
}

/** The request-dependent part of a presign, SigV4's or SigV4a's: canonicalise, sign, assemble. */
export function presignInContext(options: RequestOptions, context: RequestContext, url: UrlParts): PresignResult {
  const method = httpMethod(options.method);
  const rules: PathRules = {
    uriEscapePath: checkFlag('uriEscapePath', options.uriEscapePath, context.defaults.uriEscapePath),
    normalizePath: checkFlag('normalizePath', options.normalizePath, context.defaults.normalizePath),
  };
  const path = wirePath(url.path, rules);
  const headers = readHeaders(url.host, options.headers);
  const payloadHash = choosePayloadHash(options.payloadHash, headers.payloadHash, context.defaults);
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
 *
 * @example
 * ```ts
 * const url = presign({ method: 'GET', url: 'https://examplebucket.s3.us-east-1.amazonaws.com/test.txt',
 *   region: 'us-east-1', service: 's3', credentials });
 * ```
 */
export function presign(options: PresignOptions): string {
  return presignDetailed(options).url;
}
