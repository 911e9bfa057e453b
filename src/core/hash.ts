/**
 * The two cryptographic primitives SigV4 needs, SHA-256 and HMAC-SHA256, behind one small
 * interface, so that the algorithm stages never import a crypto library themselves.
 *
 * The default backend is pure JavaScript (./sha256.ts) and runs in every runtime. Node's entry
 * point swaps in {@link "./hash-node.js" | node:crypto}, which is several times faster; no edge
 * bundle ever sees it.
 *
 * @example
 * ```ts
 * pureJsBackend.sha256Hex(''); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * ```
 * @module
 */
import { toHex, utf8 } from './encoding.js';
import { hmac, hmacKey, sha256, type HmacKey } from './sha256.js';

/** A signing key made ready for many signatures (for example with its HMAC pads pre-hashed). */
export interface PreparedKey {
  /** The raw 32-byte kSigning. */
  readonly bytes: Uint8Array;
}

/** SHA-256 and HMAC-SHA256 over UTF-8 strings, as SigV4 uses them. */
export interface HashBackend {
  /** Lower-case hex SHA-256 of the UTF-8 bytes of `data`. */
  sha256Hex(data: string): string;
  /** HMAC-SHA256 of the UTF-8 bytes of `data`: one step of the signing-key chain. */
  hmac(key: Uint8Array, data: string): Uint8Array;
  /** Does the per-key work once, so that {@link HashBackend.hmacHex} costs only the message. */
  prepareKey(key: Uint8Array): PreparedKey;
  /** Lower-case hex HMAC-SHA256 of `data` under a key from this backend's `prepareKey`. */
  hmacHex(key: PreparedKey, data: string): string;
}

interface PureJsKey extends PreparedKey {
  /** Both HMAC pads already compressed: a message costs only its own blocks. */
  readonly hmac: HmacKey;
}

/** Pure-JavaScript backend (./sha256.ts). Works in every runtime; the default outside Node. */
export const pureJsBackend: HashBackend = {
  sha256Hex: (data) => toHex(sha256(utf8.encode(data))),
  hmac: (key, data) => hmac(hmacKey(key), utf8.encode(data)),
  prepareKey: (bytes): PureJsKey => ({ bytes, hmac: hmacKey(bytes) }),
  hmacHex: (key, data) => toHex(hmac((key as PureJsKey).hmac, utf8.encode(data))),
};

let current: HashBackend = pureJsBackend;

/** The backend used when an option does not name one.
 *
 * @example
 * ```ts
 * defaultBackend().sha256Hex('abc'); // 'ba7816bf…'
 * ```
 */
export function defaultBackend(): HashBackend {
  return current;
}

/**
 * Replaces the default backend for the whole process. Node's entry point calls this with the
 * node:crypto backend; tests and benchmarks may pass a backend per call instead.

 *
 * @example
 * ```ts
 * import { nodeBackend, setDefaultBackend } from 'sigv4-presign'; // the node entry already does this
 * setDefaultBackend(nodeBackend);
 * ```
 */
export function setDefaultBackend(backend: HashBackend): void {
  current = backend;
}
