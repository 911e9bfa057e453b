/**
 * The two platform ECDSA backends: PKCS#8 wrapping checked by node:crypto's own JWK export, each
 * backend's signatures verified by the other, high-S signatures accepted, and a runtime without
 * WebCrypto refused with a typed error that names the way out.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { derToP1363, p1363ToDer } from '../../../src/core/der.js';
import { toHex } from '../../../src/core/encoding.js';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import { pkcs8P256, webCryptoEcdsa, type EcdsaBackend } from '../../../src/core/ecdsa.js';
import { SigV4Error } from '../../../src/core/errors.js';
import { nobleEcdsa } from '../../../src/v4a-noble.js';
import { presignV4a } from '../../../src/sign/v4a.js';
import { verifyPresignedUrl } from '../../../src/verify/v4a.js';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const fromB64 = (text: string) => Buffer.from(text, 'base64url').toString('hex');

/** A fresh key pair from node:crypto: d and its public point, independent of the code under test. */
function keyPair() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return { d: Uint8Array.from(Buffer.from(jwk.d!, 'base64url')), x: fromB64(jwk.x!), y: fromB64(jwk.y!) };
}

const backends: [string, EcdsaBackend][] = [
  ['node:crypto', nodeEcdsa],
  ['WebCrypto', webCryptoEcdsa],
  ['@noble/curves', nobleEcdsa],
];

describe('platform ECDSA', () => {
  test('pkcs8P256 holds d and nothing else node:crypto would need', () => {
    const { d, x, y } = keyPair();
    const jwk = createPrivateKey({ key: Buffer.from(pkcs8P256(d)), format: 'der', type: 'pkcs8' }).export({
      format: 'jwk',
    });
    expect({ d: fromB64(jwk.d!), x: fromB64(jwk.x!), y: fromB64(jwk.y!) }).toEqual({ d: toHex(d), x, y });
    expect(pkcs8P256(d)).toHaveLength(67);
  });

  test.each(backends)('%s computes the public key of d', async (_name, ecdsa) => {
    const { d, x, y } = keyPair();
    expect(await ecdsa.publicKeyOf(d)).toEqual({ x, y });
  });

  test.each(
    backends.flatMap(([signerName, signer]) =>
      backends.map(([verifierName, verifier]) => [signerName, verifierName, signer, verifier] as const),
    ),
  )('%s signs, %s verifies (and refuses another message), high-S too', async (_s, _v, signer, verifier) => {
    const { d, x, y } = keyPair();
    const privateKey = await signer.importPrivateKey(d);
    const publicKey = await verifier.importPublicKey({ x, y });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (message) => {
        const der = await signer.sign(privateKey, message);
        const p1363 = derToP1363(der)!;
        expect(p1363).toBeDefined();
        expect(await verifier.verify(publicKey, message, { der, p1363 })).toBe(true);
        // (r, n − s) is the same signature's other half: AWS's signers do not normalise to low S.
        const flipped = Uint8Array.from(p1363);
        const s = BigInt('0x' + toHex(p1363.subarray(32)));
        flipped.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
        expect(await verifier.verify(publicKey, message, { der: p1363ToDer(flipped), p1363: flipped })).toBe(true);
        const other = Uint8Array.of(...message, 0);
        expect(await verifier.verify(publicKey, other, { der, p1363 })).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  test.each(backends)('%s refuses a public key that is not on the curve', async (_name, ecdsa) => {
    const { x, y } = keyPair();
    const badY = y.slice(0, 63) + (y.endsWith('0') ? '1' : '0');
    await expect(ecdsa.importPublicKey({ x, y: badY })).rejects.toThrow();
  });

  describe('without WebCrypto', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    test('signing throws ECDSA_UNAVAILABLE naming the @noble/curves adapter', async () => {
      vi.stubGlobal('crypto', undefined);
      const error = await webCryptoEcdsa.importPrivateKey(keyPair().d).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SigV4Error);
      expect((error as SigV4Error).code).toBe('ECDSA_UNAVAILABLE');
      expect((error as SigV4Error).message).toMatch(/nobleEcdsa \} from 'sigv4-presign\/v4a-noble'.*@noble\/curves/);
    });

    test('where the platform cannot sign, the @noble/curves adapter can: presign, then verify', async () => {
      // Safari: random numbers, but no import of a bare P-256 private key.
      const real = globalThis.crypto;
      vi.stubGlobal('crypto', {
        getRandomValues: <T extends ArrayBufferView>(array: T) => real.getRandomValues(array as never) as T,
        subtle: { importKey: () => Promise.reject(new DOMException('Data provided is not valid', 'DataError')) },
      });
      const options = {
        method: 'GET',
        url: 'https://mrap.example.com/k',
        service: 's3',
        regionSet: ['*'],
        credentials: { accessKeyId: 'AKIDNOBLE', secretAccessKey: 'noble-secret' },
        signingDate: new Date('2026-03-01T12:00:00Z'),
      };
      const failed = await presignV4a({ ...options, ecdsa: webCryptoEcdsa }).catch((e: unknown) => e);
      expect((failed as SigV4Error).code).toBe('ECDSA_UNAVAILABLE');
      const url = await presignV4a({ ...options, ecdsa: nobleEcdsa });
      const verdict = await verifyPresignedUrl(
        { method: 'GET', url },
        { secretFor: () => 'noble-secret', now: options.signingDate, ecdsa: nobleEcdsa },
      );
      expect(verdict).toMatchObject({ ok: true, accessKeyId: 'AKIDNOBLE' });
    });

    test('a WebCrypto that refuses a bare P-256 private key (Safari) gives the same error', async () => {
      const refusing = {
        subtle: {
          importKey: () =>
            Promise.reject(new DOMException('Data provided to an operation does not meet requirements', 'DataError')),
        },
      };
      vi.stubGlobal('crypto', refusing);
      const error = await webCryptoEcdsa.importPrivateKey(keyPair().d).catch((e: unknown) => e);
      expect((error as SigV4Error).code).toBe('ECDSA_UNAVAILABLE');
      const publicError = await webCryptoEcdsa.publicKeyOf(keyPair().d).catch((e: unknown) => e);
      expect((publicError as SigV4Error).code).toBe('ECDSA_UNAVAILABLE');
    });
  });
});
