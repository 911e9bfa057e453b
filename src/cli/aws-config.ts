/**
 * The AWS CLI's settings, resolved as the AWS CLI (botocore) resolves them: which files, which
 * profile, which credentials, which region, which S3 endpoint. Everything here is data in, data
 * out: the environment, the home folder and a file reader are passed in.
 *
 * @example
 * ```ts
 * const files = readAwsFiles({ env: process.env, homedir: os.homedir(), readText });
 * const profile = selectProfile(files, process.env, undefined);
 * const credentials = resolveCredentials(files, profile, process.env);
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Credentials } from '../node.js';
import { IniError, parseIni, type IniSections, type IniValue } from './ini.js';

/** A problem with the user's setup (files, profile, credentials, region): exit status 1. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/** The environment, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a file as UTF-8; `undefined` when there is no such file. */
export type ReadText = (path: string) => string | undefined;

/**
 * {@link ReadText} on node:fs. Like botocore, a path that is not a file (missing, a folder) reads
 * as absent; other failures (such as EACCES) throw.
 *
 * @example
 * ```ts
 * readTextFile('/nonexistent/config'); // undefined
 * ```
 */
export const readTextFile: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw error;
  }
};

/** A profile's settings: the config file's section, then the credentials file's keys over it. */
export type Settings = ReadonlyMap<string, IniValue>;

/** The two shared files, parsed. */
export interface AwsFiles {
  readonly configPath: string;
  readonly credentialsPath: string;
  /** `[default]`, `[profile NAME]` of the config file, by profile name. */
  readonly configProfiles: ReadonlyMap<string, Settings>;
  /** `[services NAME]` of the config file. */
  readonly services: ReadonlyMap<string, Settings>;
  /** Every section of the credentials file: `[NAME]` is profile NAME. */
  readonly credentialProfiles: ReadonlyMap<string, Settings>;
}

/** The profile in use. */
export interface Profile {
  readonly name: string;
  /** Where the name came from: `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, or the default. */
  readonly source: string;
  /** Whether `--profile` named it, which makes the environment's keys ignored (as the AWS CLI does). */
  readonly explicit: boolean;
  /** Merged settings: the credentials file's keys override the config file's. */
  readonly settings: Settings;
}

/** A string setting, or `undefined` when absent or a sub-section. */
export const text = (settings: Settings | undefined, key: string): string | undefined => {
  const value = settings?.get(key);
  return typeof value === 'string' ? value : undefined;
};

/** A sub-section (`s3 =` and its indented lines), or `undefined`. */
export const subSection = (settings: Settings | undefined, key: string): Settings | undefined => {
  const value = settings?.get(key);
  return typeof value === 'string' || value === undefined ? undefined : value;
};

/**
 * Python's `os.path.expandvars` then `os.path.expanduser`, as botocore applies them to
 * `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`: `$NAME` and `${NAME}` are replaced when
 * set, and a leading `~` or `~/` is the home folder.
 *
 * @example
 * ```ts
 * expandPath('~/aws/config', {}, '/home/ana');           // '/home/ana/aws/config'
 * expandPath('$XDG/aws', { XDG: '/home/ana/.cfg' }, '/'); // '/home/ana/.cfg/aws'
 * ```
 */
export function expandPath(path: string, env: Env, homedir: string): string {
  const vars = path.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, name?: string, braced?: string) => {
    const value = env[(name ?? braced)!];
    return value === undefined ? whole : value;
  });
  return vars === '~' || vars.startsWith('~/') ? homedir.replace(/\/+$/, '') + vars.slice(1) : vars;
}

/**
 * Python's `shlex.split` (POSIX mode), which botocore applies to `[profile NAME]`: quotes group,
 * a backslash escapes. `undefined` for unbalanced quotes or a trailing backslash.
 */
