/**
 * SigV4a's key derivation against published vectors (aws-c-auth's tests/key_derivation_tests.c,
 * smithy-typescript's credentialDerivation.spec.ts), its constant-time helpers against
 * aws-c-auth's and BigInt, and the n − 2 boundary through an injected HMAC.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toHex } from '../../../src/core/encoding.js';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import { webCryptoEcdsa } from '../../../src/core/ecdsa.js';
import { SigV4Error } from '../../../src/core/errors.js';
import {
  addOne,
  deriveV4aPrivateKey,
  greaterThan,
  MAX_COUNTER,
  P256_N_MINUS_2,
  type HmacBytes,
} from '../../../src/core/v4a-key.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const big = (bytes: Uint8Array) => BigInt('0x0' + toHex(bytes));
const bytes32 = (value: bigint) => hex(value.toString(16).padStart(64, '0'));
/** The order of P-256 (FIPS 186-4, D.1.2.3), written here independently of the source's n − 2. */
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

describe('deriveV4aPrivateKey: published vectors', () => {
  // aws-c-auth tests/key_derivation_tests.c, "Values derived in synchronicity with Golang and IAM implementations".
  const fixed = {
    accessKeyId: 'AKISORANDOMAASORANDOM',
    secret: 'q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom',
    d: '7fd3bd010c0d9c292141c2b77bfbde1042c92e6836fff749d1269ec890fca1bd',
    x: '15d242ceebf8d8169fd6a8b5a746c41140414c3b07579038da06af89190fffcb',
    y: '0515242cedd82e94799482e4c0514b505afccf2c0c98d6a553bf539f424c5ec0',
  };

  test("aws-c-auth's fixed key pair: private key", () => {
    expect(toHex(deriveV4aPrivateKey(fixed.accessKeyId, fixed.secret))).toBe(fixed.d);
  });

  test.each([
    ['node:crypto', nodeEcdsa],
    ['WebCrypto', webCryptoEcdsa],
  ])("aws-c-auth's fixed key pair: public key computed by %s", async (_name, ecdsa) => {
    expect(await ecdsa.publicKeyOf(deriveV4aPrivateKey(fixed.accessKeyId, fixed.secret))).toEqual({
      x: fixed.x,
      y: fixed.y,
    });
  });

  test("aws-c-auth's long access key id derives a key", () => {
    const id = 'AKISORANDOMAASORANDOM' + 'F'.repeat(303) + 'f';
    const d = deriveV4aPrivateKey(id, fixed.secret);
    expect(d).toHaveLength(32);
    expect(big(d) >= 1n && big(d) < N).toBe(true);
  });

  test("smithy-typescript's vector (its spec passes the secret as the access key id)", () => {
    const expected = [
      107, 171, 179, 226, 62, 241, 77, 131, 240, 163, 149, 40, 120, 236, 169, 100, 28, 130, 40, 97, 214, 239, 24, 15,
      158, 224, 37, 30, 241, 83, 119, 174,
    ];
    expect(Array.from(deriveV4aPrivateKey('test-secret', 'test-access-key'))).toEqual(expected);
  });

  test('node:crypto HMAC as the PRF gives the same keys as the pure-JS default', () => {
    const nodeHmac: HmacBytes = (key, message) => createHmac('sha256', key).update(message).digest();
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (id, secret) => {
        expect(toHex(deriveV4aPrivateKey(id, secret, nodeHmac))).toBe(toHex(deriveV4aPrivateKey(id, secret)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('deriveV4aPrivateKey: the n − 2 boundary, through an injected HMAC', () => {
  /** An HMAC that returns the given k0 values in turn and records each message's counter byte. */
  function scripted(values: bigint[]) {
    const counters: number[] = [];
    const hmac: HmacBytes = (_key, message) => {
      counters.push(message[message.length - 5]!);
      return bytes32(values[Math.min(counters.length - 1, values.length - 1)]!);
    };
    return { hmac, counters };
  }

  test.each([
    ['0', 0n, 1n],
    ['1', 1n, 2n],
    ['n − 3', N - 3n, N - 2n],
    ['n − 2 (accepted, as aws-c-auth and smithy do)', N - 2n, N - 1n],
  ])('k0 = %s is accepted on the first counter', (_label, k0, d) => {
    const { hmac, counters } = scripted([k0]);
    expect(big(deriveV4aPrivateKey('id', 'secret', hmac))).toBe(d);
    expect(counters).toEqual([1]);
  });

  test.each([
    ['n − 1', N - 1n],
    ['n', N],
    ['2^256 − 1', 2n ** 256n - 1n],
  ])('k0 = %s is refused: the next counter is tried', (_label, k0) => {
    const { hmac, counters } = scripted([k0, k0, 5n]);
    expect(big(deriveV4aPrivateKey('id', 'secret', hmac))).toBe(6n);
    expect(counters).toEqual([1, 2, 3]);
  });

  test('every counter refused: SigV4Error, counters 1..254 as single bytes, and no secret in the error', () => {
    const { hmac, counters } = scripted([N - 1n]);
    let thrown: unknown;
    try {
      deriveV4aPrivateKey('id', 'the-secret-value', hmac);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SigV4Error);
    expect((thrown as SigV4Error).code).toBe('INVALID_CREDENTIALS');
    expect(String((thrown as Error).stack)).not.toContain('the-secret-value');
    expect(counters).toEqual(Array.from({ length: MAX_COUNTER }, (_, i) => i + 1));
  });

  test('the HMAC gets "AWS4A" ‖ secret as key and the fixed input of SP 800-108', () => {
    const seen: { key: string; message: string }[] = [];
    deriveV4aPrivateKey('AKID', 'sec', (key, message) => {
      seen.push({ key: toHex(key), message: toHex(message) });
      return bytes32(7n);
    });
    const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    expect(seen).toEqual([
      {
        key: ascii('AWS4Asec'),
        message: '00000001' + ascii('AWS4-ECDSA-P256-SHA256') + '00' + ascii('AKID') + '01' + '00000100',
      },
    ]);
  });
});

describe('constant-time helpers', () => {
  test('n − 2 is the order of P-256 less two', () => {
    expect(big(P256_N_MINUS_2)).toBe(N - 2n);
  });

  // aws-c-auth tests/key_derivation_tests.c: be_sequence_compare (greater, equal, less, both ways).
  test.each([
    ['000000', '000001', false, true],
    ['abcd80ff010a', 'abcd80ff010a', false, false],
    ['ffcd80ff010a', 'fecd80ff010a', true, false],
  ])("greaterThan on aws-c-auth's cases: %s vs %s", (a, b, aGreater, bGreater) => {
    expect(greaterThan(hex(a), hex(b))).toBe(aGreater);
    expect(greaterThan(hex(b), hex(a))).toBe(bGreater);
  });

  // aws-c-auth tests/key_derivation_tests.c: be_sequence_add_one (a maximal value rolls over).
  test.each([
    ['000000', '000001'],
    ['0000ff', '000100'],
    ['00ffff', '010000'],
    ['ffffffff', '00000000'],
  ])("addOne on aws-c-auth's cases: %s", (input, output) => {
    expect(toHex(addOne(hex(input)))).toBe(output);
  });

  test('greaterThan and addOne agree with BigInt on random 32-byte numbers', () => {
    const number = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(number, number, (a, b) => {
        expect(greaterThan(a, b)).toBe(big(a) > big(b));
        expect(big(addOne(a))).toBe((big(a) + 1n) % 2n ** 256n);
      }),
      { numRuns: 2000 },
    );
  });
});
