/**
 * All 38 aws-c-auth SigV4 cases in query (presign) mode, on both hash backends:
 * - piecewise: canonical request, string to sign and signature byte for byte;
 * - end to end: the presigned URL's parameters equal query-signed-request.txt's, as a set
 *   (upstream emits them unsorted), and the URL's path decodes to the request's path.
 */
import { describe, expect, test } from 'vitest';
import { pureJsBackend, presignDetailed } from '../../src/index.js';
import { nodeBackend } from '../../src/node.js';
import {
  awsCAuthOptions,
  caseDirs,
  decodedParams,
  parseRequest,
  read,
  requireVectors,
} from '../support/shared-vectors.js';

const run = requireVectors();
const cases = caseDirs('aws-c-auth/v4', () => 'context.json');

describe.runIf(run).each([
  ['pure JS', pureJsBackend],
  ['node:crypto', nodeBackend],
])('aws-c-auth v4 query signing (%s)', (_name, backend) => {
  test('finds all 38 cases', () => {
    expect(cases).toHaveLength(38);
  });

  test.each(cases)('%s: canonical request, string to sign, signature', (name) => {
    const result = presignDetailed({ ...awsCAuthOptions('aws-c-auth/v4', name), backend });
    expect(result.canonicalRequest).toBe(read('aws-c-auth/v4', name, 'query-canonical-request.txt'));
    expect(result.stringToSign).toBe(read('aws-c-auth/v4', name, 'query-string-to-sign.txt'));
    expect(result.signature).toBe(read('aws-c-auth/v4', name, 'query-signature.txt'));
  });

  test.each(cases)('%s: signed request end to end', (name) => {
    const options = awsCAuthOptions('aws-c-auth/v4', name);
    const result = presignDetailed({ ...options, backend });
    const expected = parseRequest(read('aws-c-auth/v4', name, 'query-signed-request.txt'));
    const actual = new URL(result.url);
    const [path, query] = result.url.slice(`https://${actual.host}`.length).split('?') as [string, string];
    expect(decodedParams(query)).toEqual(decodedParams(expected.query));
    expect(decodeURIComponent(path)).toBe(decodeURIComponent(expected.path));
    expect(result.method).toBe(expected.method);
  });
});
