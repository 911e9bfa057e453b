/**
 * All 38 complete aws-c-auth SigV4a cases in query (presign) mode, with both ECDSA backends:
 * - canonical request and string to sign byte for byte;
 * - our signature verifies under the case's public-key.json, checked by node:crypto directly;
 * - the URL's parameters are those of query-signed-request.txt (upstream's are unsorted, and its
 *   ECDSA signature is random, so the signature value is compared by verifying, not as text);
 * - the AKIDEXAMPLE key pair the cases were made with is the one our derivation gives;
 * - our verifier accepts every stored query signature (the URL of query-signed-request.txt, and
 *   the same URL carrying query-signature.txt), by secret and by public key, with either ECDSA
 *   backend, and refuses the URL tampered with.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { derToP1363 } from '../../src/core/der.js';
import { toHex } from '../../src/core/encoding.js';
import { deriveV4aPrivateKey } from '../../src/core/v4a-key.js';
import {
  nodeEcdsa,
  presignV4aDetailed,
  v4aPublicKeyOf,
  verifyPresignedUrl,
  webCryptoEcdsa,
  type VerifyV4aOptions,
} from '../../src/v4a-node.js';
import { pureJsBackend } from '../../src/index.js';
import { nobleEcdsa } from '../../src/v4a-noble.js';
import { nodeBackend } from '../../src/node.js';
import {
  awsCAuthOptions,
  awsCAuthVerifyCase,
  caseDirs,
  decodedParams,
  parseRequest,
  read,
  readJson,
  requireVectors,
} from '../support/shared-vectors.js';

const run = requireVectors();
const SUITE = 'aws-c-auth/v4a';
// The two stub folders hold only context.json and request.txt: complete cases have public-key.json.
const cases = caseDirs(SUITE, () => 'public-key.json');

/** The case's options for presignV4a: its region becomes the region set. */
function v4aOptions(name: string) {
  const { region, ...options } = awsCAuthOptions(SUITE, name);
  return { ...options, regionSet: [region] };
}

/** node:crypto's own check of a DER signature under a case's public-key.json. */
function verifiesUnderCaseKey(name: string, stringToSign: string, signatureHex: string): boolean {
  const { X, Y } = readJson<{ X: string; Y: string }>(SUITE, name, 'public-key.json');
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(X), y: b64(Y) }, format: 'jwk' });
  return verify('sha256', Buffer.from(stringToSign), key, Buffer.from(signatureHex, 'hex'));
}

