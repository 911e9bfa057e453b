/**
 * `sigv4-presign post` in-process: `{url, fields}` JSON equal to presignPost's for the same
 * options (the library's POST is proven against botocore, the AWS SDK and AWS's example in
 * test/vectors/post-vectors.test.ts), the curl command line, sizes with units, and every usage
 * mistake as one line and exit status 2. test/interop/cli-post.test.ts runs the curl line
 * against real servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/cli.js';
import { curlCommand, parseSize, postKey } from '../../../src/cli/post.js';
import { presignPost } from '../../../src/index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'eu-west-1' };
const DATE = '2024-05-01T12:00:00Z';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const home = mkdtempSync(join(tmpdir(), 'sigv4-cli-post-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function cli(args: readonly string[], env: Record<string, string> = ENV) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    homedir: home,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('sigv4-presign post', () => {
  test('the issue’s command: {url, fields} as presignPost makes them', async () => {
    const run = await cli([
      'post',
      's3://uploads/user/42/',
      '--max-size',
      '10MB',
      '--content-type-prefix',
      'image/',
      '--json',
      '--date',
      DATE,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = presignPost({
      bucket: 'uploads',
      region: 'eu-west-1',
      credentials,
      keyPrefix: 'user/42/',
      contentLengthRange: [0, 10_000_000],
      contentType: { startsWith: 'image/' },
      signingDate: new Date(DATE),
    });
    expect(JSON.parse(run.stdout)).toEqual({ url: expected.url, fields: expected.fields });
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(['url', 'fields']);
    expect(run.stdout).not.toContain(SECRET);
  });

  test('JSON is the default; an exact key, an exact type, a size range, the expiry, an endpoint', async () => {
    const run = await cli([
      'post',
      's3://uploads/reports/q1.pdf',
      '--content-type',
      'application/pdf',
      '--min-size',
      '1',
      '--max-size',
      '5MiB',
      '--expires-in',
      '600',
      '--endpoint',
      'http://127.0.0.1:9000',
      '--date',
      DATE,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const expected = presignPost({
      bucket: 'uploads',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials,
      key: 'reports/q1.pdf',
      contentType: 'application/pdf',
      contentLengthRange: [1, 5 * 2 ** 20],
      expiresIn: 600,
      signingDate: new Date(DATE),
    });
    expect(JSON.parse(run.stdout)).toEqual({ url: expected.url, fields: expected.fields });
  });

  test('--curl: every field literally with --form-string, in order, the file last from $FILE', async () => {
    const run = await cli(['post', 's3://uploads/in/', '--content-type-prefix', 'image/', '--curl', '--date', DATE]);
    expect(run.code, run.stderr).toBe(0);
    const expected = presignPost({
      bucket: 'uploads',
      region: 'eu-west-1',
      credentials,
      keyPrefix: 'in/',
      contentType: { startsWith: 'image/' },
      signingDate: new Date(DATE),
    });
    expect(run.stdout).toBe(curlCommand(expected, 'image/'));
    const lines = run.stdout.trimEnd().split(' \\\n');
    expect(lines[0]).toBe('curl --fail-with-body');
    expect(lines.slice(1, -3)).toEqual(
      Object.entries(expected.fields).map(([name, value]) => `  --form-string '${name}=${value}'`),
    );
    expect(lines.at(-3)).toBe(
      `  --form-string "Content-Type=\${CONTENT_TYPE:?set CONTENT_TYPE to the file's type, starting with image/}"`,
    );
    expect(lines.at(-2)).toBe('  -F "file=@${FILE:?set FILE to the path of the file to upload}"');
    expect(lines.at(-1)).toBe(`  '${expected.url}'`);
  });

  test('curl quoting keeps any value whole: quotes, $, backslashes, @ and <', () => {
    const post = presignPost({
      bucket: 'uploads',
      region: 'us-east-1',
      credentials,
      key: `it's $HOME \\ @x <y`,
      signingDate: new Date(DATE),
    });
    expect(curlCommand(post)).toContain(`--form-string 'key=it'\\''s $HOME \\ @x <y'`);
  });

  test.each<[string, string[], RegExp]>([
    ['a size that is not one', ['--max-size', '10 parsecs'], /--max-size must be a size such as 10MB/],
    ['a fraction of a byte', ['--max-size', '1.5'], /--max-size must be a size/],
    ['a minimum without a maximum', ['--min-size', '1'], /--min-size needs --max-size/],
    ['a minimum over the maximum', ['--min-size', '2KB', '--max-size', '1KB'], /--min-size is larger than --max-size/],
    ['both type flags', ['--content-type', 'a/b', '--content-type-prefix', 'a/'], /not both/],
    ['--json and --curl', ['--json', '--curl'], /--json or --curl, not both/],
    ['--method', ['--method', 'PUT'], /--method does not apply to post/],
    ['--header', ['--header', 'a: b'], /--header does not apply to post/],
    ['--explain', ['--explain'], /--explain does not apply to post/],
    ['a comma in a type prefix', ['--content-type-prefix', 'image/,'], /prefix cannot hold a comma/],
  ])('%s: exit 2, one line', async (_name, flags, message) => {
    const run = await cli(['post', 's3://uploads/in/', '--date', DATE, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test.each<[string, string[], RegExp]>([
    ['no target', ['post'], /post takes one target/],
    ['two targets', ['post', 's3://a/b/', 's3://c/d/'], /post takes one target/],
    ['an https target', ['post', 'https://uploads.s3.amazonaws.com/'], /post takes an s3:\/\/BUCKET\/KEY target/],
    ['a post flag without post', ['s3://uploads/k', '--max-size', '1MB'], /--max-size applies to post only/],
    ['--curl without post', ['s3://uploads/k', '--curl'], /--curl applies to post only/],
  ])('%s: exit 2', async (_name, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test('Cloudflare R2 has no POST: exit 2, with a way out', async () => {
    const run = await cli(['post', 's3://uploads/in/', '--region', 'auto']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not implement POST uploads: presign a PUT instead/);
  });

  test('no credentials: exit 1', async () => {
    const run = await cli(['post', 's3://uploads/in/'], { AWS_REGION: 'us-east-1' });
    expect(run.code).toBe(1);
  });
});

describe('sizes and keys', () => {
  test.each<[string, number | undefined]>([
    ['0', 0],
    ['12345', 12345],
    ['10MB', 10_000_000],
    ['10mb', 10_000_000],
    ['10 MiB', 10 * 2 ** 20],
    ['1.5KB', 1500],
    ['1.5KiB', 1536],
    ['5GiB', 5 * 2 ** 30],
    ['2TB', 2e12],
    ['1.1B', undefined],
    ['-1', undefined],
    ['1e6', undefined],
    ['10 MBs', undefined],
    ['', undefined],
    ['99999999999TB', undefined],
  ])('parseSize(%j) = %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test('a key ending in / (or none) is a prefix; any other is the key', () => {
    expect(postKey('user/42/')).toEqual({ keyPrefix: 'user/42/' });
    expect(postKey('')).toEqual({ keyPrefix: '' });
    expect(postKey('a/${filename}')).toEqual({ key: 'a/${filename}' });
    expect(postKey('a/b.png')).toEqual({ key: 'a/b.png' });
  });
});
