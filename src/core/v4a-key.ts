/**
 * SigV4a's key derivation: the P-256 private key that an access key id and secret stand for.
 *
 * NIST SP 800-108 in counter mode, with HMAC-SHA256 as the PRF, as aws-c-auth does it:
 *
 * ```
 * key   = "AWS4A" ‖ secretAccessKey
 * k0    = HMAC(key, 00000001 ‖ "AWS4-ECDSA-P256-SHA256" ‖ 00 ‖ accessKeyId ‖ counter ‖ 00000100)
 * d     = k0 + 1, for the first counter in 1..254 whose k0 ≤ n − 2 (n: the order of P-256)
 * ```
 *
 * The comparison with n − 2 and the addition run in constant time: k0 is the secret key less
 * one. Nothing here does curve arithmetic; the platform's ECDSA takes `d` from there.
 *
 * @example
 * ```ts
 * const d = deriveV4aPrivateKey('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
 * toHex(d); // '7efc8c0e65a324242818c5a50c891c6060b6a00717b7ba3cbe3c5d765be9259c'
 * ```
 * @module
 */
import { utf8 } from './encoding.js';
import { SigV4Error } from './errors.js';
import { hmac, hmacKey } from './sha256.js';

/** The SigV4a algorithm name, as it appears in `X-Amz-Algorithm` and in the derivation's label. */
export const V4A_ALGORITHM = 'AWS4-ECDSA-P256-SHA256';

/** n − 2, where n is the order of P-256's base point: the largest k0 the derivation accepts. */
export const P256_N_MINUS_2: Readonly<Uint8Array> = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
  0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
]);

/** The last counter value the derivation tries (aws-c-auth's bound; reaching it has probability about 2^(−32·254)). */
export const MAX_COUNTER = 254;

/** HMAC-SHA256 over bytes: the derivation's PRF. Injectable, so tests can steer k0. */
export type HmacBytes = (key: Uint8Array, message: Uint8Array) => Uint8Array;

/** The pure-JavaScript HMAC of ./sha256.ts. Derivation runs once per credentials, so speed does not matter here. */
const pureHmac: HmacBytes = (key, message) => hmac(hmacKey(key), message);

/**
 * Whether the big-endian unsigned `a` is greater than `b` (same length), in time that does not
 * depend on their values: every byte is read, and no branch depends on one.
 *
 * @example
 * ```ts
 * greaterThan(Uint8Array.of(0xff, 0x00), Uint8Array.of(0xfe, 0xff)); // true
 * ```
 */
export function greaterThan(a: Uint8Array, b: Uint8Array): boolean {
  // From the least significant byte up, the borrow of b − a: set at the end exactly when a > b.
  let borrow = 0;
  for (let i = a.length - 1; i >= 0; i--) borrow = ((b[i]! - a[i]! - borrow) >>> 31) & 1;
  return borrow === 1;
}

/**
 * `value + 1` as a new big-endian number of the same length, in constant time (a maximal value
 * wraps to zero, which the derivation never passes: k0 ≤ n − 2).
 *
 * @example
 * ```ts
 * addOne(Uint8Array.of(0x00, 0xff)); // Uint8Array [0x01, 0x00]
 * ```
 */
export function addOne(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(value.length);
  let carry = 1;
  for (let i = value.length - 1; i >= 0; i--) {
    const sum = value[i]! + carry;
    out[i] = sum & 0xff;
    carry = sum >>> 8;
  }
  return out;
}

/**
 * Derives the SigV4a private key `d` (32 bytes, big-endian, in 1..n − 1) for an access key id and
 * secret, as aws-c-auth, the AWS SDKs and IAM do. Throws `INVALID_CREDENTIALS` only if no counter
 * in 1..254 gives a key, which no real secret does. `hmac` is for tests; the default is the
 * pure-JavaScript HMAC-SHA256.
 *
 * @example
 * ```ts
 * deriveV4aPrivateKey('AKISORANDOMAASORANDOM', 'q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom');
 * // Uint8Array(32) 7fd3bd01…90fca1bd, aws-c-auth's fixed vector
 * ```
 */
export function deriveV4aPrivateKey(
  accessKeyId: string,
  secretAccessKey: string,
  hmacBytes: HmacBytes = pureHmac,
): Uint8Array {
  const key = utf8.encode('AWS4A' + secretAccessKey);
  const id = utf8.encode(accessKeyId);
  const label = utf8.encode(V4A_ALGORITHM);
  // 00000001 ‖ label ‖ 00 ‖ id ‖ counter ‖ 00000100: the counter byte sits 5 bytes from the end.
  const input = new Uint8Array(4 + label.length + 1 + id.length + 1 + 4);
  input[3] = 1;
  input.set(label, 4);
  input.set(id, 5 + label.length);
  input[input.length - 2] = 1; // 00000100: 256, the output length in bits
  for (let counter = 1; counter <= MAX_COUNTER; counter++) {
    input[input.length - 5] = counter;
    const k0 = hmacBytes(key, input);
    if (!greaterThan(k0, P256_N_MINUS_2)) return addOne(k0);
  }
  throw new SigV4Error('INVALID_CREDENTIALS', 'no SigV4a key can be derived from these credentials');
}
