/**
 * Hashes of 64-byte blocks fed in pieces, such as a request body: one frame for SHA-256 (the
 * signer's, `sha256.ts`) and the gateway's MD5 and SHA-1.
 *
 * @module
 */

/** A digest fed in pieces. */
export interface BlockDigest {
  /** Absorbs the next piece of the message. */
  update(chunk: Uint8Array): void;
  /** The digest of everything absorbed, as bytes; call it once, last. */
  digest(): Uint8Array;
}

/** A 64-byte-block hash's compression function: absorbs the block at `data[at..at+64)` into `state`. */
export type Compress = (state: Int32Array, data: Uint8Array, at: number) => void;

/**
 * The Merkle–Damgård frame that MD5, SHA-1 and SHA-256 share, for a message fed in pieces: whole
 * blocks compressed as they come (at most 63 bytes wait for the next piece), then the padding
 * (0x80, zeros, the length in bits as 64 bits) and the state as output, little-endian for MD5,
 * big-endian for SHA-1 and SHA-256.
 *
 * @example
 * ```ts
 * const hash = blockHash(initialState, compressBlock, false);
 * for (const chunk of chunks) hash.update(chunk);
 * hash.digest();
 * ```
 */
export function blockHash(initial: ArrayLike<number>, compress: Compress, littleEndian: boolean): BlockDigest {
  const state = Int32Array.from(initial);
  const pending = new Uint8Array(64);
  let waiting = 0;
  let length = 0;
  const absorb = (chunk: Uint8Array) => {
    let at = 0;
    if (waiting > 0) {
      at = Math.min(64 - waiting, chunk.length);
      pending.set(chunk.subarray(0, at), waiting);
      waiting += at;
      if (waiting < 64) return;
      compress(state, pending, 0);
      waiting = 0;
    }
    for (; at + 64 <= chunk.length; at += 64) compress(state, chunk, at);
    pending.set(chunk.subarray(at));
    waiting = chunk.length - at;
  };
  return {
    update(chunk) {
      length += chunk.length;
      absorb(chunk);
    },
    digest() {
      const bits = length * 8;
      const tail = new Uint8Array(waiting < 56 ? 64 - waiting : 128 - waiting);
      tail[0] = 0x80;
      for (let i = 0; i < 8; i++) {
        // ToInt32 in `& 0xff` is exact for integers below 2^53.
        tail[littleEndian ? tail.length - 8 + i : tail.length - 1 - i] = Math.floor(bits / 2 ** (8 * i)) & 0xff;
      }
      absorb(tail);
      const out = new Uint8Array(state.length * 4);
      const view = new DataView(out.buffer);
      state.forEach((word, i) => view.setInt32(4 * i, word, littleEndian));
      return out;
    },
  };
}
