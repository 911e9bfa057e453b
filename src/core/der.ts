/**
 * ECDSA P-256 signatures between the two forms in use: IEEE P1363 (`r ‖ s`, 32 bytes each, what
 * WebCrypto signs and verifies) and DER (`SEQUENCE { INTEGER r, INTEGER s }`, what SigV4a puts in
 * `X-Amz-Signature`, as hex).
 *
 * Reading DER is strict: one encoding per signature. Long-form lengths, non-minimal or negative
 * integers, trailing bytes, and r or s outside 1..n − 1 are refused. A lax reader would let one
 * signature travel under many spellings, and each spelling is a different URL.
 *
 * @example
 * ```ts
 * const der = p1363ToDer(new Uint8Array(await crypto.subtle.sign(algorithm, key, data)));
 * derToP1363(der); // the 64 bytes again
 * ```
 * @module
 */

/** The order n of P-256's base point, big-endian. */
export const P256_ORDER: Readonly<Uint8Array> = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
  0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
]);

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** Whether the 32-byte big-endian `value` lies in 1..n − 1. Signatures are public: no need for constant time. */
function inRange(value: Uint8Array): boolean {
  let nonZero = false;
  let below: boolean | undefined; // decided at the first byte that differs from n
  for (let i = 0; i < 32; i++) {
    if (value[i] !== 0) nonZero = true;
    if (below === undefined && value[i] !== P256_ORDER[i]) below = value[i]! < P256_ORDER[i]!;
  }
  return nonZero && below === true;
}

/** The minimal DER INTEGER for a 32-byte unsigned big-endian value. */
function derInteger(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < 31 && value[start] === 0) start++;
  const pad = value[start]! >= 0x80 ? 1 : 0; // a set top bit would read as negative
  const out = new Uint8Array(2 + pad + 32 - start);
  out[0] = INTEGER;
  out[1] = out.length - 2;
  out.set(value.subarray(start), 2 + pad);
  return out;
}

/**
 * Encodes a P1363 signature (64 bytes) as DER. Throws a `RangeError` for another length, or for
 * r or s outside 1..n − 1, which no correct signer produces.
 *
 * @example
 * ```ts
 * p1363ToDer(signature); // Uint8Array(70..72), 30 44 02 20 …
 * ```
 */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32);
  if (signature.length !== 64 || !inRange(r) || !inRange(s))
    throw new RangeError('not a P-256 signature: r and s must each be 32 bytes in 1..n-1');
  const rDer = derInteger(r);
  const sDer = derInteger(s);
  const out = new Uint8Array(2 + rDer.length + sDer.length);
  out[0] = SEQUENCE;
  out[1] = out.length - 2; // at most 70: a short-form length
  out.set(rDer, 2);
  out.set(sDer, 2 + rDer.length);
  return out;
}

/**
 * Reads one DER INTEGER at `at` into `out[offset..offset+32)`; returns the index after it, or -1
 * for anything but a minimal, non-negative integer of at most 32 significant bytes.
 */
function readInteger(der: Uint8Array, at: number, out: Uint8Array, offset: number): number {
  if (der[at] !== INTEGER) return -1;
  const length = der[at + 1]!;
  const start = at + 2;
  const end = start + length;
  if (length < 1 || length > 33 || end > der.length) return -1; // also refuses long-form lengths (≥ 0x80)
  const first = der[start]!;
  if (first >= 0x80) return -1; // negative
  if (first === 0 && length > 1 && der[start + 1]! < 0x80) return -1; // a leading zero that was not needed
  const value = der.subarray(first === 0 && length > 1 ? start + 1 : start, end);
  if (value.length > 32) return -1;
  out.set(value, offset + 32 - value.length);
  return end;
}

/**
 * Decodes a DER signature into P1363 (64 bytes), or `undefined` when it is not the one strict
 * encoding of a P-256 signature with r and s in 1..n − 1.
 *
 * @example
 * ```ts
 * derToP1363(fromHex('3044022035c6…')); // Uint8Array(64)
 * derToP1363(Uint8Array.of(0x30, 0x81, 0x44)); // undefined: long-form length
 * ```
 */
export function derToP1363(der: Uint8Array): Uint8Array | undefined {
  // At most 72 bytes (two 33-byte integers), so the length is one short-form byte.
  if (der.length < 8 || der.length > 72 || der[0] !== SEQUENCE || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  const afterR = readInteger(der, 2, out, 0);
  if (afterR < 0 || readInteger(der, afterR, out, 32) !== der.length) return undefined;
  return inRange(out.subarray(0, 32)) && inRange(out.subarray(32)) ? out : undefined;
}
