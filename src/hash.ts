/**
 * The two cryptographic primitives SigV4 needs, SHA-256 and HMAC-SHA256, behind one small
 * interface, so that the algorithm stages never import a crypto library themselves.
 *
 * The default backend is pure JavaScript (@noble/hashes) and runs in every runtime. Node's
 * entry point swaps in {@link "./hash-node.js" | node:crypto}, which is several times faster; no
 * edge bundle ever sees it.
 *
 * @example
 * ```ts
 * nobleBackend.sha256Hex(''); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * ```
 * @module
 */
import { _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

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

const utf8 = new TextEncoder();

interface NobleKey extends PreparedKey {
  /** HMAC state with both pads absorbed; cloned per message instead of re-keyed. */
  readonly state: _HMAC<ReturnType<typeof sha256.create>>;
}

/** Pure-JavaScript backend on @noble/hashes. Works in every runtime. */
export const nobleBackend: HashBackend = {
  sha256Hex: (data) => bytesToHex(sha256(utf8.encode(data))),
  hmac: (key, data) => hmac(sha256, key, utf8.encode(data)),
  prepareKey: (bytes): NobleKey => ({ bytes, state: hmac.create(sha256, bytes) }),
  hmacHex: (key, data) =>
    bytesToHex((key as NobleKey).state.clone().update(utf8.encode(data)).digest()),
};

let current: HashBackend = nobleBackend;

/** The backend used when an option does not name one. */
export function defaultBackend(): HashBackend {
  return current;
}

/**
 * Replaces the default backend for the whole process. Node's entry point calls this with the
 * node:crypto backend; tests and benchmarks may pass a backend per call instead.
 */
export function setDefaultBackend(backend: HashBackend): void {
  current = backend;
}
