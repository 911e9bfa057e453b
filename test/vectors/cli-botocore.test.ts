/**
 * The command line against botocore, the AWS CLI's own engine:
 * - the URL for a bucket, key and options equals the one botocore's S3 client presigns;
 * - the URL from the environment and the shared files alone (credentials, region, profile,
 *   endpoint settings, addressing) equals the one a botocore session built from the same
 *   environment and files presigns;
 * - the shared files parse as botocore parses them, on hand-picked and generated files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readAwsFiles, readTextFile, type Settings } from '../../src/cli/aws-config.js';
import { runCli } from '../../src/cli/cli.js';
import { botocoreS3Presign, requireBotocore, withSortedQuery, type BotocoreS3Case } from '../support/botocore-s3.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIDEXAMPLE';
const DATE = '2013-05-24T00:00:00Z';

const homes: string[] = [];
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

/** A home folder with .aws/config and .aws/credentials as given. */
function home(files: { readonly config?: string | undefined; readonly credentials?: string | undefined }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-cli-botocore-'));
  homes.push(dir);
  mkdirSync(join(dir, '.aws'));
  for (const name of ['config', 'credentials'] as const) {
    const text = files[name];
    if (text !== undefined) writeFileSync(join(dir, '.aws', name), text);
  }
  return dir;
}

