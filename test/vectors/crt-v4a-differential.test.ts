/**
 * SigV4a differential test against AWS's own C signer (aws-c-auth, npm `aws-crt`), on the same
 * random requests as the SigV4 one. ECDSA signatures are random, so they are compared by
 * verifying, each side's with the other's tools:
 * - crt's `SigV4Asymmetric` presign of the request gives the same parameter set as ours;
 * - crt's `aws_verify_sigv4a_signing` accepts our canonical request (byte for byte) and our
 *   signature, under the public key our derivation gives;
 * - crt's own signature verifies under that public key (node:crypto), so crt derived the same key;
 * - our verifier accepts crt's URL.
 *
 * `npm test` runs 2,000 cases; `SIGV4_LONG=1` runs 50,000.
 */
import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { presignV4aDetailed, v4aPublicKeyOf, verifyPresignedUrl, webCryptoEcdsa } from '../../src/v4a-node.js';
import { pureJsBackend } from '../../src/index.js';
import { caseArb, engineOptions, oracleRequest, type Case } from '../support/crt-cases.js';
import { crtPresign, crtVerifyV4a, isCrtAvailable } from '../support/crt-oracle.mjs';
import { decodedParams } from '../support/shared-vectors.js';

const LONG = Boolean(process.env.SIGV4_LONG);
const RUNS = LONG ? 50_000 : 2_000;

if (!isCrtAvailable() && process.env.CI) throw new Error('aws-crt does not load: the differential test cannot run');
if (!isCrtAvailable())
  console.warn('\n!!! SKIPPING the aws-crt SigV4a differential test: aws-crt does not load here\n');

const regionSetArb = fc.oneof(
  fc.constant<string[]>(['*']),
  fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,15}$/), { minLength: 1, maxLength: 3 }),
);

const queryOf = (url: string) => url.slice(url.indexOf('?') + 1);
const withoutSignature = (params: string[]) => params.filter((p) => !p.startsWith('X-Amz-Signature='));

function nodeVerifies(publicKey: { x: string; y: string }, stringToSign: string, signatureHex: string): boolean {
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(publicKey.x), y: b64(publicKey.y) },
    format: 'jwk',
  });
  return verify('sha256', Buffer.from(stringToSign), key, Buffer.from(signatureHex, 'hex'));
}

async function agree(c: Case, regionSet: string[], ecdsaChoice: 'node' | 'webcrypto') {
  const { options: v4Options } = engineOptions(c);
  const { region: _region, ...rest } = v4Options;
  const options = {
    ...rest,
    regionSet,
    ...(ecdsaChoice === 'webcrypto' ? { ecdsa: webCryptoEcdsa, backend: pureJsBackend } : {}),
  };
  const ours = await presignV4aDetailed(options);
  const emitted = ours.url.slice(ours.url.indexOf('/', ours.url.indexOf('//') + 2), ours.url.indexOf('?'));
  const request = {
    ...oracleRequest(c, { ...v4Options, region: regionSet.join(',') }, emitted),
    algorithm: 'v4a' as const,
  };
  const theirs = await crtPresign(request);
  expect(withoutSignature(decodedParams(queryOf(ours.url)))).toEqual(
    withoutSignature(decodedParams(queryOf(theirs.signedUrlPathAndQuery))),
  );
  const publicKey = await v4aPublicKeyOf(c, ecdsaChoice === 'webcrypto' ? webCryptoEcdsa : undefined);
  expect(crtVerifyV4a(request, ours.canonicalRequest, ours.signature, publicKey)).toBe(true);
  expect(nodeVerifies(publicKey, ours.stringToSign, theirs.signature)).toBe(true);

  // Our verifier accepts crt's URL, with the headers the client sends and the regions it was signed for.
  const origin = ours.url.slice(0, ours.url.indexOf('/', ours.url.indexOf('//') + 2));
  const verdict = await verifyPresignedUrl(
    { method: c.method, url: origin + theirs.signedUrlPathAndQuery, headers: Object.fromEntries(joinHeaders(c)) },
    {
      secretFor: (id) => (id === c.accessKeyId ? c.secretAccessKey : undefined),
      now: new Date(Math.floor(c.date.getTime() / 1000) * 1000),
      regions: regionSet[0] === '*' ? ['us-east-1'] : [regionSet[regionSet.length - 1]!],
      payloadHash: c.payloadHash,
      ...(c.s3 ? {} : { normalizePath: c.normalizePath }),
      allowUnsignedSessionToken: c.tokenMode === 'appended',
    },
  );
  expect(verdict).toMatchObject({ ok: true, accessKeyId: c.accessKeyId });
}

/** The case's headers as the client sends them: repeated names joined with ','. */
function joinHeaders(c: Case): Map<string, string> {
  const joined = new Map<string, string>();
  for (const [name, value] of c.headers) {
    const lower = name.toLowerCase();
    joined.set(lower, joined.has(lower) ? `${joined.get(lower)},${value}` : value);
  }
  return joined;
}

describe.runIf(isCrtAvailable())('differential: SigV4a engine vs aws-crt', () => {
  test(`${RUNS} random requests: same parameters, each side's signature verifies`, { timeout: 600_000 }, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        regionSetArb,
        fc.constantFrom('node' as const, 'webcrypto' as const),
        async (c, set, ecdsa) => {
          await agree(c, set, ecdsa);
          checked++;
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`aws-crt SigV4a differential: ${checked} cases agreed`);
    expect(checked).toBe(RUNS);
  });
});
