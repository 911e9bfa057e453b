/**
 * The project's own vectors (test-vectors/presign.json): inputs with the canonical request,
 * string to sign, signature and parameters that aws-crt produced (cross-checked with botocore
 * by scripts/generate-vectors.mjs). They need no ../shared, so a fresh clone still proves
 * correctness.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { pureJsBackend, presignDetailed, type PresignOptions } from '../../src/index.js';
import { nodeBackend } from '../../src/node.js';

interface VectorCase {
  name: string;
  inputs: Omit<PresignOptions, 'signingDate' | 'credentials'> & {
    url: string;
    signingDate: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    sessionToken?: string;
  };
  expected: {
    signature: string;
    signedQueryParams: [string, string][];
    canonicalRequest: string;
    stringToSign: string;
  };
}

const { cases } = JSON.parse(readFileSync(new URL('../../test-vectors/presign.json', import.meta.url), 'utf8')) as {
  cases: VectorCase[];
};

const sortedPairs = (pairs: [string, string][]) => pairs.map((p) => JSON.stringify(p)).sort();
const decodedPairs = (url: string) =>
  sortedPairs(
    url
      .slice(url.indexOf('?') + 1)
      .split('&')
      .map((p) => p.split('=').map(decodeURIComponent) as [string, string]),
  );

describe.each([
  ['pure JS', pureJsBackend],
  ['node:crypto', nodeBackend],
])('project vectors from aws-crt (%s)', (_name, backend) => {
  test('covers S3 and generic services', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.some((c) => c.inputs.service === 's3')).toBe(true);
    expect(cases.some((c) => c.inputs.service !== 's3')).toBe(true);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_caseName, { inputs, expected }) => {
    const { sessionToken, signingDate, credentials, ...rest } = inputs;
    const result = presignDetailed({
      ...rest,
      credentials: { ...credentials, sessionToken },
      signingDate: new Date(signingDate),
      backend,
    });
    expect(result.canonicalRequest).toBe(expected.canonicalRequest);
    expect(result.stringToSign).toBe(expected.stringToSign);
    expect(result.signature).toBe(expected.signature);
    expect(decodedPairs(result.url)).toEqual(sortedPairs(expected.signedQueryParams));
  });
});
