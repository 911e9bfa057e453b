/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) over bytes, in the fewest lines that read
 * like the standard: the pure-JavaScript half of the hash backend.
 *
 * An HMAC key is prepared once ({@link hmacKey}): both padded key blocks are compressed up
 * front, so each message costs only its own blocks plus one block for the outer hash.
 *
 * @example
 * ```ts
 * sha256(new TextEncoder().encode('abc')); // Uint8Array(32) [0xba, 0x78, 0x16, …]
 * hmac(hmacKey(key), message);               // Uint8Array(32)
 * ```
 * @module
 */
import { blockHash, type BlockDigest } from './block-hash.js';

/** The first 32 bits of the fractional part of `x`, as an int32. */
const fraction32 = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;

// The constants of FIPS 180-4, computed as the standard defines them (§4.2.2, §5.3.3): K from the
// cube roots of the first 64 primes, H0 from the square roots of the first 8. A double carries
// ~50 fractional bits here, so the 32 taken are exact unless a root were off by 2^18 ulps.
const K = new Int32Array(64);
const H0 = new Int32Array(8);
for (let n = 2, i = 0; i < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (!prime) continue;
  if (i < 8) H0[i] = fraction32(Math.sqrt(n));
  K[i++] = fraction32(Math.cbrt(n));
}

const W = new Int32Array(64); // message schedule, reused: SHA-256 here is never re-entered
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** Compresses the 64-byte blocks `data[from..to)` into `state` (§6.2.2). */
function compress(state: Int32Array, data: Uint8Array, from: number, to: number): void {
  for (let p = from; p < to; p += 64) {
    for (let t = 0; t < 16; t++) {
      const i = p + 4 * t;
      W[t] = (data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
    }
    let a = state[0]!,
      b = state[1]!,
      c = state[2]!,
      d = state[3]!,
      e = state[4]!,
      f = state[5]!,
      g = state[6]!,
      h = state[7]!;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0]! += a;
    state[1]! += b;
    state[2]! += c;
    state[3]! += d;
    state[4]! += e;
    state[5]! += f;
    state[6]! += g;
    state[7]! += h;
  }
}

/**
 * Hashes `message` on top of `state`, which has already absorbed `absorbed` bytes (a multiple
 * of 64), and returns the digest. `state` is left untouched.
 */
function finish(state: Int32Array, absorbed: number, message: Uint8Array): Uint8Array {
  const s = state.slice();
  const whole = message.length & ~63;
  compress(s, message, 0, whole);
  // Padding (§5.1.1): 0x80, zeros, then the length in bits as a 64-bit big-endian number.
  const tail = new Uint8Array(message.length - whole < 56 ? 64 : 128);
  tail.set(message.subarray(whole));
  tail[message.length - whole] = 0x80;
  const bits = (absorbed + message.length) * 8;
  for (let i = 1; i <= 8; i++) tail[tail.length - i] = Math.floor(bits / 2 ** (8 * i - 8));
  compress(s, tail, 0, tail.length);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 32; i++) digest[i] = s[i >> 2]! >>> (24 - 8 * (i & 3));
  return digest;
}

/** SHA-256 of `message`. */
export function sha256(message: Uint8Array): Uint8Array {
  return finish(H0, 0, message);
}

/** An HMAC-SHA256 key with both padded blocks already compressed. */
export interface HmacKey {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

/** Prepares `key` for {@link hmac}: K ⊕ ipad and K ⊕ opad, each compressed once (RFC 2104 §2). */
export function hmacKey(key: Uint8Array): HmacKey {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const pad = (byte: number) => {
    const state = H0.slice();
    compress(
      state,
      block.map((b) => b ^ byte),
      0,
      64,
    );
    return state;
  };
  return { inner: pad(0x36), outer: pad(0x5c) };
}

/** HMAC-SHA256 of `message` under a prepared key: H(K ⊕ opad ‖ H(K ⊕ ipad ‖ message)). */
export function hmac(key: HmacKey, message: Uint8Array): Uint8Array {
  return finish(key.outer, 64, finish(key.inner, 64, message));
}

/**
 * SHA-256 of a message that arrives in pieces, such as a request body (the frame of
 * `block-hash.ts` around this module's compression).
 *
 * @example
 * ```ts
 * const hash = sha256Stream();
 * for (const chunk of chunks) hash.update(chunk);
 * hash.digest(); // the same bytes as sha256(all chunks joined)
 * ```
 */
export const sha256Stream = (): BlockDigest =>
  blockHash(H0, (state, data, at) => compress(state, data, at, at + 64), false);
