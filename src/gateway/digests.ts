/**
 * The digests an upload's headers can pin its body with, fed chunk by chunk while the body
 * streams: `Content-MD5` (MD5), `x-amz-content-sha256` (SHA-256), and S3's `x-amz-checksum-*`
 * (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256).
 *
 * MD5, SHA-1 and SHA-256 come from a {@link DigestFactory}: node:crypto on Node (see
 * `gateway-node`), or the pure-JavaScript ones here, which run in every runtime (Workers have no
 * streaming MD5 in WebCrypto). The CRCs are always the pure functions of `crc.ts`.
 *
 * @example
 * ```ts
 * const digest = bodyDigest('crc32', pureJsDigests);
 * digest.update(new TextEncoder().encode('123456789'));
 * digest.digest(); // Uint8Array [0xcb, 0xf4, 0x39, 0x26]: big-endian, as S3 encodes it
 * ```
 * @module
 */
import { blockHash, type BlockDigest, type Compress } from '../core/block-hash.js';
import { sha256Stream } from '../core/sha256.js';
import { crc32, crc32c, crc64nvme } from './crc.js';

/** A digest fed in pieces (the frame's interface, for the CRCs too). */
export type BodyDigest = BlockDigest;

/** The algorithms S3 checks an upload with. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256' | 'md5';

/** Makes a fresh digest of one of the cryptographic hashes, for a runtime to supply natively. */
export type DigestFactory = (algorithm: 'md5' | 'sha1' | 'sha256') => BodyDigest;

// MD5 (RFC 1321 §3.4): T[i] = floor(2^32 · |sin(i + 1)|), and the four rounds' shift amounts.
const MD5_T = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const X = new Int32Array(16);

const md5Block: Compress = (state, data, at) => {
  for (let j = 0; j < 16; j++) {
    const p = at + 4 * j;
    X[j] = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!;
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    let f: number;
    let g: number;
    if (round === 0) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (round === 1) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (round === 2) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const s = MD5_S[round * 4 + (i & 3)]!;
    const sum = (a + f + MD5_T[i]! + X[g]!) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
  }
  state[0]! += a;
  state[1]! += b;
  state[2]! += c;
  state[3]! += d;
};

// SHA-1 (FIPS 180-4 §6.1.2).
const W = new Int32Array(80);
const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc | 0, 0xca62c1d6 | 0];

const sha1Block: Compress = (state, data, at) => {
  for (let t = 0; t < 16; t++) {
    const p = at + 4 * t;
    W[t] = (data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
  }
  for (let t = 16; t < 80; t++) {
    const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!,
    e = state[4]!;
  for (let t = 0; t < 80; t++) {
    const f = t < 20 ? (b & c) | (~b & d) : t < 40 || t >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
    const temp = (((a << 5) | (a >>> 27)) + f + e + SHA1_K[(t / 20) | 0]! + W[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  state[0]! += a;
  state[1]! += b;
  state[2]! += c;
  state[3]! += d;
  state[4]! += e;
};

const INITIAL = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

/**
 * MD5, SHA-1 and SHA-256 in pure JavaScript: the default where no native streaming hash exists.
 *
 * @example
 * ```ts
 * const hash = pureJsDigests('md5');
 * hash.update(new TextEncoder().encode('abc'));
 * hash.digest(); // 90 01 50 98 3c d2 4f b0 d6 96 3f 7d 28 e1 7f 72
 * ```
 */
export const pureJsDigests: DigestFactory = (algorithm) =>
  algorithm === 'md5'
    ? blockHash(INITIAL.slice(0, 4), md5Block, true)
    : algorithm === 'sha1'
      ? blockHash(INITIAL, sha1Block, false)
      : sha256Stream();

/** A 32-bit CRC as a digest: the running value, then its bytes big-endian (as S3's base64 encodes them). */
function crcDigest(step: (bytes: Uint8Array, previous: number) => number): BodyDigest {
  let value = 0;
  return {
    update: (chunk) => void (value = step(chunk, value)),
    digest: () => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, value);
      return out;
    },
  };
}

function crc64Digest(): BodyDigest {
  let value = 0n;
  return {
    update: (chunk) => void (value = crc64nvme(chunk, value)),
    digest: () => {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, value);
      return out;
    },
  };
}

/**
 * A fresh digest for `algorithm`: the CRCs from `crc.ts`, the hashes from `hashes`.
 *
 * @example
 * ```ts
 * const digest = bodyDigest('sha256', pureJsDigests);
 * ```
 */
export function bodyDigest(algorithm: ChecksumAlgorithm, hashes: DigestFactory): BodyDigest {
  switch (algorithm) {
    case 'crc32':
      return crcDigest(crc32);
    case 'crc32c':
      return crcDigest(crc32c);
    case 'crc64nvme':
      return crc64Digest();
    default:
      return hashes(algorithm);
  }
}