function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; line[i] !== '"'; i++) {
        if (i >= line.length) return undefined;
        // Inside double quotes a backslash escapes only a quote or a backslash.
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        word += line[i];
      }
    } else if (c === '\\') {
      if (++i >= line.length) return undefined;
      word = (word ?? '') + line[i];
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** botocore's `build_profile_map`: `[default]`, `[profile NAME]`, `[services NAME]` by name. */
function configSections(sections: IniSections) {
  const profiles = new Map<string, Settings>();
  const services = new Map<string, Settings>();
  for (const [header, settings] of sections) {
    // botocore tests only the start of the header, so `[profiles x]` names profile x too.
    const kind = header.startsWith('profile') ? profiles : header.startsWith('services') ? services : undefined;
    const words = kind && shellWords(header);
    if (kind && words?.length === 2) kind.set(words[1]!, settings);
    else if (header === 'default') profiles.set('default', settings);
  }
  return { profiles, services };
}

function parseFile(path: string, readText: ReadText): IniSections {
  let content: string | undefined;
  try {
    content = readText(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SetupError(`cannot read ${path}: ${typeof code === 'string' ? code : 'error'}`);
  }
  try {
    return content === undefined ? new Map() : parseIni(content);
  } catch (error) {
    // The message names a line and a key or section, never a value: values may be secrets.
    if (error instanceof IniError) throw new SetupError(`${path} ${error.message}`);
    throw error;
  }
}

/**
 * Reads and parses the shared config and credentials files (`AWS_CONFIG_FILE`,
 * `AWS_SHARED_CREDENTIALS_FILE`, by default under `~/.aws`). A missing file is empty; a file the
 * AWS CLI could not parse throws {@link SetupError} naming the file and line.
 *
 * @example
 * ```ts
 * const files = readAwsFiles({ env: {}, homedir: '/home/ana', readText });
 * files.configProfiles.get('default')?.get('region'); // 'eu-west-1'
 * ```
 */
export function readAwsFiles(io: {
  readonly env: Env;
  readonly homedir: string;
  readonly readText: ReadText;
}): AwsFiles {
  const configPath = expandPath(io.env['AWS_CONFIG_FILE'] || '~/.aws/config', io.env, io.homedir);
  const credentialsPath = expandPath(io.env['AWS_SHARED_CREDENTIALS_FILE'] || '~/.aws/credentials', io.env, io.homedir);
  const { profiles, services } = configSections(parseFile(configPath, io.readText));
  return {
    configPath,
    credentialsPath,
    configProfiles: profiles,
    services,
    credentialProfiles: parseFile(credentialsPath, io.readText),
  };
}

/**
 * The profile in use: `--profile`, else `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE` (botocore's
 * order), else `default`. A named profile that neither file holds is an error; `default` may be
 * absent.
 *
 * @example
 * ```ts
 * selectProfile(files, { AWS_PROFILE: 'work' }, undefined).name; // 'work'
 * selectProfile(files, { AWS_PROFILE: 'nope' }, undefined);      // throws SetupError: profile "nope" does not exist …
 * ```
 */
export function selectProfile(files: AwsFiles, env: Env, flag: string | undefined): Profile {
  const [name, source] =
    flag !== undefined
      ? [flag, '--profile']
      : env['AWS_DEFAULT_PROFILE']
        ? [env['AWS_DEFAULT_PROFILE'], 'AWS_DEFAULT_PROFILE']
        : env['AWS_PROFILE']
          ? [env['AWS_PROFILE'], 'AWS_PROFILE']
          : ['default', 'the default'];
  const fromConfig = files.configProfiles.get(name);
  const fromCredentials = files.credentialProfiles.get(name);
  if (fromConfig === undefined && fromCredentials === undefined && name !== 'default') {
    throw new SetupError(
      `profile "${name}" (from ${source}) does not exist: neither ${files.configPath} ([profile ${name}]) ` +
        `nor ${files.credentialsPath} ([${name}]) has it`,
    );
  }
  return {
    name,
    source,
    explicit: flag !== undefined,
    settings: new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]),
  };
}

/** Where credentials came from, for messages. */
export interface ResolvedCredentials {
  readonly credentials: Credentials;
  /** `the environment`, or the file and profile. */
  readonly source: string;
}

/** What to do with a profile whose credentials need a program or a call to AWS. */
const exportFirst = (profile: string) =>
  `export temporary credentials first: eval "$(aws configure export-credentials --profile ${profile} --format env)"`;

function unserved(profile: Profile, kind: string, keys: string, advice = exportFirst(profile.name)): never {
  throw new SetupError(
    `profile "${profile.name}" ${kind} (${keys}), which sigv4-presign cannot do: it signs with keys it is given; ${advice}`,
  );
}

function staticKeys(settings: Settings | undefined, where: string): Credentials | undefined {
  const accessKeyId = text(settings, 'aws_access_key_id');
  const secretAccessKey = text(settings, 'aws_secret_access_key');
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new SetupError(
      `${where} has ${accessKeyId === undefined ? 'aws_secret_access_key but no aws_access_key_id' : 'aws_access_key_id but no aws_secret_access_key'}`,
    );
  }
  const sessionToken = text(settings, 'aws_session_token') ?? text(settings, 'aws_security_token');
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
}

/** Credentials from the environment, or `undefined` when it holds none. */
function environmentKeys(env: Env): Credentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'] || undefined;
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'] || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new SetupError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  }
  const expirationText = env['AWS_CREDENTIAL_EXPIRATION'] || undefined;
  const expiration = expirationText === undefined ? undefined : new Date(expirationText);
  if (expiration !== undefined && Number.isNaN(expiration.getTime())) {
    throw new SetupError('AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date');
  }
  const sessionToken = env['AWS_SESSION_TOKEN'] || env['AWS_SECURITY_TOKEN'] || undefined;
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}

