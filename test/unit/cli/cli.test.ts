/**
 * The `sigv4-presign` command line in-process (runCli), with real config files in a temporary
 * home folder and only the environment each test gives. Expected URLs come from the library's
 * own S3 helpers and presign, which the vector suites prove; test/vectors/cli-botocore.test.ts
 * compares the command line with botocore, and test/interop/cli.test.ts runs the built
 * executable against a real S3 server.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, test } from 'vitest';
import { HELP, MAX_LINE_BYTES, runCli } from '../../../src/cli/cli.js';
import { presignDetailed, presignGetObject, presignPutObject } from '../../../src/index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIDEXAMPLE';
const KEYS = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET };
const ENV = { ...KEYS, AWS_REGION: 'us-east-1' };
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
async function cli(
  args: readonly string[],
  env: Record<string, string> = ENV,
  homedir = home(),
  stdin?: Iterable<string | Uint8Array>,
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const input =
    stdin &&
    (async function* () {
      yield* stdin;
    })();
  const code = await runCli(args, {
    env,
    homedir,
    stdin: input,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const scope = (run: Run) => /X-Amz-Credential=([^&]*)/.exec(run.stdout)?.[1]?.split('%2F');
const hostOf = (run: Run) => /^https?:\/\/([^/?]+)/.exec(run.stdout)?.[1];

describe('output', () => {
  it('prints the URL alone, equal to the library', async () => {
    const run = await cli(['s3://examplebucket/photos/cat 1.png', '--date', DATE, '--expires-in', '3600']);
    const expected = presignGetObject({
      bucket: 'examplebucket',
      key: 'photos/cat 1.png',
      region: 'us-east-1',
      credentials,
      expiresIn: 3600,
      signingDate: new Date(DATE),
    });
    expect(run).toEqual({ code: 0, stderr: '', stdout: expected.url + '\n' });
  });

  it('--json prints url, method, headers and expiresAt', async () => {
    const run = await cli([
      's3://examplebucket/up.png',
      ...['--method', 'put', '--content-type', 'image/png', '--header', 'x-amz-meta-owner: alice'],
      ...['--date', DATE, '--json'],
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

  it('--explain prints the canonical request, string to sign and scope to stderr', async () => {
    const run = await cli(['s3://examplebucket/k', '--date', DATE, '--explain']);
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

  it('signs any service URL with --service, equal to the library', async () => {
    const url = 'https://api.example.com/prod/items?b=2&a=1';
    const run = await cli([
      url,
      '--service',
      'execute-api',
      '--region',
      'eu-west-1',
      '--method',
      'POST',
      '--date',
      DATE,
    ]);
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

  it('documents every option under --help', async () => {
    expect(await cli(['--help'])).toEqual({ code: 0, stdout: HELP, stderr: '' });
    const source = readFileSync(new URL('../../../src/cli/cli.ts', import.meta.url), 'utf8');
    const declared = [...source.slice(source.indexOf('const OPTIONS')).matchAll(/^ {2}'?([a-z-]+)'?: \{ type/gm)].map(
      (m) => m[1]!,
    );
    expect(declared.length).toBeGreaterThan(14);
    for (const option of declared) expect(HELP, option).toContain(`--${option}`);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await cli(['--version'], {})).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--clamp-to-credentials shortens the expiry to what the credentials have left', async () => {
    const expiration = '2013-05-24T00:10:00Z';
    const env = { ...ENV, AWS_SESSION_TOKEN: 'tok', AWS_CREDENTIAL_EXPIRATION: expiration };
    const refused = await cli(['s3://examplebucket/k', '--date', DATE], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'sigv4-presign: the credentials expire at 2013-05-24T00:10:00.000Z, before the URL: use --expires-in <= 600 or --clamp-to-credentials\n',
    );
    const clamped = await cli(['s3://examplebucket/k', '--date', DATE, '--clamp-to-credentials', '--json'], env);
    expect(clamped.code).toBe(0);
    expect(JSON.parse(clamped.stdout).expiresAt).toBe('2013-05-24T00:10:00.000Z');
    expect(clamped.stdout).toContain('X-Amz-Expires=600&');
  });
});

describe('region and service from the target (CLI item 1)', () => {
  const files = () =>
    home({
      config: '[default]\nregion = ap-south-1\n',
      credentials: `[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = ${SECRET}\n`,
    });

  it("an https:// target on an AWS host signs for the host's region and service, not the profile's", async () => {
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items';
    const run = await cli([url, '--date', DATE], { AWS_REGION: 'us-east-1' }, files());
    expect(run.code, run.stderr).toBe(0);
    expect(scope(run)).toEqual(['AKIDFILE', '20130524', 'eu-west-1', 'execute-api', 'aws4_request']);
    const lambda = await cli(['https://x7k2.lambda-url.eu-west-2.on.aws/', '--date', DATE], {}, files());
    expect(scope(lambda)?.slice(2, 4)).toEqual(['eu-west-2', 'lambda']);
    const s3 = await cli(['https://examplebucket.s3.eu-north-1.amazonaws.com/k', '--date', DATE], {}, files());
    expect(s3.stdout).toBe(
      presignDetailed({
        method: 'GET',
        url: 'https://examplebucket.s3.eu-north-1.amazonaws.com/k',
        region: 'eu-north-1',
        service: 's3',
        credentials: { accessKeyId: 'AKIDFILE', secretAccessKey: SECRET },
        signingDate: new Date(DATE),
      }).url + '\n',
    );
  });

  it('--region that contradicts the host is a usage error; one that agrees is fine', async () => {
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
    expect(await cli([url, '--region', 'us-east-1'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'sigv4-presign: --region us-east-1 contradicts the host abc123.execute-api.eu-west-1.amazonaws.com, which is in eu-west-1 (see --help)\n',
    });
    expect((await cli([url, '--region', 'eu-west-1'])).code).toBe(0);
  });

  it('--service that contradicts the host is a usage error', async () => {
    const run = await cli(['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', '--service', 'sqs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--service sqs contradicts the host .*, which signs as execute-api/);
  });

  it('a host that names a region but no service still needs --service', async () => {
    const run = await cli(['https://data-ats.iot.eu-west-1.amazonaws.com/mqtt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/data-ats\.iot\.eu-west-1\.amazonaws\.com names no service: pass --service/);
    const ok = await cli([
      'https://data-ats.iot.eu-west-1.amazonaws.com/mqtt',
      '--service',
      'iotdevicegateway',
      '--date',
      DATE,
    ]);
    expect(scope(ok)?.slice(2, 4)).toEqual(['eu-west-1', 'iotdevicegateway']);
  });

  it('an S3 endpoint on an AWS host gives its region too', async () => {
    const run = await cli(
      ['s3://examplebucket/k', '--endpoint', 'https://s3.eu-central-1.amazonaws.com', '--date', DATE],
      ENV,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(scope(run)?.[2]).toBe('eu-central-1');
    expect(run.stdout).toMatch(/^https:\/\/s3\.eu-central-1\.amazonaws\.com\/examplebucket\/k\?/);
    const contradicted = await cli([
      's3://examplebucket/k',
      '--endpoint',
      'https://s3.eu-central-1.amazonaws.com',
      '--region',
      'us-east-1',
    ]);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toMatch(
      /--region us-east-1 contradicts the endpoint https:\/\/s3\.eu-central-1\.amazonaws\.com \(from --endpoint\), which is in eu-central-1/,
    );
  });

  it('a host that names no region takes --region, the environment or the profile, in that order', async () => {
    const files = home({ config: '[default]\nregion = eu-central-1\n' });
    const region = async (args: string[], env: Record<string, string>) =>
      scope(await cli(['s3://b-1/k', ...args], { ...KEYS, ...env }, files))?.[2];
    const all = { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(await region(['--region', 'ca-central-1'], all)).toBe('ca-central-1');
    expect(await region([], all)).toBe('us-west-1');
    expect(await region([], { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(await region([], {})).toBe('eu-central-1');
  });

  it('a region that is not a region name says where it came from', async () => {
    const bad = await cli(['s3://b-1/k'], { ...KEYS, AWS_REGION: 'US East' });
    expect(bad).toMatchObject({
      code: 1,
      stderr: 'sigv4-presign: AWS_REGION "US East" is not a region name such as us-east-1 or auto\n',
    });
    const flag = await cli(['s3://b-1/k', '--region', 'us_east_1']);
    expect(flag.code).toBe(2);
    const commented = await cli(
      ['s3://b-1/k'],
      KEYS,
      home({ config: '[default]\nregion = us-east-1 # N. Virginia\n' }),
    );
    expect(commented.stderr).toMatch(
      /the region of profile "default" in .*config "us-east-1 # N. Virginia" is not a region name/,
    );
  });
});

describe('endpoints from the environment and the profile (CLI item 2)', () => {
  const run = (env: Record<string, string>, config: string, args: string[] = []) =>
    cli(['s3://examplebucket/k', '--date', DATE, ...args], { ...ENV, ...env }, home({ config }));

  it('AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then the profile; --endpoint wins', async () => {
    const config = '[default]\nendpoint_url = http://127.0.0.3:9000\n';
    const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ENDPOINT_URL: 'http://127.0.0.2:9000' };
    expect(hostOf(await run(env, config))).toBe('127.0.0.1:9000');
    expect(hostOf(await run({ AWS_ENDPOINT_URL: 'http://127.0.0.2:9000' }, config))).toBe('127.0.0.2:9000');
    expect(hostOf(await run({}, config))).toBe('127.0.0.3:9000');
    expect(hostOf(await run(env, config, ['--endpoint', 'http://127.0.0.4:9000']))).toBe('127.0.0.4:9000');
  });

  it("the URL is the library's for that endpoint, path-style for an IP address", async () => {
    const result = await run({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }, '');
    expect(result.stdout).toBe(
      presignGetObject({
        bucket: 'examplebucket',
        key: 'k',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        credentials,
        signingDate: new Date(DATE),
      }).url + '\n',
    );
  });

  it("an endpoint of one's own is addressed path-style, as the AWS CLI does, unless the profile says virtual", async () => {
    const env = { AWS_ENDPOINT_URL_S3: 'https://minio.example.com' };
    expect((await run(env, '')).stdout).toMatch(/^https:\/\/minio\.example\.com\/examplebucket\/k\?/);
    expect((await run({}, '', ['--endpoint', 'https://minio.example.com'])).stdout).toMatch(
      /^https:\/\/minio\.example\.com\/examplebucket\/k\?/,
    );
    const virtual = await run(env, '[default]\ns3 =\n  addressing_style = virtual\n');
    expect(hostOf(virtual)).toBe('examplebucket.minio.example.com');
  });

  it("the profile's s3 sub-section: addressing_style = path and endpoint_url", async () => {
    const config = '[default]\ns3 =\n  endpoint_url = https://minio.example.com\n  addressing_style = path\n';
    const result = await run({}, config);
    expect(result.stdout).toMatch(/^https:\/\/minio\.example\.com\/examplebucket\/k\?/);
  });

  it('a [services] section named by the profile, as the AWS CLI reads it', async () => {
    const config = '[default]\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.5:9000\n';
    expect(hostOf(await run({}, config))).toBe('127.0.0.5:9000');
  });

  it('ignore_configured_endpoint_urls leaves AWS', async () => {
    const result = await run(
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      '',
    );
    expect(hostOf(result)).toBe('examplebucket.s3.us-east-1.amazonaws.com');
  });

  it('dual-stack, accelerate and FIPS from the profile, as AWS names them', async () => {
    expect(hostOf(await run({}, '[default]\ns3 =\n  use_dualstack_endpoint = true\n'))).toBe(
      'examplebucket.s3.dualstack.us-east-1.amazonaws.com',
    );
    expect(hostOf(await run({}, '[default]\ns3 =\n  use_accelerate_endpoint = true\n'))).toBe(
      'examplebucket.s3-accelerate.amazonaws.com',
    );
    expect(hostOf(await run({}, '[default]\nuse_fips_endpoint = true\n'))).toBe(
      'examplebucket.s3-fips.us-east-1.amazonaws.com',
    );
    expect(hostOf(await run({ AWS_USE_DUALSTACK_ENDPOINT: 'true' }, '[default]\nuse_fips_endpoint = true\n'))).toBe(
      'examplebucket.s3-fips.dualstack.us-east-1.amazonaws.com',
    );
  });

  it('a configured endpoint that is not a URL, or that clashes with dual-stack, is an error naming its source', async () => {
    const bad = await run({ AWS_ENDPOINT_URL: 'localhost:9000' }, '');
    expect(bad).toMatchObject({
      code: 1,
      stderr: 'sigv4-presign: AWS_ENDPOINT_URL "localhost:9000" is not an absolute http(s) URL\n',
    });
    const clash = await run({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_USE_DUALSTACK_ENDPOINT: 'true' }, '');
    expect(clash.stderr).toMatch(
      /AWS_USE_DUALSTACK_ENDPOINT cannot be combined with the endpoint from AWS_ENDPOINT_URL_S3/,
    );
    expect((await run({}, '', ['--endpoint', 'nope'])).code).toBe(2);
  });

  it('https:// targets carry their own host: configured endpoints do not apply', async () => {
    const url = 'https://examplebucket.s3.eu-north-1.amazonaws.com/k';
    const result = await cli([url, '--date', DATE], { ...ENV, AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' });
    expect(hostOf(result)).toBe('examplebucket.s3.eu-north-1.amazonaws.com');
  });
});

describe('profiles (CLI items 3 and 4)', () => {
  const credentialFile = `[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = ${SECRET}\n\n[work]\naws_access_key_id=AKIDWORK\naws_secret_access_key=${SECRET}\naws_session_token = tok/en+1\n`;
  const configFile =
    '# comment\n[default]\nregion = eu-central-1\n\n[profile work]\nregion = ap-south-1\n; comment\n[profile cfgonly]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\nregion = sa-east-1\n';

  it('uses the environment first', async () => {
    const run = await cli(
      ['s3://b-1/k'],
      { ...ENV, AWS_PROFILE: 'work' },
      home({ credentials: credentialFile, config: configFile }),
    );
    expect(scope(run)).toEqual([KEY_ID, expect.any(String), 'us-east-1', 's3', 'aws4_request']);
  });

  it('falls back to the default profile, with its region from the config file', async () => {
    const run = await cli(['s3://b-1/k'], {}, home({ credentials: credentialFile, config: configFile }));
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDDEFAULT', expect.any(String), 'eu-central-1']);
  });

  it('reads AWS_PROFILE from both files, with its session token', async () => {
    const run = await cli(
      ['s3://b-1/k'],
      { AWS_PROFILE: 'work' },
      home({ credentials: credentialFile, config: configFile }),
    );
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDWORK', expect.any(String), 'ap-south-1']);
    expect(run.stdout).toContain('X-Amz-Security-Token=tok%2Fen%2B1');
  });

  it('reads credentials from a [profile NAME] section of the config file', async () => {
    const run = await cli(['s3://b-1/k'], { AWS_PROFILE: 'cfgonly' }, home({ config: configFile }));
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDCONFIG', expect.any(String), 'sa-east-1']);
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, with ~', async () => {
    const homedir = home({ creds: credentialFile, conf: configFile });
    const env = { AWS_SHARED_CREDENTIALS_FILE: '~/.aws/creds', AWS_CONFIG_FILE: '~/.aws/conf' };
    const run = await cli(['s3://b-1/k'], env, homedir);
    expect(scope(run)?.slice(0, 3)).toEqual(['AKIDDEFAULT', expect.any(String), 'eu-central-1']);
  });

  it('--profile skips the environment credentials', async () => {
    const run = await cli(['s3://b-1/k', '--profile', 'work'], ENV, home({ credentials: credentialFile }));
    expect(scope(run)?.[0]).toBe('AKIDWORK');
  });

  it("an s3 sub-section's indented region belongs to it, not to the profile", async () => {
    const config = '[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n  region = ap-south-1\n';
    const run = await cli(['s3://examplebucket/k'], KEYS, home({ config }));
    expect(scope(run)?.[2]).toBe('eu-west-1');
    expect(run.stdout).toMatch(/^https:\/\/s3\.eu-west-1\.amazonaws\.com\/examplebucket\/k\?/);
  });

  it('AWS_PROFILE=nope says the profile does not exist, even with keys in the environment', async () => {
    const run = await cli(['s3://b-1/k'], { ...ENV, AWS_PROFILE: 'nope' }, home({ credentials: credentialFile }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^sigv4-presign: profile "nope" \(from AWS_PROFILE\) does not exist: neither .*config \(\[profile nope\]\) nor .*credentials \(\[nope\]\) has it\n$/,
    );
  });

  it('a role profile is refused, not signed with the static keys the credentials file also holds', async () => {
    const run = await cli(
      ['s3://b-1/k'],
      { AWS_PROFILE: 'admin', AWS_REGION: 'us-east-1' },
      home({
        config: '[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\n',
        credentials: `[admin]\naws_access_key_id = AKIDSTALE\naws_secret_access_key = ${SECRET}\n`,
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^sigv4-presign: profile "admin" assumes an IAM role \(role_arn, source_profile\), which sigv4-presign cannot do: .*aws configure export-credentials --profile admin --format env/,
    );
  });

  it('with neither credentials nor region, the credentials are reported first', async () => {
    expect(await cli(['s3://b-1/k'], {})).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^sigv4-presign: no credentials: /),
    });
  });
});

describe('--date is reproducible (CLI item 5)', () => {
  const at = async (date: string) => scope(await cli(['s3://b-1/k', '--date', date]))?.[1];
  const amzDate = async (date: string) =>
    /X-Amz-Date=(\w+)/.exec((await cli(['s3://b-1/k', '--date', date])).stdout)?.[1];

  test.each([
    ['2013-05-24T00:00:00Z', '20130524T000000Z'],
    ['2013-05-24t00:00:00z', '20130524T000000Z'],
    ['2013-05-24T02:00:00+02:00', '20130524T000000Z'],
    ['2013-05-23T19:30:00-0430', '20130524T000000Z'],
    ['2013-05-24T00:00Z', '20130524T000000Z'],
    ['2013-05-24T00:00:00.999Z', '20130524T000000Z'],
    ['20130524T000000Z', '20130524T000000Z'],
    ['2024-02-29T12:00:00Z', '20240229T120000Z'],
    ['0099-01-01T00:00:00Z', '00990101T000000Z'],
  ])('%s signs as %s', async (date, expected) => {
    expect(await amzDate(date)).toBe(expected);
  });

  test.each([
    ['2013-05-24T00:00:00', /--date needs a time zone/],
    ['2013-05-24 00:00:00', /--date needs a time zone/],
    ['2013-05-24', /--date must be an ISO 8601 instant/],
    ['yesterday', /--date must be an ISO 8601 instant/],
    ['1369353600', /--date must be an ISO 8601 instant/],
    ['2024-02-30T00:00:00Z', /--date names a date or time that does not exist/],
    ['2023-02-29T00:00:00Z', /--date names a date or time that does not exist/],
    ['2013-13-01T00:00:00Z', /does not exist/],
    ['2013-04-31T00:00:00Z', /does not exist/],
    ['2013-05-24T24:00:00Z', /does not exist/],
    ['2013-05-24T23:60:00Z', /does not exist/],
    ['2013-05-24T23:59:60Z', /does not exist/],
    ['2013-05-24T00:00:00+24:00', /does not exist/],
    ['20130524T000000', /--date must be an ISO 8601 instant/],
  ])('%s is a usage error', async (date, message) => {
    const run = await cli(['s3://b-1/k', '--date', date]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('every valid instant signs the same day as Date.UTC says, whatever the offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        async (date, offsetMinutes) => {
          const seconds = Math.floor(date.getTime() / 1000) * 1000;
          const local = new Date(seconds + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(await at(local + offset)).toBe(new Date(seconds).toISOString().slice(0, 10).replaceAll('-', ''));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('messages in the command line vocabulary (CLI item 6)', () => {
  const soon = new Date(Date.now() + 60_000).toISOString();
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ['unknown flag', ['s3://b-1/k', '--bogus'], ENV, 2, /^sigv4-presign: unknown option --bogus \(see --help\)\n$/],
    [
      'unknown flag close to a known one',
      ['s3://b-1/k', '--expires', '60'],
      ENV,
      2,
      /unknown option --expires; did you mean --expires-in\?/,
    ],
    [
      "the AWS CLI's --endpoint-url",
      ['s3://b-1/k', '--endpoint-url', 'http://h'],
      ENV,
      2,
      /unknown option --endpoint-url; did you mean --endpoint\?/,
    ],
    ['unknown short flag', ['s3://b-1/k', '-x'], ENV, 2, /^sigv4-presign: unknown option -x \(see --help\)\n$/],
    [
      'flag without its value',
      ['s3://b-1/k', '--region'],
      ENV,
      2,
      /^sigv4-presign: --region needs a value \(see --help\)\n$/,
    ],
    ['value for a switch', ['s3://b-1/k', '--json=yes'], ENV, 2, /--json takes no value/],
    [
      'value that looks like a flag',
      ['s3://b-1/k', '--region', '-1'],
      ENV,
      2,
      /--region needs a value; write --region=VALUE/,
    ],
    [
      'flag given twice',
      ['s3://b-1/k', '--region', 'us-east-1', '--region', 'eu-west-1'],
      ENV,
      2,
      /--region is given twice/,
    ],
    ['bad method', ['s3://b-1/k', '--method', 'PATCH'], ENV, 2, /--method must be one of GET, PUT, HEAD, DELETE/],
    ['non-numeric expiry', ['s3://b-1/k', '--expires-in', 'abc'], ENV, 2, /--expires-in must be a whole number/],
    [
      'expiry over 7 days',
      ['s3://b-1/k', '--expires-in', '604801'],
      ENV,
      2,
      /--expires-in must be whole seconds in 1\.\.604800/,
    ],
    ['expiry zero', ['s3://b-1/k', '--expires-in', '0'], ENV, 2, /--expires-in must be whole seconds/],
    ['invalid bucket name', ['s3://My_Bucket/k'], ENV, 2, /invalid bucket name "My_Bucket"/],
    ['missing key', ['s3://b-1'], ENV, 2, /names no object key: write s3:\/\/BUCKET\/KEY/],
    ['empty key', ['s3://b-1/'], ENV, 2, /names no object key/],
    ['missing target', [], ENV, 2, /missing the s3:\/\/ or https:\/\/ target/],
    ['two targets', ['s3://b-1/k', 's3://b-1/j'], ENV, 2, /exactly one target/],
    ['bad target', ['ftp://x/y'], ENV, 2, /target must be s3:\/\/BUCKET\/KEY/],
    ['URL without --service', ['https://example.com/x'], ENV, 2, /example\.com names no service: pass --service/],
    ['bad --service', ['https://example.com/x', '--service', 'Bad Name'], ENV, 2, /--service must be a signing name/],
    ['--service on s3://', ['s3://b-1/k', '--service', 'sqs'], ENV, 2, /--service is s3 for an s3:\/\/ target/],
    [
      '--endpoint with a URL',
      ['https://example.com/x', '--service', 'execute-api', '--endpoint', 'http://h'],
      ENV,
      2,
      /--endpoint applies to s3:\/\//,
    ],
    ['bad header', ['s3://b-1/k', '--header', 'no colon'], ENV, 2, /--header must look like/],
    [
      'header the signer writes',
      ['s3://b-1/k', '--header', 'X-Amz-Date: 1'],
      ENV,
      2,
      /^sigv4-presign: header x-amz-date is the signer's to write \(see --help\)\n$/,
    ],
    [
      'header twice',
      ['s3://b-1/k', '--content-type', 'a/b', '--header', 'Content-Type: c/d'],
      ENV,
      2,
      /header content-type is given twice/,
    ],
    [
      'version id on PUT',
      ['s3://b-1/k', '--method', 'PUT', '--version-id', 'v'],
      ENV,
      2,
      /--version-id does not apply to PUT/,
    ],
    [
      'already presigned',
      ['https://h.example/x?X-Amz-Signature=1', '--service', 's3'],
      ENV,
      2,
      /already has X-Amz-Signature/,
    ],
    ['missing credentials', ['s3://b-1/k'], { AWS_REGION: 'us-east-1' }, 1, /no credentials/],
    [
      'half the credentials',
      ['s3://b-1/k'],
      { AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: SECRET },
      1,
      /must be set together/,
    ],
    [
      'missing region',
      ['s3://b-1/k'],
      KEYS,
      1,
      /^sigv4-presign: no region: pass --region, or set AWS_REGION, or region in profile "default"\n$/,
    ],
    [
      'unknown --profile',
      ['s3://b-1/k', '--profile', 'nope'],
      ENV,
      1,
      /profile "nope" \(from --profile\) does not exist/,
    ],
    [
      'credentials expire first',
      ['s3://b-1/k', '--expires-in', '3600'],
      { ...ENV, AWS_CREDENTIAL_EXPIRATION: soon },
      1,
      /credentials expire at .*: use --expires-in <= \d+ or --clamp-to-credentials/,
    ],
    [
      'unreadable expiration',
      ['s3://b-1/k'],
      { ...ENV, AWS_CREDENTIAL_EXPIRATION: 'soon' },
      1,
      /AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date/,
    ],
  ];
  it.each(cases)('%s', async (_, args, env, code, message) => {
    const run = await cli(args, env);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^sigv4-presign: [^\n]+\n$/);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
    // No library option name (camelCase) leaks into a message; paths and URLs may hold anything.
    expect(run.stderr.replace(/X-Amz-\w+|\S*\/\S*/g, '')).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/);
  });

  it('a mistake on the command line is reported before the setup is read', async () => {
    for (const args of [
      ['s3://b-1/k', '--method', 'PATCH'],
      ['ftp://x'],
      ['s3://b-1'],
      ['https://h.example/', '--path-style'],
    ]) {
      const run = await cli(args, {}, home({ config: '[default]\nrole_arn = arn:aws:iam::1:role/r\n' }));
      expect(run.code, args.join(' ')).toBe(2);
    }
  });

  it('no random command line gets a message with a library option name, a stack or the secret', async () => {
    const flag = fc.constantFrom(
      '--method',
      '--expires-in',
      '--region',
      '--service',
      '--endpoint',
      '--content-type',
      '--header',
      '--version-id',
      '--date',
      '--path-style',
      '--json',
      '--clamp-to-credentials',
      '--bogus',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('GET', 'PUT', '0', '604801', 'us-east-1', 'x: y', 'http://127.0.0.1:9', '2013-05-24T00:00:00Z'),
    );
    const target = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        's3://b-1/k',
        's3://B/k',
        'https://h.example/p',
        's3://b-1',
        'https://x.execute-api.eu-west-1.amazonaws.com/',
      ),
    );
    await fc.assert(
      fc.asyncProperty(target, fc.array(fc.tuple(flag, value), { maxLength: 4 }), async (first, pairs) => {
        const run = await cli([first, ...pairs.flat()]);
        const text = run.stdout + run.stderr;
        expect(text).not.toContain(SECRET);
        if (run.code !== 0) {
          expect(run.stderr).toMatch(/^sigv4-presign: [^\n]+\n$/);
          expect(run.stderr.replace(/X-Amz-\w+|\(got .*\)|"[^"]*"|\S*\/\S*/g, '')).not.toMatch(
            /\b[a-z]+[A-Z][A-Za-z]*\b/,
          );
          expect(run.stderr).not.toMatch(/internal error/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never prints the secret in any successful mode either', async () => {
    for (const extra of [
      [],
      ['--json'],
      ['--explain'],
      ['--json', '--explain', '--method', 'PUT', '--content-type', 'text/plain'],
    ]) {
      const run = await cli(['s3://b-1/k', ...extra], { ...ENV, AWS_SESSION_TOKEN: 'session-token' });
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
      expect(run.stdout + run.stderr).not.toContain(encodeURIComponent(SECRET));
    }
  });
});

describe('many targets from standard input (CLI item 7)', () => {
  const expectedUrl = (bucket: string, key: string) =>
    presignGetObject({ bucket, key, region: 'us-east-1', credentials, signingDate: new Date(DATE) }).url;

  it('prints one URL per line in order; a bad line is reported with its number and the rest still printed', async () => {
    const input = ['s3://b-1/a', '', 's3://B/x', 's3://b-1/with space ', 'ftp://nope', 's3://b-1/last'].join('\r\n');
    const run = await cli(['-', '--date', DATE], ENV, home(), [input]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(
      [expectedUrl('b-1', 'a'), expectedUrl('b-1', 'with space '), expectedUrl('b-1', 'last')].join('\n') + '\n',
    );
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^sigv4-presign: line 3: invalid bucket name "B"/),
      expect.stringMatching(
        /^sigv4-presign: line 5: the target must be s3:\/\/BUCKET\/KEY or an http\(s\):\/\/ URL \(got "ftp:\/\/nope"\)/,
      ),
    ]);
  });

  it('--json prints one object per line with its line number and target', async () => {
    const run = await cli(['-', '--date', DATE, '--json'], ENV, home(), [
      's3://b-1/a\nhttps://x.lambda-url.eu-west-2.on.aws/\n',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        line: 1,
        target: 's3://b-1/a',
        url: expectedUrl('b-1', 'a'),
        method: 'GET',
        headers: {},
        expiresAt: '2013-05-24T00:15:00.000Z',
      },
      expect.objectContaining({
        line: 2,
        target: 'https://x.lambda-url.eu-west-2.on.aws/',
        url: expect.stringContaining('%2Feu-west-2%2Flambda%2F'),
      }),
    ]);
  });

  it('lines split across chunks, bytes split inside a character, and no final newline', async () => {
    const bytes = new TextEncoder().encode('s3://b-1/ü\ns3://b-1/second');
    const chunks = [bytes.slice(0, 11), bytes.slice(11, 13), bytes.slice(13)];
    const run = await cli(['-', '--date', DATE], ENV, home(), chunks);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: `${expectedUrl('b-1', 'ü')}\n${expectedUrl('b-1', 'second')}\n`,
    });
  });

  it('a line that is not UTF-8 is reported, never signed as a different key', async () => {
    const run = await cli(['-', '--date', DATE], ENV, home(), [
      new Uint8Array([...new TextEncoder().encode('s3://b-1/'), 0xff, 10]),
      's3://b-1/ok\n',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(expectedUrl('b-1', 'ok') + '\n');
    expect(run.stderr).toBe('sigv4-presign: line 1: the line is not valid UTF-8 (see --help)\n');
  });

  it('a line longer than MAX_LINE_BYTES is reported and skipped, in one chunk or many, and the next line read', async () => {
    const long = 's3://b-1/' + 'k'.repeat(MAX_LINE_BYTES);
    const pieces = (text: string, size: number) =>
      Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
    for (const chunks of [
      [`${long}\ns3://b-1/next\n`],
      pieces(`${long}\ns3://b-1/next\n`, 65_536),
      pieces(`s3://b-1/first\n${long}`, 4096),
    ]) {
      const run = await cli(['-', '--date', DATE], ENV, home(), chunks);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(`^sigv4-presign: line [12]: the line is longer than ${MAX_LINE_BYTES} bytes`),
      );
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    }
    // A line just under the limit is read whole (and refused as a key, which has at most 1024 bytes).
    const under = 's3://b-1/' + 'k'.repeat(MAX_LINE_BYTES - 9);
    const run = await cli(['-', '--date', DATE], ENV, home(), pieces(`${under}\n`, 1000));
    expect(run.stderr).toMatch(/line 1: the object key is longer than 1024 UTF-8 bytes/);
  });

  it('credentials are checked before any line is read, and bad credentials stop at the first line', async () => {
    expect(await cli(['-'], { AWS_REGION: 'us-east-1' }, home(), ['s3://b-1/a\n'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/no credentials/),
    });
    const expired = await cli(
      ['-', '--expires-in', '3600'],
      { ...ENV, AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 60_000).toISOString() },
      home(),
      ['s3://b-1/a\ns3://b-1/b\n'],
    );
    expect(expired.code).toBe(1);
    expect(expired.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a region missing for one line fails that line only', async () => {
    const run = await cli(['-', '--date', DATE], KEYS, home(), [
      's3://b-1/a\nhttps://x.execute-api.ap-east-1.amazonaws.com/p\n',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sigv4-presign: line 1: no region/);
    expect(scope(run)?.slice(2, 4)).toEqual(['ap-east-1', 'execute-api']);
  });

  it('empty input prints nothing and succeeds; - without standard input is a usage error', async () => {
    expect(await cli(['-'], ENV, home(), [])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await cli(['-'], ENV)).code).toBe(2);
  });
});

describe('a key that starts with /', () => {
  it('is refused in the command line words, and signed literally with --allow-leading-slash', async () => {
    const refused = await cli(['s3://examplebucket//photo.jpg', '--date', DATE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --allow-leading-slash if the slash is meant');
    expect(refused.stderr).not.toContain('allowLeadingSlash');
    const allowed = await cli(['s3://examplebucket//photo.jpg', '--date', DATE, '--allow-leading-slash']);
    expect(allowed.code).toBe(0);
    const expected = presignGetObject({
      bucket: 'examplebucket',
      key: '/photo.jpg',
      allowLeadingSlash: true,
      region: 'us-east-1',
      credentials,
      signingDate: new Date(DATE),
    });
    expect(allowed.stdout).toBe(expected.url + '\n');
    const https = await cli([
      'https://example.com/x',
      '--region',
      'us-east-1',
      '--service',
      'x',
      '--allow-leading-slash',
    ]);
    expect(https).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--allow-leading-slash applies to s3:// targets only'),
    });
  });
});
