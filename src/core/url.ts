/**
 * Splits an absolute http(s) URL string into the parts SigV4 signs, reading the path and query
 * verbatim. Unlike WHATWG `new URL`, it resolves no dot segments: `a/../b` is a valid S3 key and
 * must be signed as written. (A `URL` object has already lost its dot segments; it is read from
 * its `href`.)
 *
 * @example
 * ```ts
 * splitUrl('https://Bucket.s3.amazonaws.com:443/a/../b?x=1');
 * // { scheme: 'https', host: 'bucket.s3.amazonaws.com', path: '/a/../b', query: 'x=1' }
 * ```
 * @module
 */
import { SigV4Error } from './errors.js';
import type { PlatformUrl } from './platform.js';

/** The signed parts of a URL. */
export interface UrlParts {
  /** `http` or `https`, lower-case. */
  readonly scheme: 'http' | 'https';
  /** The Host header value: lower-case host, with the port only when it is not the default. */
  readonly host: string;
  /** The path exactly as written, `/` when empty. */
  readonly path: string;
  /** The raw query without its `?`, `''` when absent. */
  readonly query: string;
}

// Scheme; host, a reg-name or a bracketed IPv6 literal (so no user:password@); optional port,
// path and query. No fragment, and no C0 control or DEL anywhere: WHATWG URL silently strips tabs
// and newlines, so a signer that kept them would sign a different URL from the one that is sent.
const URL_PARTS = /^(https?):\/\/(\[[0-9a-f:.]+\]|[\w.~-]+)(?::(\d{1,5}))?(\/[^?#\u0000-\u001f\u007f]*)?(?:\?(.*))?$/is;
const QUERY_TEXT = /^[^#\u0000-\u001f\u007f]*$/;

/**
 * Whether a raw query (without its `?`) may stand in a URL as it is: no fragment, no control
 * character.
 *
 * @example
 * ```ts
 * isQueryText('a=1&b=%20'); // true
 * isQueryText('a=1#frag');  // false
 * ```
 */
export const isQueryText = (query: string): boolean => QUERY_TEXT.test(query);

function invalid(message: string): never {
  throw new SigV4Error('INVALID_URL', message);
}

/** Splits `input` into scheme, host, path and query, or throws `INVALID_URL`. */
export function splitUrl(input: string | PlatformUrl): UrlParts {
  // Anything but a string or a URL reads as '', which the pattern refuses.
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : '';
  const parts = URL_PARTS.exec(url);
  if (parts === null || (parts[5] !== undefined && !isQueryText(parts[5]))) {
    invalid('url must be absolute http(s) with a valid host, and no user:password@, fragment or control characters');
  }
  const [, scheme, hostname, digits, path, query] = parts as unknown as [
    string,
    string,
    string,
    string?,
    string?,
    string?,
  ];
  const protocol = scheme.toLowerCase() as 'http' | 'https';
  // Leading zeros are dropped, as WHATWG URL does, so ':0443' is the default port too.
  const port = digits === undefined ? undefined : String(Number(digits));
  if (Number(port) > 65535) invalid(`url has an invalid port ${port}`);
  const host = hostname.toLowerCase();
  return {
    scheme: protocol,
    host: port === undefined || port === (protocol === 'http' ? '80' : '443') ? host : `${host}:${port}`,
    path: path || '/',
    query: query ?? '',
  };
}

/**
 * A host as hosts are compared: `host[:port]`, lower-case, with the ports 80 and 443 left out (the
 * scheme is not signed, so `Files.Example.com:443` and `files.example.com` are one host);
 * `undefined` when the text is not a host alone.
 *
 * @example
 * ```ts
 * hostKey('FILES.example.com:443'); // 'files.example.com'
 * hostKey('127.0.0.1:8080');        // '127.0.0.1:8080'
 * hostKey('example.com/path');      // undefined
 * ```
 */
export function hostKey(host: string): string | undefined {
  try {
    // splitUrl reads a host exactly as the signer does, and drops http's port 80; anything after
    // the host (a path, a query) means the text was not a host alone.
    const { host: key, path, query } = splitUrl(`http://${host}/`);
    if (path !== '/' || query !== '') return undefined;
    return key.endsWith(':443') ? key.slice(0, -4) : key;
  } catch {
    return undefined;
  }
}

/**
 * Reads a list of hosts (`host[:port]`) into the set of their {@link hostKey}s; throws
 * `INVALID_OPTION` for an entry that is not a host.
 *
 * @example
 * ```ts
 * hostList(['files.example.com', '127.0.0.1:8080']).has(hostKey('FILES.example.com:443')!); // true
 * ```
 */
export function hostList(hosts: readonly string[]): ReadonlySet<string> {
  if (!Array.isArray(hosts)) throw new SigV4Error('INVALID_OPTION', 'hosts must be an array of host[:port] strings');
  return new Set(
    hosts.map(
      (entry) =>
        (typeof entry === 'string' && hostKey(entry)) ||
        invalidOption(`hosts: not a host[:port]: ${JSON.stringify(entry)}`),
    ),
  );
}

function invalidOption(message: string): never {
  throw new SigV4Error('INVALID_OPTION', message);
}
