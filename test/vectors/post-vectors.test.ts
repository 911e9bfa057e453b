/**
 * Presigned POST against independent sources (test-vectors/post.json, written by
 * scripts/generate-post-vectors.mjs):
 * - AWS's documentation example: our key chain over the page's own base64 policy gives the
 *   page's signature;
 * - botocore's and the AWS SDK's forms for the same inputs: each peer's signature holds under
 *   our key chain, our verifier accepts each peer's form, and presignPost writes the same
 *   conditions (compared as parsed JSON, names case-insensitive: each peer serialises
 *   differently), the same expiration and the same fields.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { presignPost, verifyPresignedPost, type PostCondition } from '../../src/index.js';
import { pureJsBackend, signature, signingKey } from '../../src/stages.js';
import { nodeBackend } from '../../src/node.js';
import type { PeerForm, PostCase } from '../support/post-oracles.mjs';

interface Vectors {
  awsDocExample: {
    credentials: { accessKeyId: string; secretAccessKey: string };
    region: string;
    date: string;
    policy: string;
    signature: string;
  };
  cases: (PostCase & { botocore: PeerForm; sdk: PeerForm })[];
}

const vectors = JSON.parse(readFileSync(new URL('../../test-vectors/post.json', import.meta.url), 'utf8')) as Vectors;

const decode = (base64: string) =>
  JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as {
    expiration: string;
    conditions: PostCondition[];
  };

/** A condition with its field name lower-case, as JSON: names are case-insensitive, values are not. */
function normalCondition(condition: PostCondition): string {
  if (Array.isArray(condition)) {
    const [operator, field, value] = condition as [string, unknown, unknown];
    return JSON.stringify([operator, typeof field === 'string' ? field.toLowerCase() : field, value]);
  }
  return JSON.stringify(Object.entries(condition).map(([name, value]) => [name.toLowerCase(), value]));
}
const conditionSet = (conditions: readonly PostCondition[]) => [...new Set(conditions.map(normalCondition))].sort();
const lowerFields = (fields: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));
const policyOf = (form: PeerForm) => lowerFields(form.fields)['policy']!;

describe.each([
  ['pure JS', pureJsBackend],
  ['node:crypto', nodeBackend],
])('presigned POST vectors (%s)', (_name, backend) => {
  test("AWS's documentation example: the page's signature over the page's base64 policy", () => {
    const { awsDocExample: doc } = vectors;
    const text = Buffer.from(doc.policy, 'base64').toString('utf8');
    // The page's policy, with its CRLF line ends and its own spacing.
    expect(text.startsWith('{ "expiration": "2015-12-30T12:00:00.000Z",\r\n')).toBe(true);
    expect(text).toContain('{"bucket": "sigv4examplebucket"},\r\n');
    const key = signingKey(backend, doc.credentials.secretAccessKey, doc.date, doc.region, 's3');
    expect(signature(backend, key, doc.policy)).toBe(doc.signature);
    expect(signature(backend, key, doc.policy.replace('eyAi', 'eyBi'))).not.toBe(doc.signature);
  });

  test('covers the peers on every case', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_caseName, c) => {
    const ours = presignPost({
      bucket: c.bucket,
      region: c.region,
      credentials: c.credentials,
      key: c.key,
      endpoint: c.endpoint,
      forcePathStyle: c.forcePathStyle,
      expiresIn: c.expiresIn,
      signingDate: new Date(c.date),
      fields: c.fields,
      conditions: c.conditions as PostCondition[] | undefined,
      contentLengthRange: c.contentLengthRange,
      backend,
    });
    const key = signingKey(
      backend,
      c.credentials.secretAccessKey,
      c.date.slice(0, 10).replaceAll('-', ''),
      c.region,
      's3',
    );

    test.each([
      ['botocore', c.botocore],
      ['the AWS SDK', c.sdk],
    ] as const)("%s's signature holds under our key chain, and our verifier accepts its form", async (_peer, form) => {
      const fields = lowerFields(form.fields);
      expect(signature(backend, key, fields['policy']!)).toBe(fields['x-amz-signature']);
      const filename = 'photo.jpg';
      const verdict = await verifyPresignedPost(
        // The form as a browser sends it: the peer's fields, plus any field a starts-with leaves to the client.
        { bucket: c.bucket, fields: { ...form.fields, ...clientFields(c) }, filename },
        { secretFor: () => c.credentials.secretAccessKey, now: new Date(c.date), backend },
      );
      expect(verdict).toMatchObject({ ok: true, key: c.key.replace('${filename}', filename) });
    });

    test('the same conditions as botocore and the AWS SDK, parsed, and the same expiration', () => {
      const boto = decode(policyOf(c.botocore));
      const sdk = decode(policyOf(c.sdk));
      expect(conditionSet(ours.policyDocument.conditions)).toEqual(conditionSet(boto.conditions));
      expect(conditionSet(ours.policyDocument.conditions)).toEqual(conditionSet(sdk.conditions));
      expect(ours.policyDocument.expiration).toBe(boto.expiration);
      expect(ours.policyDocument.expiration).toBe(sdk.expiration);
      // What we sign is the plain JSON.stringify text of what we return.
      expect(decode(ours.policy)).toEqual(ours.policyDocument);
      expect(Buffer.from(ours.policy, 'base64').toString('utf8')).toBe(JSON.stringify(ours.policyDocument));
    });

    test("the same URL and fields as botocore's (but the policy's bytes and signature)", () => {
      expect(ours.url).toBe(c.botocore.url);
      const { policy: _a, 'x-amz-signature': _b, ...theirs } = lowerFields(c.botocore.fields);
      const { policy: _c, 'x-amz-signature': _d, ...mine } = lowerFields(ours.fields);
      expect(mine).toEqual(theirs);
      expect(Object.keys(ours.fields)[0]).toBe('key');
      expect(Object.keys(ours.fields).slice(-2)).toEqual(['policy', 'x-amz-signature']);
    });
  });
});

/** Fields a `starts-with` condition leaves to the browser, with a value that meets it. */
function clientFields(c: PostCase): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const condition of c.conditions ?? []) {
    const [operator, field, prefix] = condition as [string, string, string];
    if (operator === 'starts-with' && field !== '$key') fields[field.slice(1)] = `${prefix}jpeg`;
  }
  return fields;
}
