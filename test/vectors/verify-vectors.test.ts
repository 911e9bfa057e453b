/**
 * The verifier accepts URLs signed by AWS's own signers, taken from the published vectors:
 * all 38 aws-c-auth v4 cases (query-signed-request.txt), the S3 documentation's presigned URL and
 * botocore's presign vectors. Each is also checked to fail once one signature digit changes, so
 * that an accept cannot come from a check that passes everything.
 */
import { describe, expect, test } from 'vitest';
import { verifyPresignedUrlSync, type VerifySyncOptions } from '../../src/index.js';
import {
  awsCAuthVerifyCase,
  caseDirs,
  readJson,
  requireVectors,
  type AwsCAuthContext,
} from '../support/shared-vectors.js';

const run = requireVectors();
const cases = caseDirs('aws-c-auth/v4', () => 'context.json');

/** The URL with one hex digit of its signature changed. */
function flipSignatureDigit(url: string, signature: string): string {
  const last = signature.at(-1) === '0' ? '1' : '0';
  const flipped = signature.slice(0, -1) + last;
  expect(url).toContain(signature);
  return url.replace(signature, flipped);
}

describe.runIf(run)('verifies URLs signed by AWS (aws-c-auth v4, query mode)', () => {
  test('finds all 38 cases', () => expect(cases).toHaveLength(38));

  test.each(cases)('%s', (name) => {
    const { request, options, signature } = awsCAuthVerifyCase('aws-c-auth/v4', name);
    const result = verifyPresignedUrlSync(request, options);
    expect(result).toMatchObject({ ok: true, accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'service' });
    const context = readJson<AwsCAuthContext>('aws-c-auth/v4', name, 'context.json');
    if (result.ok) {
      expect(result.sessionToken).toBe(context.credentials.token);
      expect(result.sessionTokenSigned).toBe(context.credentials.token !== undefined && !context.omit_session_token);
      expect(result.expiresAt).toEqual(new Date(Date.parse(context.timestamp) + context.expiration_in_seconds * 1000));
    }
    const tampered = { ...request, url: flipSignatureDigit(String(request.url), signature) };
    expect(verifyPresignedUrlSync(tampered, options)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('an unsigned session token is refused unless allowed', () => {
    const { request, options } = awsCAuthVerifyCase('aws-c-auth/v4', 'post-sts-header-after');
    expect(verifyPresignedUrlSync(request, { ...options, allowUnsignedSessionToken: false })).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
    });
  });
});

interface S3Examples {
  credentials: { access_key_id: string; secret_access_key: string };
  region: string;
  timestamp: string;
  cases: { name: string; kind: string; expires_in_seconds?: number; expected: { url?: string; signature: string } }[];
}

describe.runIf(run)('verifies the S3 documentation presigned URL', () => {
  test('presigned-get-object', () => {
    const doc = readJson<S3Examples>('s3-examples.json');
    const example = doc.cases.find((c) => c.kind === 'query')!;
    const url = example.expected.url!;
    const options: VerifySyncOptions = {
      secretFor: (id) => (id === doc.credentials.access_key_id ? doc.credentials.secret_access_key : undefined),
      now: new Date(doc.timestamp),
      services: ['s3'],
    };
    expect(verifyPresignedUrlSync({ method: 'GET', url }, options)).toMatchObject({
      ok: true,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      expiresAt: new Date(Date.parse(doc.timestamp) + example.expires_in_seconds! * 1000),
    });
    const tampered = flipSignatureDigit(url, example.expected.signature);
    expect(verifyPresignedUrlSync({ method: 'GET', url: tampered }, options)).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

interface BotocoreVectors {
  vectors: {
    name: string;
    inputs: {
      method: string;
      host: string;
      path: string;
      credentials: { access_key_id: string; secret_access_key: string; session_token?: string };
      x_amz_date: string;
      payload_hash: string;
    };
    expected: { signature: string; canonical_query_string: string };
  }[];
}

describe.runIf(run)('verifies botocore presign vectors', () => {
  const vectors = run ? readJson<BotocoreVectors>('botocore/presign-vectors.json').vectors : [];
  test.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, { inputs, expected }) => {
    // The canonical query holds every parameter but the signature, which botocore published.
    const url = `https://${inputs.host}${inputs.path}?${expected.canonical_query_string}&X-Amz-Signature=${expected.signature}`;
    const date = inputs.x_amz_date;
    const options: VerifySyncOptions = {
      secretFor: (id) => (id === inputs.credentials.access_key_id ? inputs.credentials.secret_access_key : undefined),
      now: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
      payloadHash: inputs.payload_hash,
      // botocore's S3 signer is chosen by the payload, not by the service name in these vectors.
      uriEscapePath: inputs.payload_hash !== 'UNSIGNED-PAYLOAD',
      normalizePath: inputs.payload_hash !== 'UNSIGNED-PAYLOAD',
    };
    expect(verifyPresignedUrlSync({ method: inputs.method, url }, options)).toMatchObject({
      ok: true,
      accessKeyId: inputs.credentials.access_key_id,
      sessionToken: inputs.credentials.session_token,
    });
    const tampered = flipSignatureDigit(url, expected.signature);
    expect(verifyPresignedUrlSync({ method: inputs.method, url: tampered }, options)).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});
