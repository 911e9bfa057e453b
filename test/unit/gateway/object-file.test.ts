/** The one-file object layout: round trips, and everything that is not a header reads as none. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeObjectHeader, encodeObjectHeader, MAX_CONTENT_TYPE_LENGTH } from '../../../src/gateway/object-file.js';

test('a header reads back as written, for any size and latin1 content type, with or without one', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      fc.option(
        fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
        {
          nil: undefined,
        },
      ),
      (size, contentType) => {
        const header = encodeObjectHeader(size, contentType);
        expect(decodeObjectHeader(header)).toEqual({ headerLength: header.length, size, contentType });
        // A body after the header changes nothing.
        const file = new Uint8Array(header.length + 10);
        file.set(header);
        expect(decodeObjectHeader(file)).toEqual({ headerLength: header.length, size, contentType });
      },
    ),
  );
  expect(decodeObjectHeader(encodeObjectHeader(0, ''))?.contentType).toBe('');
});

test('anything else reads as no object: empty, cut short, other magic, bad lengths', () => {
  const header = encodeObjectHeader(5, 'text/plain');
  expect(decodeObjectHeader(new Uint8Array(0))).toBeUndefined();
  for (let n = 0; n < header.length; n++) expect(decodeObjectHeader(header.subarray(0, n))).toBeUndefined();
  const corrupt = (at: number, value: number) => {
    const copy = header.slice();
    copy[at] = value;
    return decodeObjectHeader(copy);
  };
  expect(corrupt(0, 0x54)).toBeUndefined(); // magic
  expect(corrupt(7, 5)).toBeUndefined(); // header length shorter than its content type
  expect(corrupt(8, 0xff)).toBeUndefined(); // a size beyond 2^53
  expect(decodeObjectHeader(new TextEncoder().encode('plain text that is not an object file'))).toBeUndefined();
});

test('a content type too long or beyond latin1 is refused with a RangeError', () => {
  expect(() => encodeObjectHeader(1, 'x'.repeat(MAX_CONTENT_TYPE_LENGTH + 1))).toThrow(RangeError);
  expect(() => encodeObjectHeader(1, 'text/☃')).toThrow(RangeError);
});
