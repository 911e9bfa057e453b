/**
 * `--sigv4a` and `--region-set`: the command line presigns SigV4a URLs (Multi-Region Access
 * Points), which the `sigv4-presign/v4a` verifier accepts; misplaced flags are usage errors.
 */
import { describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/cli.js';
import { verifyPresignedUrl } from '../../../src/verify/v4a.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET };
const MRAP = 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg';
const DATE = '2026-03-01T12:00:00Z';

async function cli(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: ENV,
    homedir: '/nonexistent',
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  expect(stdout + stderr).not.toContain(SECRET);
  return { code, stdout, stderr };
}

const verify = (url: string, regions?: string[]) =>
  verifyPresignedUrl(
    { method: 'GET', url },
    { secretFor: (id) => (id === 'AKIDEXAMPLE' ? SECRET : undefined), now: new Date(DATE), regions },
  );

describe('sigv4-presign --sigv4a', () => {
  test('signs for every region by default, and the v4a verifier accepts the URL', async () => {
    const run = await cli([MRAP, '--sigv4a', '--service', 's3', '--date', DATE]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const url = run.stdout.trim();
    expect(url).toContain('X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&');
    expect(url).toContain('X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Fs3%2Faws4_request&');
    expect(url).toContain('&X-Amz-Region-Set=%2A&');
    expect(await verify(url, ['ap-south-1'])).toMatchObject({ ok: true, region: '*' });
  });

  test('--region-set names the regions; --json and --explain show the SigV4a stages', async () => {
    const run = await cli([
      MRAP,
      '--sigv4a',
      '--region-set',
      'us-east-1,eu-west-1',
      '--service',
      's3',
      '--date',
      DATE,
      '--json',
      '--explain',
    ]);
    expect(run.code).toBe(0);
    const { url, method } = JSON.parse(run.stdout) as { url: string; method: string };
    expect(method).toBe('GET');
    expect(url).toContain('&X-Amz-Region-Set=us-east-1%2Ceu-west-1&');
    expect(run.stderr).toContain(
      'String to sign:\nAWS4-ECDSA-P256-SHA256\n20260301T120000Z\n20260301/s3/aws4_request\n',
    );
    expect(await verify(url, ['eu-west-1'])).toMatchObject({ ok: true });
    expect(await verify(url, ['us-west-2'])).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
  });

  test.each([
    [
      '--region-set without --sigv4a',
      [MRAP, '--service', 's3', '--region', 'us-east-1', '--region-set', '*'],
      /--region-set applies with --sigv4a/,
    ],
    [
      '--region with --sigv4a',
      [MRAP, '--service', 's3', '--sigv4a', '--region', 'us-east-1'],
      /--region does not apply with --sigv4a/,
    ],
    ['an s3:// target', ['s3://bucket/key', '--sigv4a'], /--sigv4a takes an https:\/\/ URL/],
    [
      'a malformed region set',
      [MRAP, '--service', 's3', '--sigv4a', '--region-set', 'US-EAST-1'],
      /--region-set must list distinct region names/,
    ],
    [
      'a repeated region',
      [MRAP, '--service', 's3', '--sigv4a', '--region-set', 'eu-west-1,eu-west-1'],
      /--region-set must/,
    ],
  ])('%s is a usage error', async (_label, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
