/**
 * The rule book: the vocabulary and the rules that the signer, the verifier, the S3 helpers,
 * POST policies, SigV4a and the CLI share. Each rule is written once, here, so that a signer and
 * a verifier cannot read a request two ways (that drift is exactly a `SignatureDoesNotMatch`).
 *
 * Predicates (`isRegion`, `isToken`, …) return booleans: the signer turns a `false` into a
 * {@link SigV4Error}, the verifier into an S3-style refusal, from the same rule.
 *
 * @example
 * ```ts
 * const amzDate = formatAmzDate(new Date('2013-05-24T00:00:00Z')); // '20130524T000000Z'
 * credentialScope(amzDate, 'us-east-1', 's3');                    // '20130524/us-east-1/s3/aws4_request'
 * parseCredential('AKID/20130524/us-east-1/s3/aws4_request');
 * // { accessKeyId: 'AKID', date: '20130524', region: 'us-east-1', service: 's3' }
 * serviceDefaults('s3');
 * // { uriEscapePath: false, normalizePath: false, payloadHash: 'UNSIGNED-PAYLOAD' }
 * ```
 * @module
 */
import { SigV4Error, type SigV4ErrorCode } from './errors.js';
import type { HeadersForEach } from './platform.js';

/** The SigV4 algorithm name, as it appears in `X-Amz-Algorithm`. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The last field of every credential scope. */
export const SCOPE_TERMINATOR = 'aws4_request';
/** The payload hash of a request whose body is not signed (S3's default for presigned URLs). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Hex SHA-256 of the empty string: the payload hash of a bodiless request (checked against SHA-256 in the tests). */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Hex digits in a signature and in a SHA-256 payload hash. */
export const SIGNATURE_LENGTH = 64;
/** The default validity: fifteen minutes. */
export const DEFAULT_EXPIRES_IN = 900;
/** The longest validity SigV4 allows: seven days. */
export const MAX_EXPIRES_IN = 604800;
/**
 * The longest region and service names accepted. AWS's are under 30 characters; the bound keeps
 * every cache entry small even when an attacker chooses the scope of the URLs it sends.
 */
export const MAX_SCOPE_NAME_LENGTH = 64;

/** The query parameters that the signer writes (any case); a URL to sign may not carry them. */
export const RESERVED_PARAMETER =
  /^x-amz-(?:algorithm|credential|date|expires|region-set|security-token|signedheaders|signature)$/i;

// --- Names -------------------------------------------------------------------------------------

const REGION = /^[a-z0-9-]+$/;
const SERVICE = /^[a-z0-9._-]+$/;
// RFC 9110 token: the characters a field name (and a method) may use.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PAYLOAD_HASH = /^(?:[0-9a-f]{64}|[A-Z0-9]+(?:-[A-Z0-9]+)+)$/;

const bounded = (value: unknown, pattern: RegExp): value is string =>
  typeof value === 'string' && value.length <= MAX_SCOPE_NAME_LENGTH && pattern.test(value);

/** A signing region: 1 to 64 of `a-z 0-9 -` (`us-east-1`, `auto` for R2). */
export const isRegion = (value: unknown): value is string => bounded(value, REGION);
/** A service's signing name: 1 to 64 of `a-z 0-9 . _ -` (`s3`, `execute-api`, `rds-db`). */
export const isService = (value: unknown): value is string => bounded(value, SERVICE);
/** An RFC 9110 token, as header names and methods are. */
export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);
/** A payload hash: lower-case hex SHA-256, or a hyphenated keyword such as `UNSIGNED-PAYLOAD`. */
export const isPayloadHash = (value: unknown): value is string => typeof value === 'string' && PAYLOAD_HASH.test(value);
/** A validity in whole seconds, 1 to {@link MAX_EXPIRES_IN}. */
export const isExpiresIn = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_EXPIRES_IN;
/** A `Date` that names an instant. */
export const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

// --- Options: the signer's checks, which throw ------------------------------------------------

/** Throws a {@link SigV4Error}. */
export function fail(code: SigV4ErrorCode, message: string): never {
  throw new SigV4Error(code, message);
}

/** Returns `value` when `ok`, else throws. Messages never echo a value: it might be a secret. */
export function check<T>(value: unknown, ok: boolean, code: SigV4ErrorCode, message: string): T {
  return ok ? (value as T) : fail(code, message);
}

/** Checks a signing region (`INVALID_REGION`). */
export const checkRegion = (region: unknown): string =>
  check(
    region,
    isRegion(region),
    'INVALID_REGION',
    `region must be a name such as us-east-1 or auto (a-z, 0-9 and -, at most ${MAX_SCOPE_NAME_LENGTH})`,
  );