describe.runIf(run)('aws-c-auth v4a', () => {
  test('finds all 38 complete cases', () => {
    expect(cases).toHaveLength(38);
  });

  test("the cases' key pair is AKIDEXAMPLE's derived key", async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const { X, Y } = readJson<{ X: string; Y: string }>(SUITE, 'get-vanilla', 'public-key.json');
    for (const ecdsa of [nodeEcdsa, webCryptoEcdsa, nobleEcdsa]) {
      expect(await v4aPublicKeyOf(credentials, ecdsa)).toEqual({ x: X, y: Y });
    }
    expect(toHex(deriveV4aPrivateKey(credentials.accessKeyId, credentials.secretAccessKey))).toBe(
      '7efc8c0e65a324242818c5a50c891c6060b6a00717b7ba3cbe3c5d765be9259c',
    );
  });

  describe.each([
    ['node:crypto', nodeEcdsa, nodeBackend],
    ['WebCrypto', webCryptoEcdsa, pureJsBackend],
    ['@noble/curves', nobleEcdsa, pureJsBackend],
  ])('query signing (%s)', (_name, ecdsa, backend) => {
    test.each(cases)('%s: canonical request, string to sign, signature', async (name) => {
      const result = await presignV4aDetailed({ ...v4aOptions(name), ecdsa, backend });
      expect(result.canonicalRequest).toBe(read(SUITE, name, 'query-canonical-request.txt'));
      expect(result.stringToSign).toBe(read(SUITE, name, 'query-string-to-sign.txt'));
      expect(verifiesUnderCaseKey(name, result.stringToSign, result.signature)).toBe(true);
      expect(verifiesUnderCaseKey(name, result.stringToSign + ' ', result.signature)).toBe(false);
    });

    test.each(cases)('%s: signed request end to end', async (name) => {
      const result = await presignV4aDetailed({ ...v4aOptions(name), ecdsa, backend });
      const expected = parseRequest(read(SUITE, name, 'query-signed-request.txt'));
      const actual = new URL(result.url);
      const [path, query] = result.url.slice(`https://${actual.host}`.length).split('?') as [string, string];
      const withoutSignature = (params: string[]) => params.filter((p) => !p.startsWith('X-Amz-Signature='));
      expect(withoutSignature(decodedParams(query))).toEqual(withoutSignature(decodedParams(expected.query)));
      expect(decodedParams(query)).toContain(`X-Amz-Signature=${result.signature}`);
      expect(decodeURIComponent(path)).toBe(decodeURIComponent(expected.path));
      expect(result.method).toBe(expected.method);
    });
  });

  describe.each([
    ['node:crypto', nodeEcdsa],
    ['WebCrypto', webCryptoEcdsa],
    ['@noble/curves', nobleEcdsa],
  ])('the verifier (%s)', (_name, ecdsa) => {
    /** The signatures a case stores for query mode: in the signed request's URL, and query-signature.txt. */
    function storedSignatures(name: string) {
      const { request } = awsCAuthVerifyCase(SUITE, name);
      const url = String(request.url);
      const inUrl = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!;
      const file = read(SUITE, name, 'query-signature.txt');
      return [url, url.replace(inUrl, file)];
    }

    function options(name: string, lookup: 'secret' | 'public key'): VerifyV4aOptions {
      const { options: base } = awsCAuthVerifyCase(SUITE, name);
      const { X, Y } = readJson<{ X: string; Y: string }>(SUITE, name, 'public-key.json');
      return lookup === 'secret'
        ? { ...base, ecdsa }
        : {
            ...base,
            ecdsa,
            secretFor: undefined,
            publicKeyFor: (id) => (id === 'AKIDEXAMPLE' ? { x: X, y: Y } : undefined),
          };
    }

    test('the stored query signatures include high-S ones (AWS does not normalise S), so accepting them is tested', () => {
      const halfN = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') / 2n;
      const highS = cases
        .flatMap(storedSignatures)
        .map((url) => /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!)
        .filter(
          (hex) => BigInt('0x' + toHex(derToP1363(Uint8Array.from(Buffer.from(hex, 'hex')))!.subarray(32))) > halfN,
        );
      expect(highS.length).toBeGreaterThan(10);
    });

    test.each(cases.flatMap((name) => [[name, 'secret'] as const, [name, 'public key'] as const]))(
      '%s: both stored signatures are accepted (by %s), and refused once tampered with',
      async (name, lookup) => {
        const { request } = awsCAuthVerifyCase(SUITE, name);
        const context = readJson<{ region: string; timestamp: string }>(SUITE, name, 'context.json');
        for (const url of storedSignatures(name)) {
          const verdict = await verifyPresignedUrl({ ...request, url }, options(name, lookup));
          expect(verdict).toMatchObject({ ok: true, accessKeyId: 'AKIDEXAMPLE', region: context.region });
          // Tampered: the region set, the expiry, the method, the last signature digit (a DER
          // signature stays well-formed when its last digit changes).
          const signature = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!;
          const tampered = [
            { ...request, url: url.replace('X-Amz-Region-Set=us-east-1', 'X-Amz-Region-Set=us-east-2') },
            { ...request, url: url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601') },
            { ...request, url, method: request.method === 'GET' ? 'HEAD' : 'GET' },
            {
              ...request,
              url: url.replace(signature, signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0')),
            },
          ];
          for (const changed of tampered) {
            const refused = await verifyPresignedUrl(changed, { ...options(name, lookup), regions: undefined });
            expect(refused).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
          }
        }
      },
    );
  });
});
