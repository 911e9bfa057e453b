/**
 * The node:crypto backend: the same {@link HashBackend} contract as the pure-JS default, with
 * native SHA-256 and HMAC. Only Node's entry point (`sigv4-presign` under the `node` export
 * condition) imports this file, so browser and edge bundles never see a Node built-in.
 *
 * @example
 * ```ts
 * presign({ ...options, backend: nodeBackend });
 * ```
 * @module
 */
import { createHmac, hash } from 'node:crypto';
import type { HashBackend, PreparedKey } from './hash.js';

interface NodeKey extends PreparedKey {
  /** K ⊕ ipad: the block the inner hash starts with. */
  readonly inner: Buffer;
  /** K ⊕ opad, then room for the inner digest: the outer hash's whole input. */
  readonly outer: Buffer;
}

/** Computes the two padded key blocks of RFC 2104 once per key. */
function prepareKey(bytes: Uint8Array): NodeKey {
  const key = bytes.length > 64 ? hash('sha256', bytes, 'buffer') : bytes;
  const inner = Buffer.alloc(64, 0x36);
  const outer = Buffer.alloc(96, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { bytes, inner, outer };
}

// The inner hash's input is assembled here: K ⊕ ipad, then the message. Reused across calls,
// since signing is synchronous and an allocation per call costs more than the copy.
let scratch = Buffer.alloc(1024);

/**
 * HMAC-SHA256 as RFC 2104 defines it, H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m)), with two one-shot
 * `crypto.hash` calls over prepared buffers: about 20% faster than creating an Hmac object.
 */
function hmacHex(key: PreparedKey, data: string): string {
  const { inner, outer } = key as NodeKey;
  if (scratch.length < 64 + 3 * data.length) scratch = Buffer.alloc(64 + 3 * data.length);
  inner.copy(scratch);
  const length = 64 + scratch.write(data, 64);
  hash('sha256', scratch.subarray(0, length), 'buffer').copy(outer, 64);
  return hash('sha256', outer, 'hex');
}

/** Native backend for Node (and Bun and Deno, which implement node:crypto). */
export const nodeBackend: HashBackend = {
  // crypto.hash is the one-shot API (Node >= 20.12): no Hash object per call.
  sha256Hex: (data) => hash('sha256', data, 'hex'),
  hmac: (key, data) => createHmac('sha256', key).update(data).digest(),
  prepareKey,
  hmacHex,
};
