/**
 * ECDSA P-256 with SHA-256 from the platform, behind one small interface: SigV4a signs and
 * verifies with it, and nothing in this package does curve arithmetic itself.
 *
 * Two backends implement it: {@link webCryptoEcdsa} (every runtime with `crypto.subtle`: browsers,
 * Deno, Bun, workerd, Node) and `nodeEcdsa` (./ecdsa-node.ts, node:crypto, behind Node's export
 * condition). Our part is only the wrapping: the raw private scalar into PKCS#8, the one form
 * every WebCrypto imports a bare P-256 private key from, and signatures between P1363 and DER.
 *
 * @example
 * ```ts
 * const key = await webCryptoEcdsa.importPrivateKey(d);
 * const der = await webCryptoEcdsa.sign(key, utf8.encode(stringToSign));
 * ```
 * @module
 */
import { toHex } from './encoding.js';
import { SigV4Error } from './errors.js';
import { p1363ToDer } from './der.js';

/** A P-256 public key: the point's coordinates, each 64 lower-case hex digits (as aws-c-auth writes them). */
export interface V4aPublicKey {
  readonly x: string;
  readonly y: string;
}

/** A signature read from DER, in both forms, so each backend takes the one it verifies. */
export interface ParsedSignature {
  readonly der: Uint8Array;
  readonly p1363: Uint8Array;
}

/** ECDSA P-256 over SHA-256. Keys are opaque objects of the backend that made them. */
export interface EcdsaBackend {
  /** Imports the private scalar `d` (32 bytes, big-endian) for signing. */
  importPrivateKey(d: Uint8Array): Promise<object>;
  /** Signs SHA-256(`message`); returns the signature in DER. */
  sign(privateKey: object, message: Uint8Array): Promise<Uint8Array>;
  /** The public key of the private scalar `d`, computed by the platform. */
  publicKeyOf(d: Uint8Array): Promise<V4aPublicKey>;
  /** Imports a public key for verifying; rejects a point that is not on the curve. */
  importPublicKey(key: V4aPublicKey): Promise<object>;
  /** Whether `signature` is valid for SHA-256(`message`). High-S signatures are valid: AWS makes them. */
  verify(publicKey: object, message: Uint8Array, signature: ParsedSignature): Promise<boolean>;
}

/** What a PKCS#8 P-256 private key without its public key holds before the 32 bytes of d (RFC 5208, RFC 5915). */
const PKCS8_P256_PREFIX = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
  0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);

/**
 * Wraps a raw P-256 private scalar as PKCS#8 DER (67 bytes), with no public key: WebCrypto and
 * node:crypto compute the point themselves. A JWK would need the point's coordinates too.
 *
 * @example
 * ```ts
 * await crypto.subtle.importKey('pkcs8', pkcs8P256(d), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
 * ```
 */
export function pkcs8P256(d: Uint8Array): Uint8Array<ArrayBuffer> {
  if (d.length !== 32) throw new RangeError('a P-256 private key is 32 bytes');
  const out = new Uint8Array(PKCS8_P256_PREFIX.length + 32);
  out.set(PKCS8_P256_PREFIX);
  out.set(d, PKCS8_P256_PREFIX.length);
  return out;
}

/** Lower-case hex of a base64url text, as JWK coordinates come. */
export function base64UrlToHex(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return toHex(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The value of a lower-case hex digit's character code (`0-9a-f`, already checked). */
const digit = (code: number) => (code < 0x3a ? code - 0x30 : code - 0x57);

/** Bytes of a lower-case hex text (its characters already checked). */
export function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (digit(hex.charCodeAt(2 * i)) << 4) | digit(hex.charCodeAt(2 * i + 1));
  return out;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Why a runtime cannot sign: WebCrypto is missing (an insecure context) or refuses a bare P-256
 * private key (Safari: WebKit bug 302707). The message names the way out.
 */
const unavailable = (why: string) =>
  new SigV4Error(
    'ECDSA_UNAVAILABLE',
    `SigV4a needs ECDSA P-256 from the platform, and ${why}. ` +
      "Pass { ecdsa: nobleEcdsa } from 'sigv4-presign/v4a-noble' (it needs the optional peer dependency @noble/curves).",
  );

function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (found === undefined)
    throw unavailable('crypto.subtle is missing here (a browser gives it to secure contexts only)');
  return found;
}

/** A copy in a fresh ArrayBuffer: WebCrypto takes no view of a shared or resizable buffer. */
const own = (bytes: Uint8Array) => Uint8Array.from(bytes);

/**
 * ECDSA from WebCrypto (`crypto.subtle`). A private key that the runtime refuses to import
 * throws `SigV4Error` `ECDSA_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const url = await presignV4a({ ...options, ecdsa: webCryptoEcdsa });
 * ```
 */
export const webCryptoEcdsa: EcdsaBackend = {
  async importPrivateKey(d) {
    try {
      return await subtle().importKey('pkcs8', pkcs8P256(d), P256, false, ['sign']);
    } catch (error) {
      if (error instanceof SigV4Error) throw error;
      throw unavailable('this runtime cannot import a raw P-256 private key');
    }
  },
  async sign(privateKey, message) {
    return p1363ToDer(new Uint8Array(await subtle().sign(SHA256, privateKey as CryptoKey, own(message))));
  },
  async publicKeyOf(d) {
    let jwk: JsonWebKey;
    try {
      const key = await subtle().importKey('pkcs8', pkcs8P256(d), P256, true, ['sign']);
      jwk = await subtle().exportKey('jwk', key);
    } catch (error) {
      if (error instanceof SigV4Error) throw error;
      throw unavailable('this runtime cannot compute the public key of a raw P-256 private key');
    }
    return { x: base64UrlToHex(jwk.x!), y: base64UrlToHex(jwk.y!) };
  },
  async importPublicKey({ x, y }) {
    const point = new Uint8Array(65);
    point[0] = 0x04; // uncompressed
    point.set(hexBytes(x), 1);
    point.set(hexBytes(y), 33);
    return subtle().importKey('raw', point, P256, false, ['verify']);
  },
  async verify(publicKey, message, signature) {
    return subtle().verify(SHA256, publicKey as CryptoKey, own(signature.p1363), own(message));
  },
};

let current: EcdsaBackend = webCryptoEcdsa;

/**
 * The ECDSA backend used when an option does not name one: WebCrypto, or node:crypto once the
 * Node entry of `sigv4-presign/v4a` has loaded.
 *
 * @example
 * ```ts
 * const key = await defaultEcdsa().importPrivateKey(d);
 * ```
 */
export function defaultEcdsa(): EcdsaBackend {
  return current;
}

/**
 * Replaces the default ECDSA backend for the whole process (the Node entry sets node:crypto's).
 *
 * @example
 * ```ts
 * setDefaultEcdsa(nodeEcdsa);
 * ```
 */
export function setDefaultEcdsa(backend: EcdsaBackend): void {
  current = backend;
}