async function cli(args: readonly string[], env: Record<string, string>, homedir: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { env, homedir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

type SettingsCase =
  | { parse: { config?: string; credentials?: string } }
  | {
      presign: {
        env: Record<string, string>;
        config?: string;
        credentials?: string;
        profile?: string;
        bucket: string;
        key: string;
        method?: 'GET' | 'PUT';
        expiresIn: number;
        date: string;
        addressing?: 'virtual';
      };
    };
type Plain = Record<string, Record<string, string | Record<string, string>>>;
type SettingsResult = { url: string } | { profiles: Plain; services: Plain } | { error: string };

/** One python process for the batch: test/support/botocore_cli_settings.py. */
function botocore(cases: readonly SettingsCase[]): SettingsResult[] {
  const script = fileURLToPath(new URL('../support/botocore_cli_settings.py', import.meta.url));
  const run = spawnSync(process.env['SIGV4_ORACLE_PYTHON'] ?? 'python3', [script], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`botocore_cli_settings.py exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SettingsResult[];
}

const plain = (settings: Settings): Plain[string] =>
  Object.fromEntries(
    [...settings].map(([key, value]) => [key, typeof value === 'string' ? value : Object.fromEntries(value)]),
  );

/** Our reading of the files, in botocore's full-config shape; or the error. */
function ours(files: {
  config?: string;
  credentials?: string;
}): { profiles: Plain; services: Plain } | { error: string } {
  try {
    const aws = readAwsFiles({ env: {}, homedir: home(files), readText: readTextFile });
    const profiles: Plain = {};
    for (const [name, settings] of aws.configProfiles) profiles[name] = plain(settings);
    for (const [name, settings] of aws.credentialProfiles) profiles[name] = { ...profiles[name], ...plain(settings) };
    return { profiles, services: Object.fromEntries([...aws.services].map(([name, s]) => [name, plain(s)])) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe.runIf(requireBotocore('the CLI-versus-botocore comparisons'))('the command line against botocore', () => {
  it('prints the URL botocore presigns for the same bucket, key, region, expiry and date', async () => {
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
    const expected = botocoreS3Presign(cases.map(([, c]) => c));
    const env = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET };
    for (const [i, [args]] of cases.entries()) {
      const run = await cli([...args, '--region', 'eu-west-1', '--expires-in', '3600', '--date', DATE], env, home({}));
      expect(run.code, run.stderr).toBe(0);
      expect(withSortedQuery(run.stdout.trim()), args.join(' ')).toBe(withSortedQuery(expected[i]!));
    }
  });

  it('resolves credentials, region, profile and S3 endpoint settings from the environment and files as botocore does', async () => {
    const keys = (id: string, token?: string) =>
      `aws_access_key_id = ${id}\naws_secret_access_key = ${SECRET}\n${token ? `aws_session_token = ${token}\n` : ''}`;
    // `custom`: the setup names an endpoint or an addressing style, so botocore's own addressing applies.
    const setups: Array<{
      name: string;
      env?: Record<string, string>;
      config?: string;
      credentials?: string;
      profile?: string;
      custom?: true;
    }> = [
      {
        name: 'environment keys and region',
        env: {
          AWS_ACCESS_KEY_ID: KEY_ID,
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_SESSION_TOKEN: 'tok',
          AWS_DEFAULT_REGION: 'eu-west-1',
        },
      },
      {
        name: 'default profile',
        config: '[default]\nregion = eu-central-1\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'AWS_PROFILE, token, comments',
        env: { AWS_PROFILE: 'work' },
        config: '# c\n[profile work]\nregion = ap-south-1\n; c\n',
        credentials: `[work]\n${keys('AKIDWORK', 'tok/en+1')}`,
      },
      {
        name: 'keys in the config file',
        env: { AWS_PROFILE: 'cfg' },
        config: `[profile cfg]\nregion = sa-east-1\n${keys('AKIDCONFIG')}`,
      },
      {
        name: 'quoted profile name',
        env: { AWS_PROFILE: 'my work' },
        config: `[profile "my work"]\nregion = ca-central-1\n${keys('AKIDQUOTED')}`,
      },
      {
        name: '--profile over environment keys',
        profile: 'work',
        env: { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: SECRET },
        config: '[profile work]\nregion = ap-south-1\n',
        credentials: `[work]\n${keys('AKIDWORK')}`,
      },
      {
        name: 'the credentials file overrides the region',
        config: '[default]\nregion = eu-west-1\n',
        credentials: `[default]\nregion = eu-west-3\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: '[DEFAULT] keys reach every profile',
        config: '[DEFAULT]\nregion = eu-north-1\n[default]\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: "an s3 sub-section's region is not the profile's",
        custom: true,
        config: '[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n  region = ap-south-1\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'AWS_ENDPOINT_URL_S3',
        custom: true,
        env: {
          AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
          AWS_ENDPOINT_URL: 'http://127.0.0.2:9000',
          AWS_DEFAULT_REGION: 'us-east-1',
        },
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'AWS_ENDPOINT_URL',
        custom: true,
        env: { AWS_ENDPOINT_URL: 'http://127.0.0.2:9000', AWS_DEFAULT_REGION: 'us-east-1' },
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: "the profile's endpoint_url",
        custom: true,
        config: '[default]\nregion = us-east-1\nendpoint_url = https://minio.example.com\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'a [services] section',
        custom: true,
        config:
          '[default]\nregion = us-east-1\nservices = local\nendpoint_url = http://127.0.0.9:1\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.5:9000\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'ignore_configured_endpoint_urls',
        env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' },
        config: '[default]\nregion = us-east-1\nignore_configured_endpoint_urls = true\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'dual-stack from the profile',
        config: '[default]\nregion = eu-west-1\nuse_dualstack_endpoint = true\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'accelerate from the s3 sub-section',
        config: '[default]\nregion = eu-west-1\ns3 =\n  use_accelerate_endpoint = true\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'FIPS',
        env: { AWS_USE_FIPS_ENDPOINT: 'true' },
        config: '[default]\nregion = us-east-2\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'FIPS and dual-stack',
        config: '[default]\nregion = us-west-2\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n',
        credentials: `[default]\n${keys('AKIDDEFAULT')}`,
      },
      {
        name: 'files named by the environment, with ~',
        env: { AWS_CONFIG_FILE: '~/.aws/config', AWS_SHARED_CREDENTIALS_FILE: '~/.aws/credentials', AWS_PROFILE: 'p' },
        config: '[profile p]\nregion = ap-northeast-2\n',
        credentials: `[p]\n${keys('AKIDP')}`,
      },
      {
        name: 'a process profile whose keys the credentials file holds',
        env: { AWS_PROFILE: 'p' },
        config: '[profile p]\nregion = eu-west-1\ncredential_process = /bin/false\n',
        credentials: `[p]\n${keys('AKIDP')}`,
      },
    ];
    const targets: Array<[string, string, 'GET' | 'PUT']> = [
      ['examplebucket', 'photos/cat 1.png', 'GET'],
      ['my.dotted.bucket', 'k+1', 'PUT'],
    ];
    const cases = setups.flatMap((setup) =>
      targets.map(([bucket, key, method]) => ({
        setup,
        bucket,
        key,
        method,
        oracle: {
          presign: {
            env: setup.env ?? {},
            ...(setup.config !== undefined && { config: setup.config }),
            ...(setup.credentials !== undefined && { credentials: setup.credentials }),
            ...(setup.profile !== undefined && { profile: setup.profile }),
            bucket,
            key,
            method,
            expiresIn: 3600,
            date: DATE,
            ...(setup.custom === undefined && !bucket.includes('.') && { addressing: 'virtual' as const }),
          },
        },
      })),
    );
    const expected = botocore(cases.map((c) => c.oracle));
    let refused = 0;
    for (const [i, c] of cases.entries()) {
      const result = expected[i]!;
      if ('profiles' in result) throw new Error('a presign case answered as a parse');
      const args = [`s3://${c.bucket}/${c.key}`, '--method', c.method, '--expires-in', '3600', '--date', DATE];
      if (c.setup.profile !== undefined) args.push('--profile', c.setup.profile);
      const run = await cli(args, c.setup.env ?? {}, home(c.setup));
      if ('error' in result) {
        // Refused by both, such as accelerate for a bucket with dots.
        expect(run.code, `${c.setup.name}: botocore refused (${result.error}), we printed ${run.stdout}`).not.toBe(0);
        refused++;
        continue;
      }
      expect(run.code, `${c.setup.name}: ${run.stderr}`).toBe(0);
      expect(withSortedQuery(run.stdout.trim()), c.setup.name).toBe(withSortedQuery(result.url));
    }
    expect(refused).toBe(1); // the dotted bucket over S3 Transfer Acceleration
  });

  it('where botocore signs an AWS endpoint for a region its host contradicts, the command line signs for the host', async () => {
    const setup = {
      env: {
        AWS_ENDPOINT_URL_S3: 'https://s3.eu-central-1.amazonaws.com',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET,
      },
    };
    const [result] = botocore([
      { presign: { ...setup, bucket: 'examplebucket', key: 'k', expiresIn: 3600, date: DATE } },
    ]);
    expect(result).toMatchObject({ url: expect.stringContaining('%2Fus-east-1%2Fs3%2F') }); // refused by S3
    const run = await cli(['s3://examplebucket/k', '--expires-in', '3600', '--date', DATE], setup.env, home({}));
    expect(run.stdout).toContain('%2Feu-central-1%2Fs3%2F');
    expect(run.stdout).toMatch(/^https:\/\/s3\.eu-central-1\.amazonaws\.com\/examplebucket\/k\?/);
  });

  it('parses the shared files as botocore does: hand-picked files', () => {
    const files: Array<{ config?: string; credentials?: string }> = [
      {
        config:
          '[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n  region = ap-south-1\nendpoint_url = http://x\n',
      },
      {
        config:
          '[profile a]\nk = v # not a comment\n[profile "b c"]\nk:v\n[profile]\nk = v\n[profile x y]\nk = v\n[profiles z]\nk = v\n',
      },
      {
        config: '[DEFAULT]\nregion = x\n[default]\n[profile p]\nregion = y\n',
        credentials: '[p]\nregion = z\n[q]\nk = v\n',
      },
      { config: '[default]\nnote = one\n  two\n\n  three\nafter = 1\n' },
      { config: '[default]\ns3 =\n\n  a = 1\n  # c\n  b = 2\n' },
      { config: '[default]\n  region = a\n  output = b\n' },
      { config: '[default]\r\nregion = a\r\n[profile p]\rregion = b' },
      { config: 'region = x\n' },
      { config: '[a]\n[a]\n' },
      { config: '[a]\nk = 1\nK = 2\n' },
      { config: '[a]\njust words\n' },
      { config: '[a]\n= v\n' },
      { config: '[default]\ns3 =\n  no equals here\n' },
      { credentials: '[default]\naws_access_key_id = A\n[profile x]\naws_access_key_id = B\n' },
      { config: "[profile 'unbalanced]\nk = v\n[services s]\ns3 =\n  endpoint_url = http://h\n" },
    ];
    const expected = botocore(files.map((parse) => ({ parse })));
    for (const [i, file] of files.entries()) {
      const mine = ours(file);
      const theirs = expected[i]!;
      expect(
        'error' in mine,
        `${JSON.stringify(file)}: ours ${JSON.stringify(mine)}, botocore ${JSON.stringify(theirs)}`,
      ).toBe('error' in theirs);
      if (!('error' in mine)) expect(mine, JSON.stringify(file)).toEqual(theirs);
    }
  });

  it('parses the shared files as botocore does: 400 generated files', () => {
    const name = fc.oneof(
      fc.constantFrom('default', 'work', '"a b"', 'x y', 'DEFAULT'),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
    );
    const header = fc.oneof(
      name.map((n) => `[${n}]`),
      name.map((n) => `[profile ${n}]`),
      name.map((n) => `[services ${n}]`),
      fc.constantFrom('[ profile work ]', '[profilex work]', '[profile]', '[a]b]', "[profile 'q]"),
    );
    const indent = fc.constantFrom('', '', '', ' ', '  ', '\t', '    ');
    const keyLine = fc
      .tuple(
        indent,
        fc.constantFrom(
          'region',
          'Region',
          's3',
          'endpoint_url',
          'aws_access_key_id',
          'addressing_style',
          'note',
          'k1',
          'k2',
        ),
        fc.constantFrom(' = ', '=', ': ', ' =', ':', ' : '),
        fc.constantFrom('', 'us-east-1', 'a # c', 'x=y', 'path', ' spaced '),
      )
      .map((parts) => parts.join(''));
    const other = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('', '   ', '# c', '; c', '  # c') },
      { weight: 1, arbitrary: fc.constantFrom('just words', '= v', '  no equals') },
    );
    const line = fc.oneof(
      { weight: 2, arbitrary: header },
      { weight: 6, arbitrary: keyLine },
      { weight: 2, arbitrary: other },
    );
    // Most files start with a section, as real ones do; some do not.
    const file = fc
      .tuple(
        fc.oneof({ weight: 9, arbitrary: header }, { weight: 1, arbitrary: line }),
        fc.array(line, { maxLength: 10 }),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([first, lines, eol]) => [first, ...lines].join(eol) + eol);
    const seed = Date.now();
    const files = fc.sample(fc.record({ config: file, credentials: file }), { numRuns: 400, seed });
    const expected = botocore(files.map((parse) => ({ parse })));
    let parsed = 0;
    for (const [i, f] of files.entries()) {
      const mine = ours(f);
      const theirs = expected[i]!;
      const context = `seed ${seed}, case ${i}: ${JSON.stringify(f)}: ours ${JSON.stringify(mine)}, botocore ${JSON.stringify(theirs)}`;
      expect('error' in mine, context).toBe('error' in theirs);
      if (!('error' in mine)) {
        expect(mine, context).toEqual(theirs);
        parsed++;
      }
    }
    // Both outcomes must be well represented for the comparison to mean something.
    expect(parsed).toBeGreaterThan(40);
    expect(parsed).toBeLessThan(380);
  });
});
