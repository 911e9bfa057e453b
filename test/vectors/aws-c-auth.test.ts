/**
 * All 38 aws-c-auth SigV4 cases in query (presign) mode, on both hash backends:
 * - piecewise: canonical request, string to sign and signature byte for byte;
 * - end to end: the presigned URL's parameters equal query-signed-request.txt's, as a set
 *   (upstream emits them unsorted), and the URL's path decodes to the request's path.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { pureJsBackend, presignDetailed, type PresignOptions } from '../../src/index.js';
import { nodeBackend } from '../../src/node.js';
import {
  caseDirs,
  decodedParams,
  parseRequest,
  RAW_PATH_CASES,
  read,
  readJson,
  requireVectors,
  type AwsCAuthContext,
} from '../support/shared-vectors.js';

const run = requireVectors();
const cases = caseDirs('aws-c-auth/v4', () => 'context.json');

/** Builds the engine's options from an aws-c-auth case. */
function optionsFor(name: string): PresignOptions {
  const context = readJson<AwsCAuthContext>('aws-c-auth/v4', name, 'context.json');
  const request = parseRequest(read('aws-c-auth/v4', name, 'request.txt'));
  const headers: Record<string, string[]> = {};
  let host = '';
  for (const [rawName, value] of request.headers) {
    const lower = rawName.toLowerCase();
    if (lower === 'host') host = value;
    else (headers[lower] ??= []).push(value);
  }
  return {
    method: request.method,
    url: `https://${host}${request.target}`,
    region: context.region,
    service: context.service,
    credentials: {
      accessKeyId: context.credentials.access_key_id,
      secretAccessKey: context.credentials.secret_access_key,
      sessionToken: context.credentials.token,
    },
    signingDate: new Date(context.timestamp),
    expiresIn: context.expiration_in_seconds,
    headers,
    // sign_body: the payload hash is the body's SHA-256, computed here by node:crypto.
    payloadHash: context.sign_body ? createHash('sha256').update(request.body).digest('hex') : undefined,
    // get-space-* and get-utf8 give a raw path that upstream encodes once: mapped as the raw path
    // with uriEscapePath false, not by bending the double-encoding rule (see RAW_PATH_CASES).
    uriEscapePath: !RAW_PATH_CASES.has(name),
    normalizePath: context.normalize,
    sessionTokenMode: context.omit_session_token ? 'appended' : 'signed',
  };
}

describe.runIf(run).each([
  ['noble', pureJsBackend],
  ['node:crypto', nodeBackend],
])('aws-c-auth v4 query signing (%s)', (_name, backend) => {
  test('finds all 38 cases', () => {
    expect(cases).toHaveLength(38);
  });

  test.each(cases)('%s: canonical request, string to sign, signature', (name) => {
    const result = presignDetailed({ ...optionsFor(name), backend });
    expect(result.canonicalRequest).toBe(read('aws-c-auth/v4', name, 'query-canonical-request.txt'));
    expect(result.stringToSign).toBe(read('aws-c-auth/v4', name, 'query-string-to-sign.txt'));
    expect(result.signature).toBe(read('aws-c-auth/v4', name, 'query-signature.txt'));
  });

  test.each(cases)('%s: signed request end to end', (name) => {
    const options = optionsFor(name);
    const result = presignDetailed({ ...options, backend });
    const expected = parseRequest(read('aws-c-auth/v4', name, 'query-signed-request.txt'));
    const actual = new URL(result.url);
    const [path, query] = result.url.slice(`https://${actual.host}`.length).split('?') as [string, string];
    expect(decodedParams(query)).toEqual(decodedParams(expected.query));
    expect(decodeURIComponent(path)).toBe(decodeURIComponent(expected.path));
    expect(result.method).toBe(expected.method);
  });
});
