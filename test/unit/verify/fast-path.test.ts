/**
 * The verifier's remembered query (its fast path) gives the verdict a cold parse gives, for
 * SigV4's fixed-length signatures and SigV4a's variable-length ones: it is kept only when the
 * last parameter is `X-Amz-Signature` itself, so a value that merely ends with
 * `X-Amz-Signature=<hex>` cannot prime it.
 */
import { describe, expect, test } from 'vitest';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import { presign, verifyPresignedUrlSync } from '../../../src/index.js';
import { presignV4a } from '../../../src/sign/v4a.js';
import { verifyPresignedUrl } from '../../../src/verify/v4a.js';

const credentials = { accessKeyId: 'AKIDFAST', secretAccessKey: 'fast/path+SECRET' };
const signingDate = new Date('2026-03-01T12:00:00Z');
const options = { secretFor: () => credentials.secretAccessKey, now: new Date('2026-03-01T12:01:00Z') };
const zeros = '0'.repeat(64);

/** Moves a signed URL's `z` parameter after its signature, spelt with a raw '=' (it reads the same). */
function zLast(url: string): { signature: string; primed: (trailing: string) => string } {
  const signature = /&X-Amz-Signature=([0-9a-f]+)$/.exec(url)![1]!;
  const withoutZ = url.replace(`z=X-Amz-Signature%3D${zeros}&`, '');
  expect(withoutZ).not.toBe(url);
  return { signature, primed: (trailing) => `${withoutZ}&z=X-Amz-Signature=${trailing}` };
}

describe('the remembered query', () => {
  test('SigV4: a parameter ending in X-Amz-Signature=<hex> cannot prime it', () => {
    const url = presign({
      method: 'GET',
      url: `https://h.example/key?z=X-Amz-Signature%3D${zeros}`,
      region: 'us-east-1',
      service: 's3',
      credentials,
      signingDate,
    });
    const { signature, primed } = zLast(url);
    const verify = (u: string) => verifyPresignedUrlSync({ method: 'GET', url: u }, options);
    const cold = verify(primed(signature));
    expect(cold).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verify(primed(zeros))).toMatchObject({ ok: true }); // the same request as signed
    expect(verify(primed(signature))).toEqual(cold);
  });

  test('SigV4a: the same, with a DER signature of another length', async () => {
    const url = await presignV4a({
      method: 'GET',
      url: `https://h.example/key?z=X-Amz-Signature%3D${zeros}`,
      regionSet: ['*'],
      service: 's3',
      credentials,
      signingDate,
      ecdsa: nodeEcdsa,
    });
    const { signature, primed } = zLast(url);
    const verify = (u: string) => verifyPresignedUrl({ method: 'GET', url: u }, { ...options, ecdsa: nodeEcdsa });
    const cold = await verify(primed(signature));
    expect(cold).toMatchObject({ ok: false });
    expect(await verify(primed(zeros))).toMatchObject({ ok: true });
    expect(await verify(primed(signature))).toEqual(cold);
  });

  test('SigV4a URLs that differ only in their signature are each judged on their own signature', async () => {
    const base = { method: 'GET', service: 's3', regionSet: ['*'], credentials, signingDate, ecdsa: nodeEcdsa };
    const a = await presignV4a({ ...base, url: 'https://h.example/a' });
    const b = await presignV4a({ ...base, url: 'https://h.example/a' }); // another random nonce
    const verify = (u: string) => verifyPresignedUrl({ method: 'GET', url: u }, { ...options, ecdsa: nodeEcdsa });
    expect(a).not.toBe(b);
    expect(await verify(a)).toMatchObject({ ok: true });
    expect(await verify(b)).toMatchObject({ ok: true });
    const forged = a.replace(/X-Amz-Signature=[0-9a-f]+$/, (m) => m.slice(0, -2) + (m.endsWith('00') ? '01' : '00'));
    expect(await verify(forged)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('a SigV4a query remembered by the v4a verifier is not SigV4 to the root verifier', async () => {
    const url = await presignV4a({
      method: 'GET',
      url: 'https://h.example/k',
      service: 's3',
      regionSet: ['*'],
      credentials,
      signingDate,
      ecdsa: nodeEcdsa,
    });
    expect(await verifyPresignedUrl({ method: 'GET', url }, { ...options, ecdsa: nodeEcdsa })).toMatchObject({
      ok: true,
    });
    expect(verifyPresignedUrlSync({ method: 'GET', url }, options)).toMatchObject({
      ok: false,
      code: 'AuthorizationQueryParametersError',
    });
  });
});
