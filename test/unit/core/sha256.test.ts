/**
 * The pure-JavaScript SHA-256 and HMAC-SHA256 against published test vectors (FIPS 180-4's
 * examples, RFC 4231) and against node:crypto on random inputs of every length around the
 * block boundaries.
 */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toHex } from '../../../src/core/encoding.js';
import { nodeBackend } from '../../../src/node.js';
import { hmac, hmacKey, sha256, sha256Stream } from '../../../src/core/sha256.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('SHA-256', () => {
  test.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('FIPS 180-4 example %j', (message, digest) => {
    expect(toHex(sha256(utf8(message)))).toBe(digest);
  });

  test('one million "a" (FIPS 180-4)', () => {
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  test('agrees with node:crypto for every length from 0 to 300 bytes, and random inputs', () => {
    for (let n = 0; n <= 300; n++) {
      const message = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (message) => {
        expect(toHex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('SHA-256 in pieces (sha256Stream)', () => {
  /** Splits `message` at the given cut points (sorted, deduplicated, inside the message). */
  const pieces = (message: Uint8Array, cuts: number[]) => {
    const at = [...new Set(cuts.map((c) => c % (message.length + 1)))].sort((a, b) => a - b);
    return [...at, message.length].map((end, i) => message.subarray(i === 0 ? 0 : at[i - 1], end));
  };

  test('one million "a" fed in pieces of 1, 63, 64, 65 and 1000 bytes (FIPS 180-4)', () => {
    for (const size of [1, 63, 64, 65, 1000]) {
      const hash = sha256Stream();
      const block = new Uint8Array(size).fill(0x61);
      for (let left = 1_000_000; left > 0; left -= size) hash.update(block.subarray(0, Math.min(size, left)));
      expect(toHex(hash.digest())).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
    }
  });

  test('agrees with node:crypto on random messages cut at random places', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 8 }), (message, cuts) => {
        const hash = sha256Stream();
        for (const piece of pieces(message, cuts)) hash.update(piece);
        expect(toHex(hash.digest())).toBe(createHash('sha256').update(message).digest('hex'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('HMAC-SHA256', () => {
  // RFC 4231 §4.2, §4.3, §4.7 (a key longer than the block is hashed first).
  test.each([
    ['0b'.repeat(20), utf8('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [
      Buffer.from('Jefe').toString('hex'),
      utf8('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      'aa'.repeat(131),
      utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
  ])('RFC 4231 key %s', (key, message, mac) => {
    expect(toHex(hmac(hmacKey(hex(key)), message))).toBe(mac);
  });

  test('agrees with node:crypto on random keys and messages; a prepared key is reusable', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        (key, messages) => {
          const prepared = hmacKey(key);
          for (const message of messages) {
            expect(toHex(hmac(prepared, message))).toBe(createHmac('sha256', key).update(message).digest('hex'));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("node:crypto backend HMAC (two one-shot hashes over the key's prepared buffers)", () => {
  test('agrees with createHmac for any key and any UTF-8 message, including long ones', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 600 }), { minLength: 1, maxLength: 3 }),
        (key, messages) => {
          const prepared = nodeBackend.prepareKey(key);
          for (const message of messages) {
            expect(nodeBackend.hmacHex(prepared, message)).toBe(
              createHmac('sha256', key).update(message).digest('hex'),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a prepared key reused across messages of equal, growing and shrinking length', () => {
    const key = new Uint8Array(32).fill(7);
    const prepared = nodeBackend.prepareKey(key);
    // 'é' × 50 and 'x' × 100 are both 100 bytes, but only the second outgrows the first buffer.
    const messages = [
      'é'.repeat(50),
      'x'.repeat(100),
      'a'.repeat(10),
      'b'.repeat(10),
      'c'.repeat(300),
      'd'.repeat(300),
      '',
      'f',
    ];
    for (const message of messages) {
      expect(nodeBackend.hmacHex(prepared, message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });
});
