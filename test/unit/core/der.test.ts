/**
 * P1363 ↔ DER for P-256 signatures: properties against a BigInt reference encoder, node:crypto
 * as an independent DER producer and consumer, and refusal of every non-strict encoding.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { derToP1363, p1363ToDer, P256_ORDER } from '../../../src/core/der.js';
import { toHex } from '../../../src/core/encoding.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const bytes32 = (value: bigint) => value.toString(16).padStart(64, '0');

/** Reference DER INTEGER, written from X.690 with BigInt: minimal two's complement of a non-negative value. */
function referenceInteger(value: bigint): string {
  let digits = value.toString(16);
  if (digits.length % 2) digits = '0' + digits;
  if (parseInt(digits.slice(0, 2), 16) >= 0x80) digits = '00' + digits;
  return '02' + (digits.length / 2).toString(16).padStart(2, '0') + digits;
}
const referenceDer = (r: bigint, s: bigint) => {
  const body = referenceInteger(r) + referenceInteger(s);
  return '30' + (body.length / 2).toString(16).padStart(2, '0') + body;
};

/** r and s in 1..n − 1, skewed towards the edges: small values (leading zeros), top bit set, n − 1. */
const scalar = fc.oneof(
  fc.bigInt({ min: 1n, max: N - 1n }),
  fc.bigInt({ min: 1n, max: 2n ** 64n }),
  fc.bigInt({ min: 2n ** 255n, max: N - 1n }),
  fc.constantFrom(1n, 0x7fn, 0x80n, 0xffn, 0x100n, 2n ** 248n - 1n, 2n ** 248n, N - 1n),
);

describe('p1363ToDer and derToP1363', () => {
  test('n is the order of P-256', () => {
    expect(BigInt('0x' + toHex(P256_ORDER))).toBe(N);
  });

  test('encode as X.690 DER (leading zeros dropped, a 00 before a set top bit) and decode back', () => {
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const p1363 = hex(bytes32(r) + bytes32(s));
        const der = p1363ToDer(p1363);
        expect(toHex(der)).toBe(referenceDer(r, s));
        expect(toHex(derToP1363(der)!)).toBe(toHex(p1363));
      }),
      { numRuns: 5000 },
    );
  });

  test("node:crypto's DER signatures decode, and our DER of its P1363 signatures verifies", () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        const der = sign('sha256', message, privateKey);
        const p1363 = derToP1363(der);
        expect(p1363).toBeDefined();
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363!)).toBe(true);
        const fromP1363 = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        expect(verify('sha256', message, publicKey, p1363ToDer(fromP1363))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('whatever derToP1363 accepts re-encodes to the same bytes: one encoding per signature', () => {
    // Valid signatures with one byte changed, inserted or removed, and raw bytes.
    const mutated = fc
      .tuple(scalar, scalar, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete'))
      .map(([r, s, at, byte, how]) => {
        const der = Array.from(hex(referenceDer(r, s)));
        const i = at % (der.length + 1);
        if (how === 'set') der[Math.min(i, der.length - 1)] = byte;
        else if (how === 'insert') der.splice(i, 0, byte);
        else der.splice(Math.min(i, der.length - 1), 1);
        return Uint8Array.from(der);
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 80 })), (der) => {
        const p1363 = derToP1363(der);
        if (p1363 !== undefined) expect(toHex(p1363ToDer(p1363))).toBe(toHex(der));
      }),
      { numRuns: 20000 },
    );
  });

  describe('refuses', () => {
    const r = 0x1234n;
    const s = N - 5n;
    const good = referenceDer(r, s);
    const rInt = referenceInteger(r);
    const sInt = referenceInteger(s);
    const seq = (body: string, length = body.length / 2) => '30' + length.toString(16).padStart(2, '0') + body;

    test('(the unmodified signature is accepted)', () => {
      expect(derToP1363(hex(good))).toBeDefined();
    });

    test.each([
      ['a non-minimal integer (a needless leading 00)', seq('0203001234' + sInt)],
      ['a negative integer (top bit set, no 00)', seq('0201ff' + sInt)],
      ['a negative s (its 00 dropped)', seq(rInt + '0220' + bytes32(s))],
      ['a long-form sequence length', '3081' + good.slice(2)],
      ['a long-form integer length', seq('028102' + rInt.slice(4) + sInt)],
      ['a trailing byte after the sequence', good + '00'],
      ['a trailing byte inside the sequence', seq(rInt + sInt + '00')],
      ['a sequence length that overstates', '30' + (good.length / 2 - 1).toString(16) + good.slice(4)],
      ['a sequence length that understates', '30' + (good.length / 2 - 3).toString(16) + good.slice(4)],
      ['an empty integer', seq('0200' + sInt)],
      ['r = 0', seq('020100' + sInt)],
      ['s = 0', seq(rInt + '020100')],
      ['r = n', seq(referenceInteger(N) + sInt)],
      ['s = n', seq(rInt + referenceInteger(N))],
      ['s = n + 1', seq(rInt + referenceInteger(N + 1n))],
      ['s = 2^256 − 1', seq(rInt + referenceInteger(2n ** 256n - 1n))],
      ['s of 33 significant bytes', seq(rInt + referenceInteger(2n ** 256n))],
      ['a third integer', seq(rInt + sInt + '020101')],
      ['an integer tag other than 02', seq('03' + rInt.slice(2) + sInt)],
      ['a sequence tag other than 30', '31' + good.slice(2)],
      ['nothing', ''],
    ])('%s', (_label, der) => {
      expect(derToP1363(hex(der))).toBeUndefined();
    });

    test.each([
      ['63 bytes', new Uint8Array(63).fill(1)],
      ['r = 0', hex('00'.repeat(32) + bytes32(s))],
      ['s = n', hex(bytes32(r) + bytes32(N))],
    ])('p1363ToDer refuses %s', (_label, p1363) => {
      expect(() => p1363ToDer(p1363)).toThrow(RangeError);
    });
  });
});
