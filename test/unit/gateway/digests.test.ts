/**
 * The body digests the gateway checks uploads with, against independent sources: the CRC
 * catalogue's check values, node:zlib's CRC-32, RFC 1321's MD5 suite, FIPS 180's SHA-1 examples,
 * and node:crypto on random bodies cut at random places. (aws-crt's CRCs: test/vectors/checksums.test.ts.)
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crc32, crc32c, crc64nvme } from '../../../src/gateway/crc.js';
import { bodyDigest, pureJsDigests } from '../../../src/gateway/digests.js';
import { pieces } from '../../support/pieces.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('CRCs', () => {
  test('the CRC catalogue’s check values for "123456789"', () => {
    // reveng.sourceforge.io/crc-catalogue: CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME.
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc64nvme(ascii('123456789'))).toBe(0xae8b14860a799888n);
    expect([crc32(new Uint8Array(0)), crc32c(new Uint8Array(0)), crc64nvme(new Uint8Array(0))]).toEqual([0, 0, 0n]);
  });

  test('CRC-32 agrees with node:zlib on random bodies, fed in random pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(), { maxLength: 6 }), (body, cuts) => {
        const value = pieces(body, cuts).reduce((previous, piece) => crc32(piece, previous), 0);
        expect(value).toBe(zlibCrc32(body));
      }),
      { numRuns: 500 },
    );
  });

  test('CRC-32C and CRC-64/NVME give the same value whole and in pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 6 }), (body, cuts) => {
        const parts = pieces(body, cuts);
        expect(parts.reduce((previous, piece) => crc32c(piece, previous), 0)).toBe(crc32c(body));
        expect(parts.reduce((previous, piece) => crc64nvme(piece, previous), 0n)).toBe(crc64nvme(body));
      }),
      { numRuns: 300 },
    );
  });
});

describe('MD5 and SHA-1 in pure JavaScript', () => {
  const digest = (algorithm: 'md5' | 'sha1', message: Uint8Array) => {
    const hash = pureJsDigests(algorithm);
    hash.update(message);
    return hex(hash.digest());
  };

  test.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('RFC 1321 test suite: MD5(%j)', (message, expected) => {
    expect(digest('md5', ascii(message))).toBe(expected);
  });

  test.each([
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  ])('FIPS 180 example: SHA-1(%j)', (message, expected) => {
    expect(digest('sha1', ascii(message))).toBe(expected);
  });

  test('every length from 0 to 200 bytes, and random bodies in random pieces, agree with node:crypto', () => {
    for (const algorithm of ['md5', 'sha1', 'sha256'] as const) {
      for (let n = 0; n <= 200; n++) {
        const message = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
        expect(digest(algorithm as 'md5', message)).toBe(createHash(algorithm).update(message).digest('hex'));
      }
    }
    fc.assert(
      fc.property(
        fc.constantFrom('md5' as const, 'sha1' as const, 'sha256' as const),
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (algorithm, body, cuts) => {
          const hash = pureJsDigests(algorithm);
          for (const piece of pieces(body, cuts)) hash.update(piece);
          expect(hex(hash.digest())).toBe(createHash(algorithm).update(body).digest('hex'));
        },
      ),
      { numRuns: 600 },
    );
  });
});

test('bodyDigest writes CRCs big-endian, as S3’s base64 values are', () => {
  const base64 = (algorithm: 'crc32' | 'crc32c' | 'crc64nvme') => {
    const digest = bodyDigest(algorithm, pureJsDigests);
    digest.update(ascii('123456789'));
    return Buffer.from(digest.digest()).toString('base64');
  };
  expect(base64('crc32')).toBe(Buffer.from('cbf43926', 'hex').toString('base64'));
  expect(base64('crc32c')).toBe(Buffer.from('e3069283', 'hex').toString('base64'));
  expect(base64('crc64nvme')).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
});
