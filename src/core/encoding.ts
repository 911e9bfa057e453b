/**
 * RFC 3986 percent-encoding over UTF-8 bytes, the way SigV4 defines it.
 *
 * Unreserved characters (`A–Z a–z 0–9 - . _ ~`) stand as they are; every other byte becomes
 * `%XX` with upper-case hex. Decoding turns each `%XX` into one byte (not a UTF-8 sequence
 * checked by `decodeURIComponent`), so a lone `%80` survives as the byte 0x80.
 *
 * @example
 * ```ts
 * uriEncode('photos/cat picture+1.jpg', true); // 'photos/cat%20picture%2B1.jpg'
 * uriEncode('a/b', false);                     // 'a%2Fb'
 * recode('caf%C3%A9%7E', false);               // 'caf%C3%A9~'
 * ```
 * @module
 */

/** Lower-case hex of each byte, as digests are written. */
const HEX: string[] = [];
/** Canonical form of each byte: itself when unreserved (`A–Z a–z 0–9 - . _ ~`), else `%XX`. */
const CANONICAL: string[] = [];
for (let b = 0; b < 256; b++) {
  HEX.push((b < 16 ? '0' : '') + b.toString(16));
  const char = String.fromCharCode(b);
  CANONICAL.push(/[\w.~-]/.test(char) ? char : '%' + HEX[b]!.toUpperCase());
}

/** The canonical form of byte `b`; `/` stays `/` when `keepSlash` is set. */
const encodeByte = (b: number, keepSlash: boolean) => (keepSlash && b === 0x2f ? '/' : CANONICAL[b]!);

/** The one UTF-8 encoder the stages share. */
export const utf8: { encode(input: string): Uint8Array } = new TextEncoder();

const hexValue = (c: number) => (c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1);

/** The byte a valid `%XX` escape at `i` names, or -1. */
const escapedByte = (value: string, i: number) =>
  (hexValue(value.charCodeAt(i + 1)) << 4) | hexValue(value.charCodeAt(i + 2));

// A character that does not stand as itself: anything but unreserved ones ('/' too, in a path).
const UNSAFE_IN_TEXT = /[^\w.~-]/;
const UNSAFE_IN_PATH = /[^\w.~/-]/;
// Canonical text is unreserved characters and upper-case escapes ('/' too, in a path), where no
// escape names a character that stands as itself (%41 is 'A'), nor '/' in a path.
const CANONICAL_TEXT = /^(?:[\w.~-]|%[0-9A-F]{2})*$/;
const CANONICAL_PATH = /^(?:[\w.~/-]|%(?!2F)[0-9A-F]{2})*$/;
const ESCAPED_UNRESERVED = /%(?:2[DE]|3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|7E)/;

/**
 * Whether an encoded value is already in canonical form, so that {@link recode} would return it
 * unchanged. Native pattern matching: a 1 KB session token is checked in well under a microsecond.
 *
 * @example
 * ```ts
 * isCanonical('a%2Bb', false); // true
 * isCanonical('a+b', false);   // false: '+' must be %2B
 * isCanonical('%7e', false);   // false: '~' stands as itself
 * ```
 */
export function isCanonical(value: string, keepSlash: boolean): boolean {
  // Without escapes, one character class decides (and is the faster pattern).
  if (!value.includes('%')) return value.search(keepSlash ? UNSAFE_IN_PATH : UNSAFE_IN_TEXT) < 0;
  return (keepSlash ? CANONICAL_PATH : CANONICAL_TEXT).test(value) && !ESCAPED_UNRESERVED.test(value);
}

/** Percent-encodes bytes; `/` (0x2F) is kept when `keepSlash` is set.
 *
 * @example
 * ```ts
 * uriEncodeBytes(Uint8Array.of(0x61, 0x2f, 0x80), true); // 'a/%80'
 * ```
 */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  // One join, not hundreds of `+=`: the result is a flat string, which V8 hashes and compares
  // without walking a rope (a long session token would otherwise cost more at every use).
  return Array.from(bytes, (b) => encodeByte(b, keepSlash)).join('');
}