/**
 * The credentials, in botocore's provider order: the environment (unless `--profile` was given),
 * then the profile. A profile that assumes a role, uses web identity, IAM Identity Center (SSO),
 * `aws login` or a credential process fails at the point where the AWS CLI would use it, saying
 * what it is and what to do, rather than signing with keys found further down the chain.
 *
 * @example
 * ```ts
 * resolveCredentials(files, profile, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' });
 * // { credentials: { accessKeyId: 'AKID', … }, source: 'the environment' }
 * ```
 */
export function resolveCredentials(files: AwsFiles, profile: Profile, env: Env): ResolvedCredentials {
  const fromEnv = profile.explicit ? undefined : environmentKeys(env);
  if (fromEnv !== undefined) return { credentials: fromEnv, source: 'the environment' };
  const present = (...keys: string[]) => keys.filter((key) => profile.settings.has(key)).join(', ');
  const role = 'assumes an IAM role';
  const sso = 'signs in with IAM Identity Center (SSO)';
  const ssoAdvice = `run \`aws sso login --profile ${profile.name}\`, then ${exportFirst(profile.name)}`;
  // botocore: assume role, web identity, SSO, the credentials file, aws login, a process, the config file.
  if (profile.settings.has('role_arn') && !profile.settings.has('web_identity_token_file')) {
    unserved(profile, role, present('role_arn', 'source_profile', 'credential_source'));
  }
  if (profile.settings.has('web_identity_token_file')) {
    unserved(profile, 'uses web identity federation', 'web_identity_token_file');
  }
  if (!profile.explicit && env['AWS_WEB_IDENTITY_TOKEN_FILE'] && env['AWS_ROLE_ARN']) {
    throw new SetupError(
      'AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN ask for web identity federation, which sigv4-presign cannot do: ' +
        'it signs with keys it is given; set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from ' +
        '`aws configure export-credentials --format env`',
    );
  }
  if (present('sso_account_id', 'sso_role_name')) {
    unserved(profile, sso, present('sso_session', 'sso_start_url', 'sso_account_id', 'sso_role_name'), ssoAdvice);
  }
  const where = (path: string) => `profile "${profile.name}" in ${path}`;
  const fromCredentialsFile = staticKeys(files.credentialProfiles.get(profile.name), where(files.credentialsPath));
  if (fromCredentialsFile !== undefined) {
    return { credentials: fromCredentialsFile, source: where(files.credentialsPath) };
  }
  if (profile.settings.has('login_session')) unserved(profile, 'signs in with `aws login`', 'login_session');
  if (profile.settings.has('credential_process')) {
    unserved(profile, 'runs a program for its credentials', 'credential_process');
  }
  const fromConfigFile = staticKeys(files.configProfiles.get(profile.name), where(files.configPath));
  if (fromConfigFile !== undefined) return { credentials: fromConfigFile, source: where(files.configPath) };
  // Settings the AWS CLI would ignore here, but that say what the profile was meant to be.
  if (present('source_profile', 'credential_source'))
    unserved(profile, role, present('source_profile', 'credential_source'));
  if (present('sso_session', 'sso_start_url'))
    unserved(profile, sso, present('sso_session', 'sso_start_url'), ssoAdvice);
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
    throw new SetupError(
      'no credentials: the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*) is not read; ' +
        'set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN',
    );
  }
  throw new SetupError(
    profile.name !== 'default'
      ? `no credentials: ${where(files.credentialsPath)} has no aws_access_key_id and aws_secret_access_key`
      : `no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id and ` +
          `aws_secret_access_key to [default] in ${files.credentialsPath} (or choose a profile with --profile)`,
  );
}

/** A setting's value with where it came from, for messages. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

/** S3 settings from the environment and the profile. */
export interface S3Settings {
  /** The configured endpoint, unless `ignore_configured_endpoint_urls` says otherwise. */
  readonly endpoint?: Sourced<string>;
  /** `addressing_style` in the profile's `s3` sub-section: `auto` (the default), `virtual` or `path`. */
  readonly addressing?: Sourced<'auto' | 'virtual' | 'path'>;
  readonly dualStack?: Sourced<boolean>;
  readonly accelerate?: Sourced<boolean>;
  readonly fips?: Sourced<boolean>;
}

/** The region from the environment or the profile, with its source. */
export function configuredRegion(profile: Profile, env: Env, files: AwsFiles): Sourced<string> | undefined {
  if (env['AWS_REGION']) return { value: env['AWS_REGION'], source: 'AWS_REGION' };
  if (env['AWS_DEFAULT_REGION']) return { value: env['AWS_DEFAULT_REGION'], source: 'AWS_DEFAULT_REGION' };
  const region = text(profile.settings, 'region');
  return region
    ? { value: region, source: `the region of profile "${profile.name}" in ${files.configPath}` }
    : undefined;
}

