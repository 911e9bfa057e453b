/**
 * ECDSA P-256 from node:crypto: the same {@link EcdsaBackend} contract as WebCrypto's, about
 * faster to sign (bench/PROFILE.md), and DER natively. Only the Node entry of `sigv4-presign/v4a`
 * imports this file, so edge and browser bundles never see a Node built-in.
 *
 * @example
 * ```ts
 * const url = await presignV4a({ ...options, ecdsa: nodeEcdsa });
 * ```
 * @module
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { pkcs8P256, type EcdsaBackend } from './ecdsa.js';

const toBase64Url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const toHex = (base64Url: string | undefined) => Buffer.from(base64Url ?? '', 'base64url').toString('hex');

const privateKey = (d: Uint8Array) =>
  createPrivateKey({ key: Buffer.from(pkcs8P256(d)), format: 'der', type: 'pkcs8' });

/** ECDSA from node:crypto (OpenSSL); Node, and Deno and Bun through their node:crypto. */
export const nodeEcdsa: EcdsaBackend = {
  importPrivateKey: async (d) => privateKey(d),
  sign: async (key, message) => sign('sha256', message, key as KeyObject),
  async publicKeyOf(d) {
    const jwk = createPublicKey(privateKey(d)).export({ format: 'jwk' });
    return { x: toHex(jwk.x), y: toHex(jwk.y) };
  },
  importPublicKey: async ({ x, y }) =>
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: toBase64Url(x), y: toBase64Url(y) }, format: 'jwk' }),
  // The DER as it came: the caller has checked that it is the one strict encoding.
  verify: async (key, message, signature) => verify('sha256', message, key as KeyObject, signature.der),
};
