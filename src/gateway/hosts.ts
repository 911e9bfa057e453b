/**
 * Host binding: the hosts a gateway answers to. `host` is always signed, so a URL whose signed
 * host is not one of them was made for another server (another gateway, or real S3) and is
 * refused, whatever `Host` header comes with it.
 *
 * Hosts are compared as `host[:port]`, lower-case, with the default ports 80 and 443 left out
 * (so `Files.Example.com:443` and `files.example.com` are one host: the scheme is not signed).
 *
 * @example
 * ```ts
 * const hosts = hostList(['files.example.com', '127.0.0.1:8080']);
 * hosts.has(hostKey('FILES.example.com:443')!); // true
 * ```
 * @module
 */
import { SigV4Error } from '../core/errors.js';
import { splitUrl } from '../core/url.js';

/** `host[:port]` as compared: lower-case, without port 80 or 443; undefined when it is no host. */
export function hostKey(host: string): string | undefined {
  try {
    // splitUrl reads a host exactly as the verifier does, and drops http's port 80; anything
    // after the host (a path, a query) means the text was not a host alone.
    const { host: key, path, query } = splitUrl(`http://${host}/`);
    if (path !== '/' || query !== '') return undefined;
    return key.endsWith(':443') ? key.slice(0, -4) : key;
  } catch {
    return undefined;
  }
}

function invalidHost(entry: unknown): never {
  throw new SigV4Error('INVALID_OPTION', `hosts: not a host[:port]: ${JSON.stringify(entry)}`);
}

/** Reads a `hosts` option; throws `INVALID_OPTION` for an entry that is not `host[:port]`. */
export function hostList(hosts: readonly string[]): ReadonlySet<string> {
  if (!Array.isArray(hosts)) throw new SigV4Error('INVALID_OPTION', 'hosts must be an array of host[:port] strings');
  return new Set(hosts.map((entry) => (typeof entry === 'string' && hostKey(entry)) || invalidHost(entry)));
}
