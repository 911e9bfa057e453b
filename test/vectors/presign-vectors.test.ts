/**
 * Presign vectors transcribed from botocore's and smithy-typescript's unit tests and from the S3
 * documentation, through the public `presignDetailed`.
 */
import { describe, expect, test } from 'vitest';
import { presignDetailed, type PresignOptions } from '../../src/node.js';
import { readJson, requireVectors } from '../support/shared-vectors.js';

const run = requireVectors();

/** `20140101T000000Z` → Date. */
const fromAmzDate = (d: string) =>
  new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );

/** Wire form of query parameters, encoded by the platform (not by the engine under test). */
const wireQuery = (params: [string, string][]) =>
  params.length === 0
    ? ''
    : '?' + params.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

interface VectorInputs {
  method: string;
  host: string;
  credentials: { access_key_id: string; secret_access_key: string; session_token?: string };
  region: string;
  service: string;
  x_amz_date: string;
  expires_in_seconds: number;
  payload_hash: string;
}
interface Expected {
  signature: string;
  canonical_request: string;
  string_to_sign: string;
  url_with_sorted_params?: string;
}
interface Vector<I> {
  name: string;
  inputs: I;
  expected: Expected;
}

const common = (inputs: VectorInputs): Omit<PresignOptions, 'url'> => ({
  method: inputs.method,
  region: inputs.region,
  service: inputs.service,
  credentials: {
    accessKeyId: inputs.credentials.access_key_id,
    secretAccessKey: inputs.credentials.secret_access_key,
    sessionToken: inputs.credentials.session_token,
  },
  signingDate: fromAmzDate(inputs.x_amz_date),
  expiresIn: inputs.expires_in_seconds,
  payloadHash: inputs.payload_hash,
  // smithy's vectors sign AWS hosts for the made-up region 'myregion'.
  regionFromHost: false,
});

function expectVector(options: PresignOptions, expected: Expected) {
  const result = presignDetailed(options);
  expect(result.canonicalRequest).toBe(expected.canonical_request);
  expect(result.stringToSign).toBe(expected.string_to_sign);
  expect(result.signature).toBe(expected.signature);
  return result;
}

describe.runIf(run)('botocore presign vectors', () => {
  type Inputs = VectorInputs & { path: string; operation_params: [string, string][] };
  const vectors = run ? readJson<{ vectors: Vector<Inputs>[] }>('botocore/presign-vectors.json').vectors : [];

  test('finds all 6 vectors', () => {
    expect(vectors).toHaveLength(6);
  });

  test.each(vectors.map((v) => [v.name, v] as const))('%s', (name, { inputs, expected }) => {
    // botocore's S3SigV4QueryAuth applies S3's path rules whatever the scope's service name.
    const s3Rules = name.startsWith('s3-') ? { uriEscapePath: false, normalizePath: false } : {};
    const result = expectVector(
      {
        ...common(inputs),
        ...s3Rules,
        url: `https://${inputs.host}${inputs.path}${wireQuery(inputs.operation_params)}`,
      },
      expected,
    );
    // Auth tokens (RDS, DSQL) are the URL without its scheme.
    const expectedUrl = expected.url_with_sorted_params!;
    expect(expectedUrl.startsWith('https://') ? result.url : result.url.slice('https://'.length)).toBe(expectedUrl);
  });
});

describe.runIf(run)('smithy-typescript presign vectors', () => {
  type Inputs = VectorInputs & {
    request_path: string;
    extra_signed_headers: Record<string, string>;
    query_params_before_signing: [string, string][];
  };
  const vectors = run ? readJson<{ vectors: Vector<Inputs>[] }>('smithy-typescript/presign-vectors.json').vectors : [];
  const optionsFor = (name: string, inputs: Inputs, path = inputs.request_path): PresignOptions => ({
    ...common(inputs),
    url: `https://${inputs.host}${path}${wireQuery(inputs.query_params_before_signing)}`,
    headers: inputs.extra_signed_headers,
    // smithy hoists a precalculated X-Amz-Content-Sha256 header into the query; the vector lists
    // it among the query parameters, which is where this engine takes it.
    ...(name === 'uri-escape-path-false-s3-style' ? { uriEscapePath: false } : {}),
  });

  test('finds all 9 vectors', () => {
    expect(vectors).toHaveLength(9);
  });

  test.each(vectors.map((v) => [v.name, v] as const))('%s', (name, { inputs, expected }) => {
    expectVector(optionsFor(name, inputs), expected);
  });

  test('path-double-encoded: relative and doubled-slash paths give the same signature', () => {
    const vector = vectors.find((v) => v.name === 'path-double-encoded')!;
    for (const path of ['/abc/../foo%3Dbar', '//foo%3Dbar']) {
      expect(presignDetailed(optionsFor(vector.name, vector.inputs, path)).signature).toBe(vector.expected.signature);
    }
  });
});

describe.runIf(run)('S3 documentation presigned URL example', () => {
  interface Examples {
    credentials: { access_key_id: string; secret_access_key: string };
    region: string;
    service: string;
    timestamp: string;
    cases: {
      kind: string;
      request: { method: string; url: string };
      expires_in_seconds: number;
      expected: Expected & { url: string };
    }[];
  }
  const examples = run ? readJson<Examples>('s3-examples.json') : undefined;

  test('GET test.txt, valid 24 hours', () => {
    const example = examples!.cases.find((c) => c.kind === 'query')!;
    const result = expectVector(
      {
        method: example.request.method,
        url: example.request.url,
        region: examples!.region,
        service: examples!.service,
        credentials: {
          accessKeyId: examples!.credentials.access_key_id,
          secretAccessKey: examples!.credentials.secret_access_key,
        },
        signingDate: new Date(examples!.timestamp),
        expiresIn: example.expires_in_seconds,
      },
      example.expected,
    );
    expect(result.url).toBe(example.expected.url);
  });
});