/**
 * Percent-encodes the UTF-8 bytes of `value` per RFC 3986. A lone UTF-16 surrogate, which has
 * no UTF-8 form, is encoded as U+FFFD, as `TextEncoder` and WHATWG URL do.
 */
export function uriEncode(value: string, keepSlash: boolean): string {
  const start = value.search(keepSlash ? UNSAFE_IN_PATH : UNSAFE_IN_TEXT); // the first character to escape
  return start < 0 ? value : value.slice(0, start) + uriEncodeBytes(utf8.encode(value.slice(start)), keepSlash);
}

/**
 * {@link percentDecode} for ASCII text, which every URL on the wire is: each character or escape
 * is one byte, so no TextEncoder call per run (bench/PROFILE.md: the verifier's session token).
 * `undefined` when `value` holds a non-ASCII character.
 */
function percentDecodeAscii(value: string): Uint8Array | undefined {
  const bytes = new Uint8Array(value.length);
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return undefined;
    const byte = c === 0x25 ? escapedByte(value, i) : -1;
    if (byte >= 0) i += 2;
    bytes[n++] = byte >= 0 ? byte : c;
  }
  return n === bytes.length ? bytes : bytes.slice(0, n);
}

/**
 * Decodes `%XX` escapes to the bytes they name; every other character contributes its UTF-8
 * bytes. A `%` not followed by two hex digits stands for itself, as in WHATWG URL.

 *
 * @example
 * ```ts
 * percentDecode('a%2Fb%80'); // Uint8Array [0x61, 0x2f, 0x62, 0x80]
 * ```
 */
export function percentDecode(value: string): Uint8Array {
  const ascii = percentDecodeAscii(value);
  if (ascii !== undefined) return ascii;
  const bytes: number[] = [];
  let run = 0; // start of the current run of literal characters
  for (let i = value.indexOf('%'); i >= 0; i = value.indexOf('%', i + 1)) {
    const byte = escapedByte(value, i);
    if (byte < 0) continue;
    for (const b of utf8.encode(value.slice(run, i))) bytes.push(b);
    bytes.push(byte);
    run = i + 3;
    i += 2;
  }
  for (const b of utf8.encode(value.slice(run))) bytes.push(b);
  return Uint8Array.from(bytes);
}

/**
 * Brings an already-encoded URL component to canonical form: escapes are decoded to bytes and
 * every byte is encoded again per RFC 3986. `%7e` and `~` both become `~`; a raw space and
 * `%20` both become `%20`; `+` is a plus and becomes `%2B`.
 *
 * One pass, no byte buffer: a decoded byte ≥ 0x80 is always escaped again, so each escape can be
 * rewritten on its own, and only raw non-ASCII text needs UTF-8 encoding.
 */
export function recode(value: string, keepSlash: boolean): string {
  if (isCanonical(value, keepSlash)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25) {
      const byte = escapedByte(value, i);
      if (byte >= 0) {
        out += encodeByte(byte, keepSlash);
        i += 2;
        continue;
      }
    }
    if (c < 128) {
      out += encodeByte(c, keepSlash);
    } else {
      // A whole non-ASCII run at once, so that surrogate pairs stay together.
      let end = i + 1;
      while (end < value.length && value.charCodeAt(end) >= 128) end++;
      out += uriEncodeBytes(utf8.encode(value.slice(i, end)), keepSlash);
      i = end - 1;
    }
  }
  return out;
}

/**
 * Lower-case hex of `bytes`, as SigV4 writes digests and signatures.
 *
 * @example
 * ```ts
 * toHex(Uint8Array.of(0x0a, 0xff)); // '0aff'
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Text made safe to stand in XML, as an element's content or an attribute's value.
 *
 * @example
 * ```ts
 * escapeXml('<Key>a&b</Key>'); // '&lt;Key&gt;a&amp;b&lt;/Key&gt;'
 * ```
 */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
