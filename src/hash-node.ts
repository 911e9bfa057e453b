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

/** Native backend for Node (and Bun and Deno, which implement node:crypto). */
export const nodeBackend: HashBackend = {
  // crypto.hash is the one-shot API (Node >= 20.12): no Hash object per call.
  sha256Hex: (data) => hash('sha256', data, 'hex'),
  hmac: (key, data) => createHmac('sha256', key).update(data).digest(),
  prepareKey: (bytes): PreparedKey => ({ bytes }),
  hmacHex: (key, data) => createHmac('sha256', key.bytes).update(data).digest('hex'),
};
