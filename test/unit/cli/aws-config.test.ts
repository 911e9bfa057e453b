/**
 * The AWS CLI's settings as aws-config.ts resolves them, from real files in a temporary home
 * folder: which files, which profile, which credentials (botocore's provider order), which
 * region and which S3 endpoint. The orders come from botocore's source (credentials.py,
 * configprovider.py, configloader.py); test/vectors/cli-botocore.test.ts checks the outcome
 * against botocore itself.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  configuredRegion,
  configuredS3,
  expandPath,
  readAwsFiles,
  readTextFile,
  resolveCredentials,
  selectProfile,
  SetupError,
  type Env,
} from '../../../src/cli/aws-config.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const homes: string[] = [];
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

/** A home folder holding the given files (paths relative to it). */
function home(files: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-aws-config-'));
  homes.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Files, profile and credentials as the CLI resolves them. */
function resolve(files: Readonly<Record<string, string>>, env: Env = {}, flag?: string) {
  const homedir = home(files);
  const aws = readAwsFiles({ env, homedir, readText: readTextFile });
  const profile = selectProfile(aws, env, flag);
  return { homedir, aws, profile, credentials: () => resolveCredentials(aws, profile, env) };
}

const keys = (id: string) => `aws_access_key_id = ${id}\naws_secret_access_key = ${SECRET}\n`;

describe('expandPath: botocore expands variables, then ~', () => {
  test.each([
    ['~/aws/config', {}, '/home/ana/aws/config'],
    ['~', {}, '/home/ana'],
    ['~other/config', {}, '~other/config'],
    ['$CFG/config', { CFG: '/etc/aws' }, '/etc/aws/config'],
    ['${CFG}/config', { CFG: '/etc/aws' }, '/etc/aws/config'],
    ['$UNSET/config', {}, '$UNSET/config'],
    ['$HOMEDIR/x', { HOMEDIR: '~' }, '/home/ana/x'],
    ['/a/~/b', {}, '/a/~/b'],
  ] as Array<[string, Env, string]>)('%s', (path, env, expected) => {
    expect(expandPath(path, env, '/home/ana/')).toBe(expected);
  });
});

describe('the files', () => {
  test('default to ~/.aws/config and ~/.aws/credentials', () => {
    const { aws, homedir } = resolve({ '.aws/config': '[default]\nregion = eu-west-1\n', '.aws/credentials': '[x]\n' });
    expect(aws.configPath).toBe(join(homedir, '.aws/config'));
    expect(aws.credentialsPath).toBe(join(homedir, '.aws/credentials'));
    expect(aws.configProfiles.get('default')?.get('region')).toBe('eu-west-1');
    expect([...aws.credentialProfiles.keys()]).toEqual(['x']);
  });

  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, with ~ and variables', () => {
    const { aws } = resolve(
      { 'elsewhere/conf': '[profile p]\nregion = sa-east-1\n', 'elsewhere/creds': `[p]\n${keys('AKIDP')}` },
      { AWS_CONFIG_FILE: '~/elsewhere/conf', AWS_SHARED_CREDENTIALS_FILE: '${DIR}/creds', DIR: '~/elsewhere' },
      'p',
    );
    expect(aws.configProfiles.get('p')?.get('region')).toBe('sa-east-1');
    expect(aws.credentialProfiles.get('p')?.get('aws_access_key_id')).toBe('AKIDP');
  });

  test('missing files, or folders, read as empty', () => {
    const { aws } = resolve({ '.aws/config/not-a-file': '' });
    expect(aws.configProfiles.size).toBe(0);
    expect(aws.credentialProfiles.size).toBe(0);
  });

  test('a file the AWS CLI cannot parse fails, naming the file and line but no value', () => {
    expect(() => resolve({ '.aws/credentials': `[default]\n${SECRET}\n` })).toThrow(SetupError);
    try {
      resolve({ '.aws/credentials': `[default]\n${SECRET}\n` });
    } catch (error) {
      expect((error as Error).message).toMatch(/\.aws\/credentials line 2: /);
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  test('a file that cannot be read fails with its error code', () => {
    const readText = (path: string) => {
      if (path.endsWith('credentials')) throw Object.assign(new Error('denied'), { code: 'EACCES' });
      return undefined;
    };
    expect(() => readAwsFiles({ env: {}, homedir: '/home/ana', readText })).toThrow(
      'cannot read /home/ana/.aws/credentials: EACCES',
    );
  });

  test('config sections as botocore maps them: [default], [profile NAME] (shell-quoted), [services NAME]', () => {
    const { aws } = resolve({
      '.aws/config': [
        '[default]\nregion = a',
        '[profile work]\nregion = b',
        '[profile "with space"]\nregion = c',
        '[profile]\nregion = ignored',
        '[profile x y]\nregion = ignored',
        "[profile 'unbalanced]\nregion = ignored",
        '[work]\nregion = not a profile in the config file',
        '[services mine]\ns3 =\n  endpoint_url = http://h',
        '[profilesx quirk]\nregion = botocore reads only the start of the header',
      ].join('\n'),
    });
    expect([...aws.configProfiles.keys()]).toEqual(['default', 'work', 'with space', 'quirk']);
    expect(aws.configProfiles.get('work')?.get('region')).toBe('b');
    expect([...aws.services.keys()]).toEqual(['mine']);
  });

  test('[profile default] is the default profile too; the later section wins', () => {
    const { aws } = resolve({ '.aws/config': '[default]\nregion = a\n[profile default]\nregion = b\n' });
    expect(aws.configProfiles.get('default')?.get('region')).toBe('b');
  });
});

describe('the profile', () => {
  const files = {
    '.aws/config': '[default]\nregion = eu-central-1\n[profile cfg]\nregion = ap-south-1\n',
    '.aws/credentials': `[creds-only]\n${keys('AKIDC')}`,
  };

  test('--profile, then AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore), then default', () => {
    const env = { AWS_DEFAULT_PROFILE: 'cfg', AWS_PROFILE: 'creds-only' };
    expect(resolve(files, env, 'creds-only').profile).toMatchObject({ name: 'creds-only', explicit: true });
    expect(resolve(files, env).profile).toMatchObject({ name: 'cfg', source: 'AWS_DEFAULT_PROFILE', explicit: false });
    expect(resolve(files, { AWS_PROFILE: 'creds-only' }).profile.name).toBe('creds-only');
    expect(resolve(files).profile.name).toBe('default');
  });

  test('AWS_PROFILE naming no profile says that the profile does not exist, and where it looked', () => {
    expect(() => resolve(files, { AWS_PROFILE: 'nope' })).toThrow(
      /^profile "nope" \(from AWS_PROFILE\) does not exist: neither .*\.aws\/config \(\[profile nope\]\) nor .*\.aws\/credentials \(\[nope\]\) has it$/,
    );
    expect(() => resolve(files, {}, 'nope')).toThrow(/profile "nope" \(from --profile\) does not exist/);
  });

  test('an absent default profile is no error', () => {
    expect(resolve({}).profile.settings.size).toBe(0);
  });

  test('the credentials file overrides the config file, key by key', () => {
    const { profile } = resolve(
      {
        '.aws/config': '[profile p]\nregion = a\noutput = json\n',
        '.aws/credentials': '[p]\nregion = b\n',
      },
      {},
      'p',
    );
    expect(Object.fromEntries(profile.settings)).toEqual({ region: 'b', output: 'json' });
  });
});

describe('credentials, in botocore provider order', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: SECRET };

  test('the environment first, unless --profile is given', () => {
    const files = { '.aws/credentials': `[default]\n${keys('AKIDFILE')}\n[p]\n${keys('AKIDP')}` };
    expect(resolve(files, env).credentials().credentials.accessKeyId).toBe('AKIDENV');
    expect(resolve(files, { ...env, AWS_PROFILE: 'p' }).credentials().credentials.accessKeyId).toBe('AKIDENV');
    expect(resolve(files, env, 'p').credentials()).toMatchObject({
      credentials: { accessKeyId: 'AKIDP' },
      source: expect.stringMatching(/^profile "p" in .*credentials$/),
    });
  });

  test('environment: session token, expiration, and both halves required', () => {
    const expiration = '2030-01-01T00:00:00Z';
    const full = resolve({}, { ...env, AWS_SESSION_TOKEN: 'tok', AWS_CREDENTIAL_EXPIRATION: expiration }).credentials();
    expect(full.credentials).toEqual({
      ...{ accessKeyId: 'AKIDENV', secretAccessKey: SECRET },
      sessionToken: 'tok',
      expiration: new Date(expiration),
    });
    expect(() => resolve({}, { AWS_SECRET_ACCESS_KEY: SECRET }).credentials()).toThrow('must be set together');
    expect(() => resolve({}, { ...env, AWS_CREDENTIAL_EXPIRATION: 'soon' }).credentials()).toThrow(
      'not an ISO 8601 date',
    );
  });

  test('the credentials file before the config file; session tokens read', () => {
    const { credentials } = resolve({
      '.aws/config': `[default]\n${keys('AKIDCONFIG')}`,
      '.aws/credentials': `[default]\n${keys('AKIDCREDS')}aws_session_token = tok/en+1\n`,
    });
    expect(credentials().credentials).toEqual({
      accessKeyId: 'AKIDCREDS',
      secretAccessKey: SECRET,
      sessionToken: 'tok/en+1',
    });
  });

  test('static keys in the config file', () => {
    const { credentials } = resolve({ '.aws/config': `[profile c]\n${keys('AKIDCONFIG')}` }, {}, 'c');
    expect(credentials()).toMatchObject({
      credentials: { accessKeyId: 'AKIDCONFIG' },
      source: expect.stringMatching(/config$/),
    });
  });

  test('half a key pair in a file is an error that says which half', () => {
    const { credentials } = resolve({ '.aws/credentials': '[default]\naws_access_key_id = AKID\n' });
    expect(credentials).toThrow(
      /profile "default" in .*credentials has aws_access_key_id but no aws_secret_access_key/,
    );
  });

  // Profiles that need a call to AWS or a program, with static keys the AWS CLI would not use.
  const unserved: Array<[string, Record<string, string>, RegExp]> = [
    [
      'role_arn, with keys in the credentials file',
      {
        '.aws/config': '[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n',
        '.aws/credentials': `[p]\n${keys('AKIDSTALE')}`,
      },
      /^profile "p" assumes an IAM role \(role_arn, source_profile\), which sigv4-presign cannot do: .*aws configure export-credentials --profile p --format env/,
    ],
    [
      'role_arn with credential_source',
      {
        '.aws/config':
          '[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Ec2InstanceMetadata\n',
      },
      /assumes an IAM role \(role_arn, credential_source\)/,
    ],
    [
      'web_identity_token_file',
      {
        '.aws/config': '[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nweb_identity_token_file = /t\n',
        '.aws/credentials': `[p]\n${keys('AKIDSTALE')}`,
      },
      /^profile "p" uses web identity federation \(web_identity_token_file\)/,
    ],
    [
      'SSO with an account and role, with keys in the credentials file',
      {
        '.aws/config': '[profile p]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n',
        '.aws/credentials': `[p]\n${keys('AKIDSTALE')}`,
      },
      /^profile "p" signs in with IAM Identity Center \(SSO\) \(sso_session, sso_account_id, sso_role_name\).*aws sso login --profile p/,
    ],
    [
      'sso_session alone, without keys',
      { '.aws/config': '[profile p]\nsso_session = corp\n' },
      /^profile "p" signs in with IAM Identity Center \(SSO\) \(sso_session\)/,
    ],
    [
      'credential_process, with keys only in the config file',
      { '.aws/config': `[profile p]\ncredential_process = /bin/creds\n${keys('AKIDSTALE')}` },
      /^profile "p" runs a program for its credentials \(credential_process\)/,
    ],
    [
      'login_session',
      { '.aws/config': '[profile p]\nlogin_session = arn:aws:iam::123456789012:user/u\n' },
      /signs in with `aws login` \(login_session\)/,
    ],
    [
      'source_profile alone',
      { '.aws/config': '[profile p]\nsource_profile = base\n' },
      /assumes an IAM role \(source_profile\)/,
    ],
  ];
  test.each(unserved)('refused: %s', (_, files, message) => {
    const { credentials } = resolve(files, {}, 'p');
    expect(credentials).toThrow(SetupError);
    expect(credentials).toThrow(message);
    try {
      credentials();
    } catch (error) {
      expect((error as Error).message).not.toContain('AKIDSTALE');
    }
  });

  test('where botocore reads static keys first, they are used: keys in the credentials file beat a process', () => {
    const { credentials } = resolve(
      {
        '.aws/config': '[profile p]\ncredential_process = /bin/creds\nsso_session = corp\n',
        '.aws/credentials': `[p]\n${keys('AKIDCREDS')}`,
      },
      {},
      'p',
    );
    expect(credentials().credentials.accessKeyId).toBe('AKIDCREDS');
  });

  test('web identity from the environment is refused too, unless the environment has keys', () => {
    const webIdentity = { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::1:role/r' };
    const files = { '.aws/credentials': `[default]\n${keys('AKIDSTALE')}` };
    expect(resolve(files, webIdentity).credentials).toThrow(
      /^AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN ask for web identity/,
    );
    expect(resolve(files, { ...webIdentity, ...env }).credentials().credentials.accessKeyId).toBe('AKIDENV');
  });

  test('no credentials: says what to set; a container endpoint is named', () => {
    expect(resolve({}).credentials).toThrow(/^no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add/);
    expect(resolve({ '.aws/config': '[profile p]\nregion = x\n' }, {}, 'p').credentials).toThrow(
      /^no credentials: profile "p" in .*credentials has no aws_access_key_id/,
    );
    expect(resolve({}, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' }).credentials).toThrow(
      /container credentials/,
    );
  });
});

describe('region and S3 settings', () => {
  test('region: AWS_REGION, AWS_DEFAULT_REGION, then the profile (never an s3 sub-section)', () => {
    const files = { '.aws/config': '[default]\nregion = eu-central-1\ns3 =\n  region = ap-south-1\n' };
    const region = (env: Env) => {
      const { aws, profile } = resolve(files, env);
      return configuredRegion(profile, env, aws);
    };
    expect(region({ AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' })).toEqual({
      value: 'us-west-1',
      source: 'AWS_REGION',
    });
    expect(region({ AWS_DEFAULT_REGION: 'us-west-2' })?.value).toBe('us-west-2');
    expect(region({})).toEqual({
      value: 'eu-central-1',
      source: expect.stringMatching(/^the region of profile "default" in /),
    });
  });

  const s3 = (files: Record<string, string>, env: Env = {}) => {
    const { aws, profile } = resolve(files, env);
    return configuredS3(aws, profile, env);
  };
  const config = [
    '[default]',
    'endpoint_url = http://profile-global',
    'services = mine',
    's3 =',
    '  endpoint_url = http://profile-s3',
    '  addressing_style = path',
    '[services mine]',
    's3 =',
    '  endpoint_url = http://services-s3',
  ].join('\n');

  test('endpoint: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, [services] s3, the profile s3, the profile', () => {
    const endpoint = (files: string, env: Env = {}) => s3({ '.aws/config': files }, env).endpoint;
    const env = { AWS_ENDPOINT_URL_S3: 'http://env-s3', AWS_ENDPOINT_URL: 'http://env-global' };
    expect(endpoint(config, env)).toEqual({ value: 'http://env-s3', source: 'AWS_ENDPOINT_URL_S3' });
    expect(endpoint(config, { AWS_ENDPOINT_URL: 'http://env-global' })?.source).toBe('AWS_ENDPOINT_URL');
    expect(endpoint(config)).toEqual({ value: 'http://services-s3', source: 'the s3 endpoint_url of [services mine]' });
    expect(endpoint(config.replace('services = mine\n', ''))?.value).toBe('http://profile-s3');
    expect(endpoint('[default]\nendpoint_url = http://profile-global\n')?.value).toBe('http://profile-global');
    expect(endpoint('[default]\n')).toBeUndefined();
  });

  test('ignore_configured_endpoint_urls, in the environment or the profile, ignores them all', () => {
    expect(
      s3({ '.aws/config': config }, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE', AWS_ENDPOINT_URL_S3: 'http://x' })
        .endpoint,
    ).toBeUndefined();
    expect(
      s3({ '.aws/config': config.replace('[default]', '[default]\nignore_configured_endpoint_urls = true') }).endpoint,
    ).toBeUndefined();
  });

  test('addressing_style from the s3 sub-section; other values are refused', () => {
    expect(s3({ '.aws/config': config }).addressing?.value).toBe('path');
    expect(s3({ '.aws/config': '[default]\ns3 =\n  addressing_style = virtual\n' }).addressing?.value).toBe('virtual');
    expect(s3({ '.aws/config': '[default]\n' }).addressing).toBeUndefined();
    expect(() => s3({ '.aws/config': '[default]\ns3 =\n  addressing_style = sideways\n' })).toThrow(
      'profile "default" has s3 addressing_style = sideways: use auto, virtual or path',
    );
  });

  test('a services name with no such section is an error, as in botocore', () => {
    expect(() => s3({ '.aws/config': '[default]\nservices = gone\n' })).toThrow(
      /names services "gone", but .* has no \[services gone\]/,
    );
  });

  test('dual-stack, accelerate and FIPS: the first setting given decides', () => {
    const files = {
      '.aws/config':
        '[default]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = true\ns3 =\n  use_accelerate_endpoint = true\n',
    };
    expect(s3(files)).toMatchObject({ dualStack: { value: true }, accelerate: { value: true }, fips: { value: true } });
    expect(s3(files, { AWS_USE_DUALSTACK_ENDPOINT: 'false', AWS_USE_FIPS_ENDPOINT: 'false' })).not.toHaveProperty(
      'dualStack',
    );
    expect(s3(files, { AWS_USE_FIPS_ENDPOINT: 'false' })).not.toHaveProperty('fips');
  });
});
