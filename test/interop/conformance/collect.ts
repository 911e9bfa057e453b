/**
 * Node side of the conformance suite: reads the project's vectors (test-vectors/*.json, expected
 * values from aws-crt, cross-checked with botocore; see test-vectors/README.md) into
 * {@link ConformanceCase}s, which the bundler embeds, so that runtimes without file access run
 * the same cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseOptions, ConformanceCase } from './case.js';

const vectorsDir = resolve(fileURLToPath(import.meta.url), '../../../../test-vectors');
const FORMAT = 'sigv4-presign-vectors/1';

interface VectorFile {
  format: string;
  cases: {
    name: string;
    inputs: Omit<CaseOptions, 'credentials'> & {
      credentials: { accessKeyId: string; secretAccessKey: string };
      sessionToken?: string;
    };
    expected: {
      signature: string;
      canonicalRequest: string;
      stringToSign: string;
      signedQueryParams: [string, string][];
      signedPathAndQuery: string;
    };
  }[];
}

/** Every case of every vector file, in a stable order. Throws when a file has another format. */
export function collectCases(): ConformanceCase[] {
  const files = readdirSync(vectorsDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return files.flatMap((file) => {
    const vectors = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as VectorFile;
    if (vectors.format !== FORMAT) throw new Error(`${file}: format ${vectors.format}, expected ${FORMAT}`);
    return vectors.cases.map(({ name, inputs, expected }): ConformanceCase => {
      const { sessionToken, credentials, ...options } = inputs;
      const origin = new URL(inputs.url).origin;
      return {
        name: `${file.replace(/\.json$/, '')}/${name}`,
        options: {
          ...options,
          credentials: sessionToken === undefined ? credentials : { ...credentials, sessionToken },
        },
        expected: {
          canonicalRequest: expected.canonicalRequest,
          stringToSign: expected.stringToSign,
          signature: expected.signature,
          queryParams: expected.signedQueryParams,
          signedUrl: origin + expected.signedPathAndQuery,
        },
      };
    });
  });
}
