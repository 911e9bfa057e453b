/**
 * Task 1 of SigV4: the canonical request.
 *
 * ```
 * METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
 * ```
 *
 * Each part has its own function, shared by the signer and the verifier, so that both read a
 * request the same way.
 *
 * @example
 * ```ts
 * canonicalUri('/a/b/../c d', { uriEscapePath: true, normalizePath: true }); // '/a/c%2520d'
 * canonicalQuery([['b', '2'], ['a', '1']]);                                   // 'a=1&b=2'
 * ```
 * @module
 */
import { recode, uriEncode } from './encoding.js';
import { SigV4Error } from './errors.js';
import { canonicalHeaderValue, forEachQueryPair, hasControlCharacter, isToken, type PathRules } from './rules.js';

// Runs of characters that cannot stand raw in a URL path: what WHATWG URL percent-encodes there,
// plus `\`, which WHATWG would turn into `/`. `%` is left alone, so existing escapes stay as
// written. One callback per run, not per character. (With the u flag a surrogate pair stays whole.)
const UNSAFE_IN_PATH = /[\u0000-\u0020"<>\\^`{}\u007f-\u{10ffff}]+/gu;

/**
 * The path as it goes on the wire.
 * - S3 rule (`uriEscapePath: false`): escapes are decoded to the key's bytes, and each byte is
 *   encoded canonically, so the wire path is the canonical URI.
 * - Other services: the path as written, with only the characters that cannot stand in a URL
 *   encoded (as `new URL` would); `%2F` and other escapes stay as they are.
 *
 * @example
 * ```ts
 * wirePath('/a%2Fb/c d', { uriEscapePath: false, normalizePath: false }); // '/a/b/c%20d'
 * wirePath('/a%2Fb/c d', { uriEscapePath: true, normalizePath: true });   // '/a%2Fb/c%20d'
 * ```
 */
export function wirePath(path: string, rules: PathRules): string {
  return rules.uriEscapePath ? path.replace(UNSAFE_IN_PATH, (run) => uriEncode(run, false)) : recode(path, true);
}

/**
 * Removes `.` and `..` segments and empty segments (`//` runs), as AWS's signers do: unlike RFC
 * 3986, `/a/b/..` gives `/a`, not `/a/`. A trailing slash on the input is kept.
 */
export function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  const joined = '/' + segments.join('/');
  return path.endsWith('/') ? joined + '/' : joined;
}

/** The canonical URI of a wire path (see {@link wirePath}). */
export function canonicalUri(wire: string, rules: PathRules): string {
  const path = rules.normalizePath ? normalizePath(wire) : wire;
  return rules.uriEscapePath ? uriEncode(path, true) : path;
}

/** A query parameter after canonical encoding of its name and value. */
export type QueryPair = [name: string, value: string];

/**
 * Reads a raw query string as RFC 3986 (not as a form: `+` is a plus) into canonically encoded
 * pairs. Empty pieces (`&&`, a trailing `&`) are dropped; a name without `=` gets an empty value.

 *
 * @example
 * ```ts
 * parseQuery('b=2&a=1+1&&c'); // [['b', '2'], ['a', '1%2B1'], ['c', '']]
 * ```
 */
export function parseQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  forEachQueryPair(query, (name, value) => pairs.push([recode(name, false), recode(value, false)]));
  return pairs;
}

/** Byte order on encoded pairs: by name, then by value. Encoded text is ASCII, so `<` is byte order. */
function comparePairs(a: QueryPair, b: QueryPair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Sorts encoded pairs in place and joins them as `name=value&...` (duplicates kept). */
export function canonicalQuery(pairs: QueryPair[]): string {
  pairs.sort(comparePairs);
  let out = '';
  for (const [name, value] of pairs) out += (out === '' ? '' : '&') + name + '=' + value;
  return out;
}

/** Checks a header name against RFC 9110's token rule and lower-cases it.
 *
 * @example
 * ```ts
 * headerName('Content-Type'); // 'content-type'
 * headerName('bad name');     // throws SigV4Error INVALID_HEADER_NAME
 * ```
 */
export function headerName(name: string): string {
  // JSON.stringify escapes control characters: the name cannot forge a line in a log.
  if (!isToken(name)) throw new SigV4Error('INVALID_HEADER_NAME', `invalid header name ${JSON.stringify(name)}`);
  return name.toLowerCase();
}

/** Trims a header value and collapses inner runs of spaces and tabs to one space.
 *
 * @example
 * ```ts
 * headerValue('x-a', ' a \t  b '); // 'a b'
 * ```
 */
export function headerValue(name: string, value: string): string {
  if (hasControlCharacter(value))
    throw new SigV4Error('INVALID_HEADER_VALUE', `header ${name} has a control character`);
  return canonicalHeaderValue(value);
}

/** The signed headers, sorted by name, with their canonical values. */
export interface CanonicalHeaders {
  /** `name:value\n` for each header. */
  readonly canonical: string;
  /** Lower-case names joined with `;`. */
  readonly signedHeaders: string;
  /** The same names, as a list. */
  readonly names: string[];
}

/**
 * Builds the canonical headers block from lower-case names and canonical values. Repeated names
 * must already be joined with `,` (see {@link headerValue}).

 *
 * @example
 * ```ts
 * canonicalHeaders(new Map([['x-b', '2'], ['host', 'h']]));
 * // { canonical: 'host:h\nx-b:2\n', signedHeaders: 'host;x-b', names: ['host', 'x-b'] }
 * ```
 */
export function canonicalHeaders(headers: ReadonlyMap<string, string>): CanonicalHeaders {
  const names = [...headers.keys()].sort();
  let canonical = '';
  for (const name of names) canonical += name + ':' + headers.get(name) + '\n';
  return { canonical, signedHeaders: names.join(';'), names };
}

// fetch upper-cases these methods and sends every other one as written.
const STANDARD_METHOD = /^(?:DELETE|GET|HEAD|OPTIONS|POST|PUT)$/;

/** Checks an HTTP method and upper-cases the standard ones, as fetch does.
 *
 * @example
 * ```ts
 * httpMethod('get');   // 'GET'
 * httpMethod('patch'); // 'patch' (fetch sends it as written)
 * ```
 */
export function httpMethod(method: string): string {
  if (typeof method === 'string' && STANDARD_METHOD.test(method)) return method;
  if (!isToken(method)) throw new SigV4Error('INVALID_METHOD', 'method must be an HTTP token such as GET');
  const upper = method.toUpperCase();
  return STANDARD_METHOD.test(upper) ? upper : method;
}

/** Joins the six parts of the canonical request.
 *
 * @example
 * ```ts
 * canonicalRequest('GET', '/test.txt', 'X-Amz-Algorithm=...', canonicalHeaders(headers), 'UNSIGNED-PAYLOAD');
 * // 'GET\n/test.txt\nX-Amz-Algorithm=...\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD'
 * ```
 */
export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  headers: CanonicalHeaders,
  payloadHash: string,
): string {
  return (
    method + '\n' + uri + '\n' + query + '\n' + headers.canonical + '\n' + headers.signedHeaders + '\n' + payloadHash
  );
}