/** Checks a service's signing name (`INVALID_SERVICE`). */
export const checkService = (service: unknown): string =>
  check(
    service,
    isService(service),
    'INVALID_SERVICE',
    `service must be a signing name such as s3 (a-z, 0-9, ., _ and -, at most ${MAX_SCOPE_NAME_LENGTH})`,
  );

/** Checks a validity in seconds, or gives the default (`INVALID_EXPIRES_IN`). */
export const checkExpiresIn = (expiresIn: unknown): number =>
  expiresIn === undefined
    ? DEFAULT_EXPIRES_IN
    : check(
        expiresIn,
        isExpiresIn(expiresIn),
        'INVALID_EXPIRES_IN',
        `expiresIn must be whole seconds in 1..${MAX_EXPIRES_IN}`,
      );

/** An optional boolean option, or its default (`INVALID_OPTION`). */
export const checkFlag = (name: string, value: unknown, fallback: boolean): boolean =>
  value === undefined
    ? fallback
    : check(value, typeof value === 'boolean', 'INVALID_OPTION', `${name} must be true or false`);

/** An optional option from a fixed list; the first entry is the default (`INVALID_OPTION`). */
export const checkOneOf = <T extends string>(name: string, value: unknown, allowed: readonly [T, ...T[]]): T =>
  value === undefined
    ? allowed[0]
    : check(value, allowed.includes(value as T), 'INVALID_OPTION', `${name} must be '${allowed.join("' or '")}'`);

/** AWS credentials. Only `accessKeyId` ever appears in a URL or a message. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** STS session token; an empty string counts as none. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working: a URL must not outlive them. */
  readonly expiration?: Date | undefined;
}

/** Where a credential has a stray character, in words, or `undefined`: pasted keys often carry a newline. */
function strayCharacter(value: string): string | undefined {
  if (/^\s/.test(value)) return 'whitespace at its start';
  if (/\s$/.test(value)) return 'whitespace at its end';
  const control = value.search(/[\u0000-\u001f\u007f]/);
  return control < 0 ? undefined : `a control character at position ${control}`;
}

/**
 * Checks credentials (`INVALID_CREDENTIALS`): strings, non-empty, without whitespace at either end
 * or control characters. Messages say which field and where, never its value.
 */
export function checkCredentials(credentials: unknown): Credentials {
  const c = (typeof credentials === 'object' && credentials !== null ? credentials : {}) as Credentials;
  const bad = (field: string, should: string) => fail('INVALID_CREDENTIALS', `credentials.${field} ${should}`);
  for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) {
    const value = c[field];
    if (value === undefined && field === 'sessionToken') continue;
    if (typeof value !== 'string' || (value === '' && field !== 'sessionToken'))
      bad(field, 'must be a non-empty string');
    const stray = strayCharacter(value!);
    if (stray !== undefined) bad(field, `has ${stray}`);
  }
  if (c.expiration !== undefined && !isValidDate(c.expiration)) bad('expiration', 'must be a valid Date');
  return c;
}

/**
 * The known name a mistyped one most likely meant: the same name in another case, one that holds
 * the other (`expires` → `expiresIn`, `service` → `services`), or one with the same first five letters.
 */
