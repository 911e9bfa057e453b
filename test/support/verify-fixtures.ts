/**
 * Shared fixtures for the verifier and gateway tests: one key pair, a fixed signing instant, and
 * helpers that presign a request and check that no result leaks the secret.
 */
import { expect } from 'vitest';
import {
  presignDetailed,
  pureJsBackend,
  type PresignOptions,
  type PresignResult,
  type VerifyResult,
} from '../../src/index.js';
import { credentialScope, signCanonicalRequest, signingKey } from '../../src/stages.js';

export const ACCESS_KEY_ID = 'AKIDVERIFYEXAMPLE';
/** Deliberately full of characters that encoders get wrong, so a leak in any form would show. */
export const SECRET = 'verify/SECRET+key=wJalrXUtnFEMI';
export const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
export const secretFor = (id: string) => (id === ACCESS_KEY_ID ? SECRET : undefined);

/** Presigns with the fixture credentials at {@link SIGNED_AT}; `overrides` win. */
export function sign(overrides: Partial<PresignOptions> & Pick<PresignOptions, 'url'>): PresignResult {
  return presignDetailed({
    method: 'GET',
    region: 'us-east-1',
    service: 's3',
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    signingDate: SIGNED_AT,
    expiresIn: 900,
    ...overrides,
  });
}

/** Fails when a result, in any serialised form, carries the secret or one of the `hidden` values. */
export function expectNoLeak(result: VerifyResult, ...hidden: string[]): void {
  const text = JSON.stringify(result) + String((result as { message?: string }).message);
  for (const value of [SECRET, encodeURIComponent(SECRET), ...hidden]) expect(text).not.toContain(value);
}

/**
 * What another signer would make: {@link sign}, but with an `x-amz-content-sha256` value that
 * this engine refuses to sign (`not-a-digest`). The canonical request is the engine's with that
 * value put in, and signed again with the stages.
 */
export function signPayloadHashHeader(
  url: string,
  method: string,
  value: string,
  headers: Record<string, string> = {},
) {
  const placeholder = 'f'.repeat(64);
  const signed = sign({ method, url, headers: { ...headers, 'x-amz-content-sha256': placeholder } });
  const request = signed.canonicalRequest.replaceAll(placeholder, value);
  const date = signed.url.match(/X-Amz-Date=(\w+)/)![1]!;
  const key = signingKey(pureJsBackend, SECRET, date.slice(0, 8), 'us-east-1', 's3');
  const { signature } = signCanonicalRequest(
    pureJsBackend,
    key,
    date,
    credentialScope(date, 'us-east-1', 's3'),
    request,
  );
  return {
    url: signed.url.replace(/X-Amz-Signature=\w+$/, `X-Amz-Signature=${signature}`),
    headers: { ...signed.headers, 'x-amz-content-sha256': value },
  };
}