/** botocore's `ensure_boolean`: only `true`, in any case, is true. */
const isTrue = (value: string | undefined) => value?.toLowerCase() === 'true';

/**
 * The S3 endpoint and addressing the AWS CLI would use, in its order: `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL`, the `s3` sub-section of the `[services NAME]` section that the profile's
 * `services` names, then (not read by the AWS CLI, but written by users who mean it) the profile's
 * own `s3` sub-section, then the profile's `endpoint_url`; none of them when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's `ignore_configured_endpoint_urls` is
 * true. `addressing_style`, `use_dualstack_endpoint` and `use_accelerate_endpoint` come from the
 * profile's `s3` sub-section, dual-stack and FIPS also from the profile and `AWS_USE_*_ENDPOINT`.
 *
 * @example
 * ```ts
 * configuredS3(files, profile, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }).endpoint;
 * // { value: 'http://127.0.0.1:9000', source: 'AWS_ENDPOINT_URL_S3' }
 * ```
 */
export function configuredS3(files: AwsFiles, profile: Profile, env: Env): S3Settings {
  const inProfile = `profile "${profile.name}"`;
  const s3 = subSection(profile.settings, 's3');
  const servicesName = text(profile.settings, 'services');
  const services = servicesName === undefined ? undefined : files.services.get(servicesName);
  if (servicesName !== undefined && services === undefined) {
    throw new SetupError(
      `${inProfile} names services "${servicesName}", but ${files.configPath} has no [services ${servicesName}]`,
    );
  }
  const ignore =
    isTrue(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) ||
    isTrue(text(profile.settings, 'ignore_configured_endpoint_urls'));
  const endpoints: Array<[string | undefined, string]> = ignore
    ? []
    : [
        [env['AWS_ENDPOINT_URL_S3'], 'AWS_ENDPOINT_URL_S3'],
        [env['AWS_ENDPOINT_URL'], 'AWS_ENDPOINT_URL'],
        [text(subSection(services, 's3'), 'endpoint_url'), `the s3 endpoint_url of [services ${servicesName}]`],
        [text(s3, 'endpoint_url'), `the s3 endpoint_url of ${inProfile}`],
        [text(profile.settings, 'endpoint_url'), `the endpoint_url of ${inProfile}`],
      ];
  const endpoint = endpoints.find(([value]) => value);
  const addressing = text(s3, 'addressing_style');
  if (addressing !== undefined && !['auto', 'virtual', 'path'].includes(addressing)) {
    throw new SetupError(`${inProfile} has s3 addressing_style = ${addressing}: use auto, virtual or path`);
  }
  // The first of these that is set decides; true, with its source, or undefined.
  const firstTrue = (...candidates: Array<[string | undefined, string]>): Sourced<boolean> | undefined => {
    const found = candidates.find(([value]) => value);
    return found && isTrue(found[0]) ? { value: true, source: found[1] } : undefined;
  };
  const settings: {
    endpoint?: Sourced<string>;
    addressing?: Sourced<'auto' | 'virtual' | 'path'>;
    dualStack?: Sourced<boolean>;
    accelerate?: Sourced<boolean>;
    fips?: Sourced<boolean>;
  } = {};
  if (endpoint) settings.endpoint = { value: endpoint[0]!, source: endpoint[1] };
  if (addressing !== undefined) {
    settings.addressing = {
      value: addressing as 'auto' | 'virtual' | 'path',
      source: `the s3 addressing_style of ${inProfile}`,
    };
  }
  const dualStack = firstTrue(
    [env['AWS_USE_DUALSTACK_ENDPOINT'], 'AWS_USE_DUALSTACK_ENDPOINT'],
    [text(s3, 'use_dualstack_endpoint'), `the s3 use_dualstack_endpoint of ${inProfile}`],
    [text(profile.settings, 'use_dualstack_endpoint'), `the use_dualstack_endpoint of ${inProfile}`],
  );
  if (dualStack) settings.dualStack = dualStack;
  const accelerate = firstTrue([text(s3, 'use_accelerate_endpoint'), `the s3 use_accelerate_endpoint of ${inProfile}`]);
  if (accelerate) settings.accelerate = accelerate;
  const fips = firstTrue(
    [env['AWS_USE_FIPS_ENDPOINT'], 'AWS_USE_FIPS_ENDPOINT'],
    [text(profile.settings, 'use_fips_endpoint'), `the use_fips_endpoint of ${inProfile}`],
  );
  if (fips) settings.fips = fips;
  return settings;
}