function nearest(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    if (other.includes(lower) || lower.includes(other) || (lower.length > 3 && other.startsWith(lower.slice(0, 5)))) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The message for the first option name of `options` that is not `known`, with the nearest known
 * name when there is one (`expires` → `expiresIn`), or `undefined` when every name is known. Plain
 * JavaScript callers get from it what TypeScript's excess-property check gives typed ones.
 */
export function unknownOption(options: object, known: ReadonlySet<string>, what = 'option'): string | undefined {
  for (const name in options) {
    // An unknown name set to undefined changes nothing: spreads of optional values stay allowed.
    if (known.has(name) || !Object.hasOwn(options, name) || (options as Record<string, unknown>)[name] === undefined)
      continue;
    const hint = nearest(name, known);
    // JSON.stringify escapes control characters: the name cannot forge a line in a log.
    return `unknown ${what} ${JSON.stringify(name)}` + (hint === undefined ? '' : `: did you mean "${hint}"?`);
  }
  return undefined;
}

/** Throws `INVALID_OPTION` for an option name that is not `known` (see {@link unknownOption}). */
export function checkOptionNames(options: object, known: ReadonlySet<string>): void {
  const message = unknownOption(options, known);
  if (message !== undefined) fail('INVALID_OPTION', message);
}

// --- Services ----------------------------------------------------------------------------------

/** Services that follow S3's path rules and its `UNSIGNED-PAYLOAD` default. */
const S3_SERVICE = /^s3(?:|-object-lambda|-outposts|express)$/;

/** Whether a service follows S3's rules: s3, s3-object-lambda, s3-outposts, s3express. */
export const isS3Service = (service: string): boolean => S3_SERVICE.test(service);

/** How a service reads paths: S3 encodes once and never normalises; the others do both. */
export interface PathRules {
  /** Encode the (already URL-encoded) path a second time: true for every service but S3. */
  readonly uriEscapePath: boolean;
  /** Remove `.`/`..` segments and collapse `//` before encoding: true for every service but S3. */
  readonly normalizePath: boolean;
}

/** What a service does by default: how it reads paths, and what payload hash a presigned URL signs. */
export interface ServiceDefaults extends PathRules {
  /** `UNSIGNED-PAYLOAD` for S3, the SHA-256 of an empty body otherwise. */
  readonly payloadHash: string;
}

const S3_DEFAULTS: ServiceDefaults = { uriEscapePath: false, normalizePath: false, payloadHash: UNSIGNED_PAYLOAD };
const OTHER_DEFAULTS: ServiceDefaults = { uriEscapePath: true, normalizePath: true, payloadHash: EMPTY_SHA256 };

/** The defaults of a service's signing name. */
export const serviceDefaults = (service: string): ServiceDefaults =>
  isS3Service(service) ? S3_DEFAULTS : OTHER_DEFAULTS;

// --- Dates and the credential scope -------------------------------------------------------------

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Formats an instant as `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, UTC). Throws `INVALID_DATE` for an
 * invalid Date or a year outside 0000–9999, which the format cannot hold.
 */
export function formatAmzDate(date: Date): string {
  // toISOString gives 2013-05-24T00:00:00.000Z, or ±YYYYYY-… outside years 0000–9999.
  const iso = isValidDate(date) ? date.toISOString() : '';
  if (!/^\d{4}-/.test(iso)) throw new SigV4Error('INVALID_DATE', 'signingDate must be a valid Date in years 0-9999');
  return iso.replace(/[-:]|\.\d+/g, '');
}

/**
 * Reads `YYYYMMDDTHHMMSSZ` into milliseconds, or `undefined` for text of another form or an
 * impossible instant (February 30, hour 24, second 60).
 *
 * @example
 * ```ts
 * parseAmzDate('20130524T000000Z'); // 1369353600000
 * parseAmzDate('20130230T000000Z'); // undefined
 * ```
 */
export function parseAmzDate(value: string): number | undefined {
  const fields = AMZ_DATE.exec(value);
  if (fields === null) return undefined;
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
  // Out-of-range fields roll over (February 30 becomes March 2): a field that does not read back was not a real one.
  const real =
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return real ? date.getTime() : undefined;
}

/**
 * The start of the second that `now` falls in (default: the system clock), in milliseconds:
 * validity is checked to the second, as `X-Amz-Date`, `X-Amz-Expires` and POST policy expirations
 * are written.
 *
 * @example
 * ```ts
 * clockSecond(new Date('2013-05-24T00:00:00.750Z')); // 1369353600000
 * ```
 */
export const clockSecond = (now?: Date): number => Math.floor((now ?? new Date()).getTime() / 1000) * 1000;

/**
 * Compares a computed SigV4 signature (64 hex digits) with a given one in time independent of
 * where they differ: no early exit, so a forger learns nothing from the time taken.
 *
 * @example
 * ```ts
 * sameSignature(expected, given); // true only when both are the same 64 characters
 * ```
 */
export function sameSignature(expected: string, given: string): boolean {
  let difference = expected.length ^ given.length;
  for (let i = 0; i < SIGNATURE_LENGTH; i++) difference |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return difference === 0;
}

/** The `YYYYMMDD` day of an `X-Amz-Date`: the first field of the scope and of the key derivation. */
export const dateStamp = (amzDate: string): string => amzDate.slice(0, 8);

/** `date/region/service/aws4_request`; the date is the day of `amzDate`. */
export function credentialScope(amzDate: string, region: string, service: string): string {
  return dateStamp(amzDate) + '/' + region + '/' + service + '/' + SCOPE_TERMINATOR;
}

/**
 * `X-Amz-Credential`'s value as it stands in a canonical query: the access key id encoded, then
 * the scope, whose characters are all unreserved but `/` (`%2F`).
 *
 * @example
 * ```ts
 * encodedCredential('AKID', '20130524/us-east-1/s3/aws4_request'); // 'AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request'
 * ```
 */
export function encodedCredential(encodedAccessKeyId: string, scope: string): string {
  return encodedAccessKeyId + '%2F' + scope.replaceAll('/', '%2F');
}

/** The fields of a decoded `X-Amz-Credential`. */
export interface CredentialFields {
  readonly accessKeyId: string;
  /** `YYYYMMDD`. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/**
 * Reads a decoded `X-Amz-Credential` (`<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request`;
 * without `<region>/` for SigV4a, whose `region` is then `''`). The access key id may itself hold `/`. Returns a message saying what is wrong instead of the
 * fields when it is malformed; the message never echoes the value.
 */
export function parseCredential(value: string, withRegion = true): CredentialFields | string {
  const form = `<access key id>/<YYYYMMDD>/${withRegion ? '<region>/' : ''}<service>/aws4_request`;
  const parts = value.split('/');
  const fields = withRegion ? 4 : 3;
  const [date = '', ...scope] = parts.slice(-fields);
  const [region, service, terminator] = withRegion ? scope : ['', ...scope];
  const accessKeyId = parts.slice(0, -fields).join('/');
  if (parts.length <= fields || accessKeyId === '' || terminator !== SCOPE_TERMINATOR || !/^\d{8}$/.test(date)) {
    return `X-Amz-Credential must have the form ${form}`;
  }
  if (withRegion && !isRegion(region)) {
    return `the credential region is malformed (1 to ${MAX_SCOPE_NAME_LENGTH} of a-z, 0-9 and -)`;
  }
  if (!isService(service)) {
    return `the credential service is malformed (1 to ${MAX_SCOPE_NAME_LENGTH} of a-z, 0-9, ., _ and -)`;
  }
  return { accessKeyId, date, region: region!, service: service! };
}

// --- Header values -------------------------------------------------------------------------------

// Field values may hold HTAB, but no other control character (CR and LF would forge lines).
const BAD_VALUE_CHAR = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const WHITESPACE_RUN = /[ \t]+/g;

/** Whether a header value holds a control character other than HTAB. */
export const hasControlCharacter = (value: string): boolean => BAD_VALUE_CHAR.test(value);

/** A header value in canonical form: trimmed, inner runs of spaces and tabs collapsed to one space. */
export const canonicalHeaderValue = (value: string): string => value.replace(WHITESPACE_RUN, ' ').trim();

/** Repeated values of one header as SigV4 signs them: each canonical, joined with `,`. */
export const joinHeaderValues = (values: readonly string[]): string => values.map(canonicalHeaderValue).join(',');

/** A header value as callers hold it: a string, a number (`content-length`), or several values. */
export type HeaderValue = string | number | readonly (string | number)[] | undefined;

/**
 * Headers the way people hold them: a plain object, a `Headers` instance, a `Map`, or an array of
 * `[name, value]` pairs.
 */
export type HeadersInit =
  | Readonly<Record<string, HeaderValue>>
  | HeadersForEach
  | ReadonlyMap<string, HeaderValue>
  | ReadonlyArray<readonly [string, HeaderValue]>;

/** A single header value as callers may hold it: a string, or a number such as a content length. */
export const isHeaderValueItem = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number';

/**
 * Reads headers into `[name, values]` entries: names as given, each value or array of values as a
 * list (unchecked: see {@link isHeaderValueItem}), entries whose value is `undefined` left out.
 * Anything that is not one of {@link HeadersInit}'s forms (a string, an array of strings, a class
 * instance…) gives `undefined`: never a header named `0`.
 */
export function readHeaders(headers: unknown): [name: string, values: unknown[]][] | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const proto = Object.getPrototypeOf(headers);
  let pairs: unknown[];
  // Arrays of pairs, Maps and fetch Headers all iterate as [name, value] pairs (a Headers gives
  // lower-case names, with repeated values already joined by ', ': see the README).
  if (proto === Object.prototype || proto === null) pairs = Object.entries(headers);
  else if (Symbol.iterator in headers) pairs = [...(headers as Iterable<unknown>)];
  else return undefined;
  const entries: [string, unknown[]][] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return undefined;
    if (pair[1] !== undefined) entries.push([pair[0], Array.isArray(pair[1]) ? pair[1] : [pair[1]]]);
  }
  return entries;
}

// --- Queries --------------------------------------------------------------------------------------

/**
 * Calls `visit` with the raw name and value of each piece of a query string, in order, as SigV4
 * reads a query: split on `&`, then on the first `=`; empty pieces (`&&`, a trailing `&`) are
 * skipped and a piece without `=` has the value `''`. Linear in the query's length.
 */
export function forEachQueryPair(query: string, visit: (name: string, value: string) => void): void {
  if (query === '') return;
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    if (eq < 0) visit(piece, '');
    else visit(piece.slice(0, eq), piece.slice(eq + 1));
  }
}

// --- Messages -------------------------------------------------------------------------------------

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a request, made safe to put in a message or a log line: control characters (and the
 * line and paragraph separators) are escaped as `\u00XX`, and at most `max` characters are kept.
 */
export function printable(text: string, max = 200): string {
  const kept = text.length > max ? text.slice(0, max) + '…' : text;
  return kept.replace(UNPRINTABLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
