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

// One pass over the whole URL: scheme; host, a reg-name or a bracketed IPv6 literal (so no
// user:password@); optional port, path and query. No fragment, and no C0 control or DEL anywhere:
// WHATWG URL silently strips tabs and newlines, so a signer that kept them would sign a
// different URL from the one that is sent.
const URL_PARTS =
  /^(https?):\/\/(\[[0-9a-f:.]+\]|[\w.~-]+)(?::(\d{1,5}))?(\/[^?#\u0000-\u001f\u007f]*)?(?:\?([^#\u0000-\u001f\u007f]*))?$/i;

function invalid(message: string): never {
  throw new SigV4Error('INVALID_URL', message);
}

/** Splits `input` into scheme, host, path and query, or throws `INVALID_URL`. */
export function splitUrl(input: string | URL): UrlParts {
  // Anything but a string or a URL reads as '', which the pattern refuses.
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : '';
  const parts =
    URL_PARTS.exec(url) ??
    invalid('url must be absolute http(s) with a valid host, and no user:password@, fragment or control characters');
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
