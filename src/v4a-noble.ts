/**
 * `sigv4-presign/v4a-noble`: ECDSA P-256 from `@noble/curves` (an optional peer dependency), for
 * runtimes whose platform cannot sign with a derived SigV4a key: Safari's WebCrypto refuses to
 * import a raw P-256 private key (WebKit bug 302707), where `presignV4a` rejects with
 * `ECDSA_UNAVAILABLE`. Pass it as the `ecdsa` option. It costs about 15 KB gzipped and is about 15
 * times slower than node:crypto, so use it only where the platform cannot do the work.
 *
 * @example
 * ```ts
 * import { presignV4a } from 'sigv4-presign/v4a';
 * import { nobleEcdsa } from 'sigv4-presign/v4a-noble';
 * const url = await presignV4a({ ...options, ecdsa: nobleEcdsa });
 * ```
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { p1363ToDer } from './core/der.js';
import { toHex } from './core/encoding.js';
import { hexBytes, type EcdsaBackend } from './core/ecdsa.js';

/**
 * ECDSA P-256 over SHA-256 by `@noble/curves`, as an {@link EcdsaBackend}. Verifies high-S
 * signatures, as AWS's signers make them.
 *
 * @example
 * ```ts
 * const result = await verifyPresignedUrl(request, { secretFor, ecdsa: nobleEcdsa });
 * ```
 */
export const nobleEcdsa: EcdsaBackend = {
  // The key is the scalar itself; a copy, so that the caller's array can change.
  importPrivateKey: async (d) => Uint8Array.from(d),
  sign: async (privateKey, message) => p1363ToDer(p256.sign(message, privateKey as Uint8Array)),
  async publicKeyOf(d) {
    const point = p256.getPublicKey(d, false); // 04 ‖ x ‖ y
    return { x: toHex(point.subarray(1, 33)), y: toHex(point.subarray(33)) };
  },
  async importPublicKey({ x, y }) {
    const point = new Uint8Array(65);
    point[0] = 0x04;
    point.set(hexBytes(x), 1);
    point.set(hexBytes(y), 33);
    p256.Point.fromBytes(point); // throws for a point that is not on the curve
    return point;
  },
  verify: async (publicKey, message, signature) =>
    p256.verify(signature.p1363, message, publicKey as Uint8Array, { lowS: false }),
};
