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

// One pass over the whole URL: scheme, authority, path, optional query. No fragment, and no C0
// control or DEL anywhere: WHATWG URL silently strips tabs and newlines, so a signer that kept
// them would sign a different URL from the one that is sent.
const URL_PARTS = /^(https?):\/\/([^/?#\u0000-\u001f\u007f]*)([^?#\u0000-\u001f\u007f]*)(?:\?([^#\u0000-\u001f\u007f]*))?$/i;
// Reg-name (letters, digits, - . _ ~) or a bracketed IPv6 literal, then an optional port.
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::(\d{1,5}))?$/;
const DEFAULT_PORT = { http: '80', https: '443' } as const;

function invalid(message: string): never {
  throw new SigV4Error('INVALID_URL', message);
}

/** Splits `input` into scheme, host, path and query, or throws `INVALID_URL`. */
export function splitUrl(input: string | URL): UrlParts {
  // Anything but a string or a URL reads as '', which the pattern refuses.
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : '';
  const parts = URL_PARTS.exec(url) ?? invalid('url must be absolute http(s), with no fragment and no control characters');
  const [, scheme, authority, path, query] = parts as unknown as [string, string, string, string, string | undefined];
  if (authority.includes('@')) invalid('url must not carry user:password@');
  const hostPort = AUTHORITY.exec(authority);
  if (!hostPort) invalid(`url has an invalid host ${authority}`);
  const protocol = scheme.toLowerCase() as 'http' | 'https';
  // Leading zeros are dropped, as WHATWG URL does, so ':0443' is the default port too.
  const port = hostPort[2] === undefined ? undefined : String(Number(hostPort[2]));
  if (Number(port) > 65535) invalid(`url has an invalid port ${port}`);
  const hostname = hostPort[1]!.toLowerCase();
  return {
    scheme: protocol,
    host: port === undefined || port === DEFAULT_PORT[protocol] ? hostname : `${hostname}:${port}`,
    path: path === '' ? '/' : path,
    query: query ?? '',
  };
}
