/**
 * The three CRCs that S3 accepts as upload checksums (`x-amz-checksum-crc32`, `-crc32c`,
 * `-crc64nvme`), as pure functions that continue from the previous piece's result, so a body can
 * be checked while it streams. All three are reflected CRCs with an all-ones start and final XOR
 * (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME in the CRC catalogue).
 *
 * @example
 * ```ts
 * const ascii = new TextEncoder().encode('123456789');
 * crc32(ascii);     // 0xcbf43926, the catalogue's check value
 * crc32c(ascii);    // 0xe3069283
 * crc64nvme(ascii); // 0xae8b14860a799888n
 * crc32(ascii.subarray(4), crc32(ascii.subarray(0, 4))); // 0xcbf43926: piece by piece
 * ```
 * @module
 */

/**
 * Slice-by-8 tables of a reflected 32-bit CRC: table k (at k * 256) advances a byte followed by
 * k zero bytes, so eight bytes cost eight lookups and no per-bit work.
 */
function tables32(polynomial: number): Int32Array {
  const table = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = table[(k - 1) * 256 + n]!;
      table[k * 256 + n] = (previous >>> 8) ^ table[previous & 0xff]!;
    }
  }
  return table;
}

function update32(t: Int32Array, previous: number, bytes: Uint8Array): number {
  let c = ~previous;
  let i = 0;
  for (const whole = bytes.length & ~7; i < whole; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const CRC32 = tables32(0xedb88320);
const CRC32C = tables32(0x82f63b78);

/** CRC-32 (zlib's, ISO-HDLC) of `bytes`, continuing from `previous` (the CRC of what came before). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return update32(CRC32, previous, bytes);
}

/** CRC-32C (Castagnoli, iSCSI) of `bytes`, continuing from `previous`. */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  return update32(CRC32C, previous, bytes);
}

// CRC-64/NVME, reflected polynomial 0x9a6c9329ac4bc9b5, as two 32-bit halves (BigInt per byte
// would be a hundred times slower), with slice-by-8 tables as for the 32-bit CRCs.
const CRC64_HIGH = new Int32Array(8 * 256);
const CRC64_LOW = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let high = 0;
  let low = n;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low = (low >>> 1) | (high << 31);
    high >>>= 1;
    if (carry) {
      high ^= 0x9a6c9329;
      low ^= 0xac4bc9b5;
    }
  }
  CRC64_HIGH[n] = high;
  CRC64_LOW[n] = low;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 8; k++) {
    const high = CRC64_HIGH[(k - 1) * 256 + n]!;
    const low = CRC64_LOW[(k - 1) * 256 + n]!;
    CRC64_HIGH[k * 256 + n] = (high >>> 8) ^ CRC64_HIGH[low & 0xff]!;
    CRC64_LOW[k * 256 + n] = ((low >>> 8) | (high << 24)) ^ CRC64_LOW[low & 0xff]!;
  }
}

/** CRC-64/NVME of `bytes`, continuing from `previous`. */
export function crc64nvme(bytes: Uint8Array, previous = 0n): bigint {
  const H = CRC64_HIGH;
  const L = CRC64_LOW;
  let high = ~Number((previous >> 32n) & 0xffffffffn);
  let low = ~Number(previous & 0xffffffffn);
  let i = 0;
  for (const whole = bytes.length & ~7; i < whole; i += 8) {
    low ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    high ^= bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    const a = 1792 + (low & 0xff);
    const b = 1536 + ((low >>> 8) & 0xff);
    const c = 1280 + ((low >>> 16) & 0xff);
    const d = 1024 + (low >>> 24);
    const e = 768 + (high & 0xff);
    const f = 512 + ((high >>> 8) & 0xff);
    const g = 256 + ((high >>> 16) & 0xff);
    const h = high >>> 24;
    low = L[a]! ^ L[b]! ^ L[c]! ^ L[d]! ^ L[e]! ^ L[f]! ^ L[g]! ^ L[h]!;
    high = H[a]! ^ H[b]! ^ H[c]! ^ H[d]! ^ H[e]! ^ H[f]! ^ H[g]! ^ H[h]!;
  }
  for (; i < bytes.length; i++) {
    const n = (low ^ bytes[i]!) & 0xff;
    low = ((low >>> 8) | (high << 24)) ^ L[n]!;
    high = (high >>> 8) ^ H[n]!;
  }
  return (BigInt(~high >>> 0) << 32n) | BigInt(~low >>> 0);
}
