/**
 * URLs signed by aws-crt (AWS's C signer, `auth.aws_sign_request` with
 * `HttpRequestViaQueryParams`, through test/support/crt-oracle) verify: S3 rules and the
 * double-encode-and-normalise rules, signed and appended session tokens, signed headers.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { verifyPresignedUrlSync } from '../../src/index.js';
import {
  crtPresignMany,
  EMPTY_SHA256,
  isCrtAvailable,
  UNSIGNED_PAYLOAD,
  type OracleRequest,
} from '../support/crt-oracle.mjs';

const LONG = process.env.SIGV4_LONG === '1';
const available = isCrtAvailable();
if (!available) {
  if (process.env.CI) throw new Error('aws-crt does not load here: the crt round trip cannot run');
  console.warn('\n!!! SKIPPING verify-crt: aws-crt does not load on this machine\n');
}

/** RFC 3986 encoding of each UTF-8 byte, written here so that the engine's encoder is not its own oracle. */
const rfc3986 = (text: string, keepSlash: boolean) =>
  [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')
        ? c
        : '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');

const text = fc.string({ unit: fc.constantFrom(...'abzAZ09-._~ !$&\'()*+,;=:@/%"é€😀'.split(/(?:)/u)), maxLength: 12 });
const request = fc.record({
  s3: fc.boolean(),
  method: fc.constantFrom('GET', 'PUT', 'DELETE', 'POST', 'HEAD'),
  host: fc.constantFrom('bucket.s3.us-east-1.amazonaws.com', 'example.amazonaws.com', '127.0.0.1:9000'),
  key: fc.array(
    text.filter((t) => t !== '' && t !== '.' && t !== '..'),
    { minLength: 1, maxLength: 4 },
  ),
  query: fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), text), { maxLength: 3 }),
  headers: fc.array(
    fc.tuple(
      fc.constantFrom('content-type', 'x-amz-meta-a', 'range', 'X-Custom'),
      fc.stringMatching(/^[!-~]( ?[!-~]){0,10}$/),
    ),
    {
      maxLength: 2,
    },
  ),
  accessKeyId: fc.constantFrom('AKIDEXAMPLE', 'minioadmin', 'test_key-01.x'),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
  sessionToken: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  omitSessionToken: fc.boolean(),
  region: fc.constantFrom('us-east-1', 'auto', 'eu-central-1'),
  date: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
  expiresIn: fc.integer({ min: 1, max: 604800 }),
});

describe.runIf(available)('verifies URLs signed by aws-crt', () => {
  const count = LONG ? 20_000 : 1_000;
  test(`${count} random requests, S3 and non-S3`, async () => {
    const inputs = fc.sample(request, { numRuns: count, seed: 4 });
    const oracleRequests: OracleRequest[] = inputs.map((input) => ({
      method: input.method,
      host: input.host,
      // S3 signs the key's canonical path, where '/' stands raw; the other rule signs the wire
      // path (a '/' inside a segment stays %2F), encoded again.
      path: '/' + input.key.map((segment) => rfc3986(segment, input.s3)).join('/'),
      query: input.query.map(([name, value]) => [name, rfc3986(value, false)] as const),
      headers: input.headers,
      region: input.region,
      service: input.s3 ? 's3' : 'execute-api',
      accessKeyId: input.accessKeyId,
      secretAccessKey: input.secretAccessKey,
      ...(input.sessionToken === undefined
        ? {}
        : { sessionToken: input.sessionToken, omitSessionToken: input.omitSessionToken }),
      date: input.date,
      expiresIn: input.expiresIn,
      payloadHash: input.s3 ? UNSIGNED_PAYLOAD : EMPTY_SHA256,
      doubleEncode: !input.s3,
      normalizePath: !input.s3,
    }));
    const signed = await crtPresignMany(oracleRequests);
    let verified = 0;
    signed.forEach((result, i) => {
      const input = inputs[i]!;
      const headers: Record<string, string[]> = {};
      for (const [name, value] of input.headers) (headers[name] ??= []).push(value);
      const verdict = verifyPresignedUrlSync(
        { method: input.method, url: `https://${input.host}${result.signedUrlPathAndQuery}`, headers },
        {
          secretFor: (id) => (id === input.accessKeyId ? input.secretAccessKey : undefined),
          now: input.date,
          allowUnsignedSessionToken: input.omitSessionToken,
        },
      );
      expect(verdict, JSON.stringify([verdict, result.signedUrlPathAndQuery])).toMatchObject({
        ok: true,
        accessKeyId: input.accessKeyId,
        sessionToken: input.sessionToken,
        sessionTokenSigned: input.sessionToken !== undefined && !input.omitSessionToken,
      });
      // The same URL under the other key must fail: the accept above is the signature's doing.
      const wrongKey = verifyPresignedUrlSync(
        { method: input.method, url: `https://${input.host}${result.signedUrlPathAndQuery}`, headers },
        {
          secretFor: () => input.secretAccessKey + 'x',
          now: input.date,
          allowUnsignedSessionToken: input.omitSessionToken,
        },
      );
      expect(wrongKey).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
      verified++;
    });
    expect(verified).toBe(count);
    console.log(`verify-crt: ${verified} aws-crt-signed URLs verified, each refused under a wrong secret`);
  });
});
