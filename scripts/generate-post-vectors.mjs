#!/usr/bin/env node
// @ts-check
/**
 * Writes test-vectors/post.json: presigned-POST vectors whose every expected value comes from
 * outside this project.
 * - AWS's documentation example ("Example: Browser-Based Upload using HTTP POST (Using AWS
 *   Signature Version 4)"): its base64 policy and its signature, as the page publishes them
 *   (taken from the page's text, not retyped).
 * - Forms made by botocore's generate_presigned_post (signature_version='s3v4') and by
 *   @aws-sdk/s3-presigned-post's createPresignedPost at fixed dates, for a hand-written case
 *   table. Nothing here signs or builds a policy itself.
 *
 *   node scripts/generate-post-vectors.mjs          # (re)write the file
 *   node scripts/generate-post-vectors.mjs --check  # exit 1 if the file is not what would be written
 *
 * Requires python3 with botocore. Format: test-vectors/README.md.
 */
import { writeOrCheck } from './write-or-check.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { botocorePost, botocorePostVersion, sdkPost } from '../test/support/post-oracles.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test-vectors', 'post.json');

// Test-only keys from AWS's documentation. They sign nothing real.
const DOC_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
// Shape of a real STS token: '/', '+' and '=' all occur.
const TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

const AWS_DOC_EXAMPLE = {
  source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html',
  description:
    "AWS's browser-based POST example: the policy text (CRLF line ends) as the page gives it in base64, and the signature the page states.",
  credentials: DOC_KEYS,
  region: 'us-east-1',
  date: '20151229',
  policy:
    'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9',
  signature: '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e',
};

/** @type {import('../test/support/post-oracles.d.mts').PostCase[]} */
const CASES = [
  {
    name: 'doc-inputs',
    description: "The AWS example's main inputs: a ${filename} key, a canned ACL, status 201 and a size range.",
    bucket: 'sigv4examplebucket',
    key: 'user/user1/${filename}',
    region: 'us-east-1',
    credentials: DOC_KEYS,
    date: '2015-12-29T00:00:00Z',
    expiresIn: 3600,
    fields: { acl: 'public-read', success_action_status: '201' },
    contentLengthRange: [1, 10485760],
  },
  {
    name: 'exact-key-metadata-path-style',
    description: 'An exact key, an exact content type and metadata, path style on a loopback endpoint.',
    bucket: 'uploads',
    key: 'reports/2024/q1 final+draft.pdf',
    region: 'eu-west-1',
    credentials: DOC_KEYS,
    date: '2024-03-01T12:34:56Z',
    expiresIn: 600,
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    fields: { 'Content-Type': 'application/pdf', 'x-amz-meta-author': 'J. Doe' },
    contentLengthRange: [0, 1048576],
  },
  {
    name: 'prefixes-and-properties',
    description: 'starts-with on Content-Type and on a metadata field, cache-control, storage class and SSE.',
    bucket: 'media-bucket',
    key: 'images/${filename}',
    region: 'ap-southeast-2',
    credentials: DOC_KEYS,
    date: '2025-07-04T23:59:59Z',
    expiresIn: 604800,
    fields: {
      'cache-control': 'max-age=60',
      'x-amz-storage-class': 'STANDARD_IA',
      'x-amz-server-side-encryption': 'AES256',
    },
    conditions: [
      ['starts-with', '$Content-Type', 'image/'],
      ['starts-with', '$x-amz-meta-tag', ''],
    ],
    contentLengthRange: [1, 5242880],
  },
  {
    name: 'session-token-redirect',
    description: 'Temporary credentials (the token is a field and a condition) and success_action_redirect.',
    bucket: 'sigv4examplebucket',
    key: 'inbox/${filename}',
    region: 'us-west-2',
    credentials: { ...DOC_KEYS, sessionToken: TOKEN },
    date: '2023-11-15T08:00:00Z',
    expiresIn: 900,
    fields: { success_action_redirect: 'https://example.com/done?from=upload&x=1' },
  },
  {
    name: 'unicode-key',
    description:
      'A non-ASCII key: botocore writes \\u escapes in its JSON, the SDK raw UTF-8, so only parsed conditions can be compared.',
    bucket: 'photos',
    key: 'фото/été 2024/${filename}',
    region: 'us-east-1',
    credentials: DOC_KEYS,
    date: '2020-02-29T00:00:00Z',
    expiresIn: 300,
    fields: { 'Content-Type': 'image/jpeg' },
  },
];

async function generate() {
  const version = botocorePostVersion();
  if (version === undefined) throw new Error('python3 with botocore is required to generate the POST vectors');
  const boto = botocorePost(CASES);
  const sdk = await sdkPost(CASES);
  const require = createRequire(import.meta.url);
  const sdkVersion = /** @type {{ version: string }} */ (require('@aws-sdk/s3-presigned-post/package.json')).version;
  const doc = {
    format: 'sigv4-presign-post-vectors/1',
    generator: 'scripts/generate-post-vectors.mjs',
    oracles: {
      botocore: `botocore ${version} generate_presigned_post, Config(signature_version='s3v4')`,
      sdk: `@aws-sdk/s3-presigned-post ${sdkVersion} createPresignedPost`,
    },
    awsDocExample: AWS_DOC_EXAMPLE,
    cases: CASES.map((c, i) => ({ ...c, botocore: boto[i], sdk: sdk[i] })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

const text = await generate();
if (writeOrCheck(OUT, text, 'node scripts/generate-post-vectors.mjs')) {
  console.log(`wrote ${OUT}: the AWS documentation example and ${CASES.length} cases from botocore and the AWS SDK`);
}
