/**
 * The `sigv4-presign` command line: in-process through runCli for the many cases, and the built
 * executable (shebang, execute bit) against s3rver for the real thing.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP, runCli } from '../../src/cli/cli.js';
import { presignDetailed, presignGetObject, presignPutObject } from '../../src/index.js';
import { botocoreS3Presign, requireBotocore, withSortedQuery, type BotocoreS3Case } from '../support/botocore-s3.js';
import { buildPackage } from '../support/cli-build.js';
import { send, startS3rver, type S3TestServer } from '../support/s3-servers.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIDEXAMPLE';
const ENV = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'us-east-1' };
const DATE = '2013-05-24T00:00:00Z';
const credentials = { accessKeyId: KEY_ID, secretAccessKey: SECRET };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const homes: string[] = [];
/** A home folder with the given files under .aws/. */
function home(files: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-home-'));
  homes.push(dir);
  mkdirSync(join(dir, '.aws'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, '.aws', name), text);
  return dir;
}
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process with only the given environment (never the developer's own). */
function cli(args: readonly string[], env: Record<string, string> = ENV, homedir = home()): Run {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { env, homedir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('output', () => {
  it('prints the URL alone, equal to the library', () => {
    const run = cli(['s3://examplebucket/photos/cat 1.png', '--date', DATE, '--expires-in', '3600']);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '' +
        presignGetObject({
          bucket: 'examplebucket',
          key: 'photos/cat 1.png',
          region: 'us-east-1',
          credentials,
          expiresIn: 3600,
          signingDate: new Date(DATE),
        }).url +
        '\n',
    });
  });

  it('--json prints url, method, headers and expiresAt', () => {
    const run = cli([
      's3://examplebucket/up.png',
      '--method',
      'put',
      '--content-type',
      'image/png',
      '--header',
      'x-amz-meta-owner: alice',
      '--date',
      DATE,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const expected = presignPutObject({
      bucket: 'examplebucket',
      key: 'up.png',
      region: 'us-east-1',
      credentials,
      signingDate: new Date(DATE),
      contentType: 'image/png',
      metadata: { owner: 'alice' },
    });
    expect(JSON.parse(run.stdout)).toEqual({
      url: expected.url,
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'x-amz-meta-owner': 'alice' },
      expiresAt: '2013-05-24T00:15:00.000Z',
    });
  });

  it('--explain prints the canonical request, string to sign and scope to stderr', () => {
    const run = cli(['s3://examplebucket/k', '--date', DATE, '--explain']);
    const expected = presignGetObject({
      bucket: 'examplebucket',
      key: 'k',
      region: 'us-east-1',
      credentials,
      signingDate: new Date(DATE),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.url + '\n');
    expect(run.stderr).toContain(expected.canonicalRequest);
    expect(run.stderr).toContain(expected.stringToSign);
    expect(run.stderr).toContain(`Credential scope: ${expected.credentialScope}`);
  });

  it('signs any service URL with --service, equal to the library', () => {
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?b=2&a=1';
    const run = cli([url, '--service', 'execute-api', '--region', 'eu-west-1', '--method', 'POST', '--date', DATE]);
    const expected = presignDetailed({
      method: 'POST',
      url,
      region: 'eu-west-1',
      service: 'execute-api',
      credentials,
      signingDate: new Date(DATE),
    });
    expect(run).toEqual({ code: 0, stdout: expected.url + '\n', stderr: '' });
  });

  it('documents every option under --help', () => {
    const run = cli(['--help']);
    expect(run).toEqual({ code: 0, stdout: HELP, stderr: '' });
    const source = readFileSync(new URL('../../src/cli/cli.ts', import.meta.url), 'utf8');
    const declared = [...source.slice(source.indexOf('const OPTIONS')).matchAll(/^ {2}'?([a-z-]+)'?: \{ type/gm)].map(
      (m) => m[1]!,
    );
    expect(declared.length).toBeGreaterThan(10);
    for (const option of declared) expect(HELP, option).toContain(`--${option}`);
  });
});

describe.runIf(requireBotocore('the CLI-versus-botocore comparison in test/cli.test.ts'))('equals botocore', () => {
  const base = { region: 'eu-west-1', accessKeyId: KEY_ID, secretAccessKey: SECRET, expiresIn: 3600, date: DATE };
  const cases: Array<[string[], BotocoreS3Case]> = [
    [
      ['s3://examplebucket/a/../b//c d+%~é'],
      { ...base, operation: 'get_object', bucket: 'examplebucket', key: 'a/../b//c d+%~é', addressing: 'virtual' },
    ],
    [
      ['s3://my.dotted.bucket/k'],
      { ...base, operation: 'get_object', bucket: 'my.dotted.bucket', key: 'k', addressing: 'auto' },
    ],
    [
      ['s3://examplebucket/up.png', '--method', 'PUT', '--content-type', 'image/png', '--path-style'],
      {
        ...base,
        operation: 'put_object',
        bucket: 'examplebucket',
        key: 'up.png',
        addressing: 'path',
        params: { ContentType: 'image/png' },
      },
    ],
    [
      ['s3://examplebucket/k', '--method', 'HEAD', '--version-id', 'v1', '--endpoint', 'http://127.0.0.1:9000'],
      {
        ...base,
        operation: 'head_object',
        bucket: 'examplebucket',
        key: 'k',
        addressing: 'auto',
        endpoint: 'http://127.0.0.1:9000',
        params: { VersionId: 'v1' },
      },
    ],
    [
      ['s3://examplebucket/gone', '--method', 'DELETE'],
      { ...base, operation: 'delete_object', bucket: 'examplebucket', key: 'gone', addressing: 'virtual' },
    ],
  ];

  it('prints the URL botocore S3SigV4QueryAuth presigns for the same bucket, key, region, expiry and date', () => {
    const expected = botocoreS3Presign(cases.map(([, c]) => c));
    for (const [i, [args]] of cases.entries()) {
      const run = cli([...args, '--region', 'eu-west-1', '--expires-in', '3600', '--date', DATE]);
      expect(run.code, run.stderr).toBe(0);
      expect(withSortedQuery(run.stdout.trim()), args.join(' ')).toBe(withSortedQuery(expected[i]!));
    }
  });
});

describe('credentials and region, in the AWS CLI order', () => {
  const credentialFile = `[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = ${SECRET}\n\n[work]\naws_access_key_id=AKIDWORK\naws_secret_access_key=${SECRET}\naws_session_token = tok/en+1\n`;
  const configFile =
    '[default]\nregion = eu-central-1\n\n[profile work]\nregion = ap-south-1\n\n[profile cfgonly]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\nregion = sa-east-1\n';
  const scope = (run: Run) => /X-Amz-Credential=([^&]*)/.exec(run.stdout)?.[1]?.split('%2F');

  it('uses the environment first', () => {
    const run = cli(
      ['s3://b-1/k'],
      { ...ENV, AWS_PROFILE: 'work' },
      home({ credentials: credentialFile, config: configFile }),
    );
    expect(scope(run)).toEqual([KEY_ID, expect.any(String), 'us-east-1', 's3', 'aws4_request']);
  });

  it('falls back to the default profile, with its region from the config file', () => {
    const run = cli(['s3://b-1/k'], {}, home({ credentials: credentialFile, config: configFile }));
    expect(scope(run)?.[0]).toBe('AKIDDEFAULT');
    expect(scope(run)?.[2]).toBe('eu-central-1');
  });

  it('reads AWS_PROFILE from both files, with its session token', () => {
    const run = cli(['s3://b-1/k'], { AWS_PROFILE: 'work' }, home({ credentials: credentialFile, config: configFile }));
    expect(scope(run)?.[0]).toBe('AKIDWORK');
    expect(scope(run)?.[2]).toBe('ap-south-1');
    expect(run.stdout).toContain('X-Amz-Security-Token=tok%2Fen%2B1');
  });

  it('reads credentials from a [profile NAME] section of the config file', () => {
    const run = cli(['s3://b-1/k'], { AWS_PROFILE: 'cfgonly' }, home({ config: configFile }));
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDCONFIG', expect.any(String), 'sa-east-1']);
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE', () => {
    const elsewhere = home({ creds: credentialFile, conf: configFile });
    const env = {
      AWS_SHARED_CREDENTIALS_FILE: join(elsewhere, '.aws/creds'),
      AWS_CONFIG_FILE: join(elsewhere, '.aws/conf'),
    };
    const run = cli(['s3://b-1/k'], env, home());
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDDEFAULT', expect.any(String), 'eu-central-1']);
  });

  it('--profile skips the environment credentials', () => {
    const run = cli(['s3://b-1/k', '--profile', 'work'], ENV, home({ credentials: credentialFile }));
    expect(scope(run)?.[0]).toBe('AKIDWORK');
  });

  it('takes the region from --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile', () => {
    const files = home({ credentials: credentialFile, config: configFile });
    const region = (args: string[], env: Record<string, string>) =>
      scope(cli(['s3://b-1/k', ...args], env, files))?.[2];
    const all = { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(region(['--region', 'ca-central-1'], all)).toBe('ca-central-1');
    expect(region([], all)).toBe('us-west-1');
    expect(region([], { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(region([], {})).toBe('eu-central-1');
  });
});

describe('errors: one line on stderr, exit 2 for usage, 1 for the rest, never the secret', () => {
  const soon = new Date(Date.now() + 60_000).toISOString();
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ['unknown flag', ['s3://b-1/k', '--bogus'], ENV, 2, /Unknown option '--bogus'/],
    ['bad method', ['s3://b-1/k', '--method', 'PATCH'], ENV, 2, /--method must be one of GET, PUT, HEAD, DELETE/],
    ['non-numeric expiry', ['s3://b-1/k', '--expires-in', 'abc'], ENV, 2, /--expires-in must be a whole number/],
    ['expiry over 7 days', ['s3://b-1/k', '--expires-in', '604801'], ENV, 2, /expiresIn must be whole seconds/],
    ['invalid bucket name', ['s3://My_Bucket/k'], ENV, 2, /invalid bucket name "My_Bucket"/],
    ['missing key', ['s3://b-1'], ENV, 2, /object key must be a non-empty string/],
    ['missing target', [], ENV, 2, /missing the s3:\/\/ or https:\/\/ target/],
    ['two targets', ['s3://b-1/k', 's3://b-1/j'], ENV, 2, /exactly one target/],
    ['bad target', ['ftp://x/y'], ENV, 2, /target must be s3:\/\/BUCKET\/KEY/],
    ['URL without --service', ['https://example.com/x'], ENV, 2, /needs --service/],
    [
      '--endpoint with a URL',
      ['https://example.com/x', '--service', 'execute-api', '--endpoint', 'http://h'],
      ENV,
      2,
      /--endpoint applies to s3:\/\//,
    ],
    ['bad header', ['s3://b-1/k', '--header', 'no colon'], ENV, 2, /--header must look like/],
    ['bad date', ['s3://b-1/k', '--date', 'yesterday'], ENV, 2, /--date must be an ISO 8601 instant/],
    [
      'version id on PUT',
      ['s3://b-1/k', '--method', 'PUT', '--version-id', 'v'],
      ENV,
      2,
      /--version-id does not apply to PUT/,
    ],
    ['missing credentials', ['s3://b-1/k'], { AWS_REGION: 'us-east-1' }, 1, /no credentials/],
    [
      'half the credentials',
      ['s3://b-1/k'],
      { AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: SECRET },
      1,
      /must be set together/,
    ],
    ['missing region', ['s3://b-1/k'], { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET }, 1, /no region/],
    ['unknown --profile', ['s3://b-1/k', '--profile', 'nope'], ENV, 1, /profile "nope" not found/],
    [
      'credentials expire first',
      ['s3://b-1/k', '--expires-in', '3600'],
      { ...ENV, AWS_CREDENTIAL_EXPIRATION: soon },
      1,
      /credentials expire at/,
    ],
    [
      'unreadable expiration',
      ['s3://b-1/k'],
      { ...ENV, AWS_CREDENTIAL_EXPIRATION: 'soon' },
      1,
      /AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date/,
    ],
  ];
  it.each(cases)('%s', (_, args, env, code, message) => {
    const run = cli(args, env);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^sigv4-presign: [^\n]+\n$/);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
  });

  it('a profile without static keys says what to do, without echoing the file', () => {
    const run = cli(
      ['s3://b-1/k'],
      { AWS_REGION: 'us-east-1' },
      home({ config: `[default]\nsso_session = x\nnote = ${SECRET}\n` }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has no aws_access_key_id .* export-credentials/);
    expect(run.stderr).not.toContain(SECRET);
  });

  it('never prints the secret in any successful mode either', () => {
    for (const extra of [
      [],
      ['--json'],
      ['--explain'],
      ['--json', '--explain', '--method', 'PUT', '--content-type', 'text/plain'],
    ]) {
      const run = cli(['s3://b-1/k', ...extra], { ...ENV, AWS_SESSION_TOKEN: 'session-token' });
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
      expect(run.stdout + run.stderr).not.toContain(encodeURIComponent(SECRET));
    }
  });
});

describe('the built executable', () => {
  let folder: string;
  let bin: string;
  let server: S3TestServer;
  beforeAll(async () => {
    folder = buildPackage();
    bin = join(folder, 'dist', 'cli', 'bin.js');
    server = await startS3rver();
  });
  afterAll(async () => {
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** Runs the built bin file directly (through its shebang), with only the given environment. */
  const exec = (args: string[], env: Record<string, string>) => {
    const run = spawnSync(bin, args, {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: home(), ...env },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  it('has its shebang and execute bit', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
  });

  it('uploads and downloads through URLs it prints, against s3rver', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
      AWS_REGION: server.location.region,
    };
    const target = `s3://${server.location.bucket}/cli upload/ü+1.txt`;
    const endpoint = ['--endpoint', server.location.endpoint!];
    const put = exec([target, ...endpoint, '--method', 'PUT', '--content-type', 'text/plain', '--json'], env);
    expect(put.code, put.stderr).toBe(0);
    const { url, method, headers } = JSON.parse(put.stdout) as {
      url: string;
      method: string;
      headers: Record<string, string>;
    };
    expect((await send(url, { method, headers, body: 'hello from the CLI' })).status).toBe(200);

    const get = exec([target, ...endpoint], env);
    expect(get.code, get.stderr).toBe(0);
    const res = await send(get.stdout.trim(), { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello from the CLI');
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('exits 2 on a usage error and 1 on missing credentials, with one line and no stack', () => {
    const usage = exec(['s3://b-1/k', '--method', 'PATCH'], { AWS_REGION: 'us-east-1' });
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
    const missing = exec(['s3://b-1/k'], { AWS_REGION: 'us-east-1' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^sigv4-presign: no credentials[^\n]*\n$/);
  });
});
