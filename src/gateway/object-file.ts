/**
 * One object in one file: a small header, then the body. Bytes and content type are written to
 * one temporary file and renamed into place together, so a reader meets either the old object or
 * the new one, whole, with its own content type; and one `read` from offset 0 gets the metadata
 * and, for a small object, the whole body.
 *
 * Layout (integers big-endian):
 *
 * | offset | bytes | field |
 * |---:|---:|---|
 * | 0 | 4 | magic `SGW` 0x01 |
 * | 4 | 4 | header length H: the body starts at H (later versions may add fields before it) |
 * | 8 | 8 | body length |
 * | 16 | 1 | flags: bit 0 set when a content type is stored |
 * | 17 | 2 | content type length N |
 * | 19 | N | content type, latin1 (an HTTP header value is bytes) |
 *
 * @example
 * ```ts
 * const header = encodeObjectHeader(5, 'text/plain');
 * decodeObjectHeader(header); // { headerLength: 29, size: 5, contentType: 'text/plain' }
 * ```
 * @module
 */

const MAGIC = 0x53475701;
const FIXED = 19;
/** The longest content type stored: far above any real one, and under Node's 16 KiB header limit. */
export const MAX_CONTENT_TYPE_LENGTH = 16 * 1024;
/** The longest header a reader accepts; one first read of this size always holds it. */
export const MAX_HEADER_LENGTH = 32 * 1024;

/** What an object file's header says. */
export interface ObjectHeader {
  /** Where the body starts. */
  readonly headerLength: number;
  /** The body's length in bytes. */
  readonly size: number;
  readonly contentType: string | undefined;
}

/**
 * The header of an object of `size` bytes. Throws a `RangeError` for a content type over
 * {@link MAX_CONTENT_TYPE_LENGTH} bytes or with a character beyond latin1.
 */
export function encodeObjectHeader(size: number, contentType: string | undefined): Uint8Array {
  const type = contentType ?? '';
  if (type.length > MAX_CONTENT_TYPE_LENGTH) throw new RangeError('the content type is too long to store');
  const header = new Uint8Array(FIXED + type.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, header.length);
  view.setUint32(8, Math.floor(size / 2 ** 32));
  view.setUint32(12, size >>> 0);
  header[16] = contentType === undefined ? 0 : 1;
  view.setUint16(17, type.length);
  for (let i = 0; i < type.length; i++) {
    const code = type.charCodeAt(i);
    if (code > 0xff) throw new RangeError('a content type is latin1 text');
    header[FIXED + i] = code;
  }
  return header;
}

/**
 * Reads the header at the start of `bytes` (the first read of a file), or undefined when they do
 * not start with a whole, well-formed object header: whatever else sits at an object's path (an
 * empty file, a FIFO, a stray file) is no object.
 */
export function decodeObjectHeader(bytes: Uint8Array): ObjectHeader | undefined {
  if (bytes.length < FIXED) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = view.getUint32(4);
  const typeLength = view.getUint16(17);
  const high = view.getUint32(8);
  if (
    view.getUint32(0) !== MAGIC ||
    headerLength < FIXED + typeLength ||
    headerLength > MAX_HEADER_LENGTH ||
    headerLength > bytes.length ||
    high >= 2 ** 21 // beyond Number.MAX_SAFE_INTEGER
  ) {
    return undefined;
  }
  let contentType: string | undefined;
  if ((bytes[16]! & 1) === 1) {
    contentType = '';
    // Content types are short: a loop beats a decoder's call overhead.
    for (let i = FIXED; i < FIXED + typeLength; i++) contentType += String.fromCharCode(bytes[i]!);
  }
  return { headerLength, size: high * 2 ** 32 + view.getUint32(12), contentType };
}
