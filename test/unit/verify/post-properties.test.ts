/**
 * Properties of presignPost and verifyPresignedPost together: any policy we produce verifies
 * with its own fields (names in any case, until the instant it expires), and any single change
 * to a field, the policy or the signature fails.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  checkBucketName,
  presignPost,
  verifyPresignedPost,
  type PresignPostOptions,
  type PresignedPost,
} from '../../../src/index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const RUNS = process.env['SIGV4_LONG'] === '1' ? 20_000 : 400;

// Text a form can carry unchanged: no control characters (browsers rewrite line breaks).
const text = (maxLength: number) =>
  fc.string({ unit: 'grapheme', maxLength }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const ascii = (maxLength: number) =>
  fc.string({ unit: 'grapheme-ascii', maxLength }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const token = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);

function isBucketName(name: string): boolean {
  try {
    return checkBucketName(name) === name;
  } catch {
    return false; // a reserved prefix or suffix, such as xn--
  }
}

// Keys are literal; one that starts with '/' says so (allowLeadingSlash), as the S3 helpers want.
const keyChoice = fc.oneof(
  text(60)
    .filter((k) => k !== '' && !k.includes('${filename}'))
    .map((key) => ({ key })),
  text(40)
    .filter((k) => !k.includes('${filename}'))
    .map((prefix) => ({ key: `${prefix}\${filename}` })),
  text(40)
    .filter((k) => !k.includes('${filename}'))
    .map((keyPrefix) => ({ keyPrefix })),
);

const optionsArb = fc.record(
  {
    bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/).filter(isBucketName),
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'default'),
    keyChoice,
    sessionToken: fc.option(fc.base64String({ minLength: 4, maxLength: 80 }), { nil: undefined }),
    signingDate: fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
    expiresIn: fc.integer({ min: 1, max: 604800 }),
    range: fc.option(
      fc.tuple(fc.nat(1e9), fc.nat(1e9)).map(([a, b]) => [a, a + b] as const),
      { nil: undefined },
    ),
    contentType: fc.option(
      fc.oneof(
        ascii(30),
        // S3 reads a Content-Type as a comma-separated list: a prefix with a comma could never match.
        ascii(10)
          .filter((prefix) => !prefix.includes(','))
          .map((startsWith) => ({ startsWith })),
      ),
      { nil: undefined },
    ),
    metadata: fc.option(fc.dictionary(token, ascii(20), { maxKeys: 3 }), { nil: undefined }),
    status: fc.option(fc.constantFrom(200 as const, 201 as const, 204 as const), { nil: undefined }),
    cacheControl: fc.option(text(20), { nil: undefined }),
  },
  { requiredKeys: ['bucket', 'region', 'keyChoice', 'signingDate', 'expiresIn'] },
);

type Drawn = typeof optionsArb extends fc.Arbitrary<infer T> ? T : never;

function sign(d: Drawn): PresignedPost {
  const options: PresignPostOptions = {
    bucket: d.bucket,
    region: d.region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: d.sessionToken },
    ...d.keyChoice,
    allowLeadingSlash: ('key' in d.keyChoice ? d.keyChoice.key : d.keyChoice.keyPrefix).startsWith('/'),
    signingDate: d.signingDate,
    expiresIn: d.expiresIn,
    contentLengthRange: d.range,
    contentType: d.contentType,
    metadata: d.metadata,
    successActionStatus: d.status,
    fields: d.cacheControl === undefined ? undefined : { 'Cache-Control': d.cacheControl },
  };
  return presignPost(options);
}

/** The form a browser sends: the fields, plus the Content-Type a prefix leaves to it. */
function browserFields(d: Drawn, post: PresignedPost, suffix: string): [string, string][] {
  const fields = Object.entries(post.fields);
  if (typeof d.contentType === 'object') fields.splice(1, 0, ['Content-Type', d.contentType.startsWith + suffix]);
  return fields;
}

const verify = (d: Drawn, fields: Iterable<readonly [string, string]>, filename: string, now = d.signingDate) =>
  verifyPresignedPost({ bucket: d.bucket, fields, filename }, { secretFor: () => SECRET, now });

describe('presignPost and verifyPresignedPost', () => {
  test('any policy we produce verifies with its own fields, in any case, until it expires', async () => {
    await fc.assert(
      fc.asyncProperty(
        optionsArb,
        ascii(10).filter((s) => !s.includes(',')),
        text(20),
        fc.boolean(),
        async (d, suffix, filename, shout) => {
          const post = sign(d);
          let fields = browserFields(d, post, suffix);
          if (shout) fields = fields.map(([name, value]) => [name.toUpperCase(), value]);
          const signedAt = Math.floor(d.signingDate.getTime() / 1000) * 1000;
          const lastInstant = new Date(post.expiresAt.getTime() - 1);
          const name = filename.replace(/^.*[/\\]/, '');
          const expected =
            'keyPrefix' in d.keyChoice
              ? d.keyChoice.keyPrefix + name
              : d.keyChoice.key.replace('${filename}', () => name);
          const size = new TextEncoder().encode(expected).length;
          for (const now of [new Date(signedAt), lastInstant]) {
            const verdict = await verify(d, fields, filename, now);
            // ${filename} may leave no key at all, or one longer than S3 allows.
            if (size === 0 || size > 1024) expect(verdict).toMatchObject({ ok: false, code: 'InvalidArgument' });
            else
              expect(verdict).toMatchObject({
                ok: true,
                key: expected,
                expiresAt: post.expiresAt,
                contentLengthRange: d.range,
              });
          }
          expect(await verify(d, fields, filename, post.expiresAt)).toMatchObject({ ok: false, code: 'AccessDenied' });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('any single change to a field, the policy or the signature fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        optionsArb,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('value', 'drop', 'add'),
        async (d, which, at, kind) => {
          const post = sign(d);
          const fields = browserFields(d, post, 'x');
          const index = which % fields.length;
          const [name, value] = fields[index]!;
          const changed = [...fields];
          if (kind === 'drop') changed.splice(index, 1);
          else if (kind === 'add') changed.splice(index, 0, [`x-amz-meta-extra${which}`, 'v']);
          else {
            // A value that no condition on the field can accept: changed inside the part a prefix fixes,
            // or, for the key or a Content-Type the browser chose, with the prefix broken.
            const position = value === '' ? 0 : at % value.length;
            const swapped =
              value === ''
                ? 'z'
                : value.slice(0, position) + (value[position] === 'z' ? 'y' : 'z') + value.slice(position + 1);
            const prefixed =
              name === 'key' && value.endsWith('${filename}') ? value.slice(0, -'${filename}'.length) : undefined;
            const newValue =
              name === 'Content-Type' && typeof d.contentType === 'object'
                ? d.contentType.startsWith === ''
                  ? undefined // an empty prefix accepts any value
                  : `\u0001${value}`
                : prefixed !== undefined
                  ? prefixed === ''
                    ? undefined
                    : `\u0001${prefixed}`
                  : swapped;
            fc.pre(newValue !== undefined);
            changed[index] = [name, newValue!];
          }
          const verdict = await verify(d, changed, 'f.txt');
          expect(verdict.ok, `${kind} ${name}`).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
