/**
 * Node side of the conformance suite: reads the project's vectors (test-vectors/*.json, expected
 * values from aws-crt, cross-checked with botocore; see test-vectors/README.md) into
 * {@link ConformanceCase}s, which the bundler embeds, so that runtimes without file access run
 * the same cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  awsCAuthOptions,
  awsCAuthVerifyCase,
  caseDirs,
  read,
  readJson,
  requireVectors,
} from '../../support/shared-vectors.js';
import type { CaseOptions, ConformanceCase, V4aConformanceCase } from './case.js';

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

/** Vector files of the folder that hold other suites' cases (presigned POST's), not presigned URLs. */
const OTHER_FORMATS: ReadonlySet<string> = new Set(['sigv4-presign-post-vectors/1']);

/**
 * Every case of every presigned-URL vector file, in a stable order. Throws when a file has a
 * format that is neither this one nor another suite's.
 */
export function collectCases(): ConformanceCase[] {
  // The presign vectors (post.json, POST policies, has a format of its own and its own tests).
  const files = readdirSync(vectorsDir)
    .filter((name) => name.endsWith('.json') && name !== 'post.json')
    .sort();
  return files.flatMap((file) => {
    const vectors = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as VectorFile;
    if (OTHER_FORMATS.has(vectors.format)) return [];
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

/**
 * The 38 complete aws-c-auth SigV4a cases (../shared/test-vectors, read in place), in the shape
 * the runtimes take. Empty when the vectors are missing outside CI (requireVectors warns).
 */
export function collectV4aCases(): V4aConformanceCase[] {
  if (!requireVectors()) return [];
  const suite = 'aws-c-auth/v4a';
  return caseDirs(suite, () => 'public-key.json').map((name) => {
    const { region, signingDate, url, backend: _backend, ...options } = awsCAuthOptions(suite, name);
    const { request, options: verifyOptions } = awsCAuthVerifyCase(suite, name);
    const signedUrl = String(request.url);
    const stored = /X-Amz-Signature=([0-9a-f]+)/.exec(signedUrl)![1]!;
    const { X, Y } = readJson<{ X: string; Y: string }>(suite, name, 'public-key.json');
    return {
      name: `aws-c-auth-v4a/${name}`,
      options: { ...options, url: String(url), regionSet: [region], signingDate: signingDate!.toISOString() },
      expected: {
        canonicalRequest: read(suite, name, 'query-canonical-request.txt'),
        stringToSign: read(suite, name, 'query-string-to-sign.txt'),
        publicKey: { x: X, y: Y },
      },
      verify: {
        method: request.method,
        urls: [signedUrl, signedUrl.replace(stored, read(suite, name, 'query-signature.txt'))],
        headers: request.headers as Record<string, string[]>,
        options: {
          now: verifyOptions.now!.toISOString(),
          regions: verifyOptions.regions!,
          payloadHash: verifyOptions.payloadHash,
          uriEscapePath: verifyOptions.uriEscapePath!,
          normalizePath: verifyOptions.normalizePath!,
          allowUnsignedSessionToken: verifyOptions.allowUnsignedSessionToken!,
        },
      },
    };
  });
}
