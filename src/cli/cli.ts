/**
 * The `sigv4-presign` command line: the library's presigned URLs without writing code.
 *
 * `runCli` is the whole program as a function of its arguments, environment and output
 * streams, so that it can be tested in-process; `bin.ts` runs it.
 *
 * @example
 * ```ts
 * const code = runCli(['s3://examplebucket/photos/cat.png', '--expires-in', '3600'], {
 *   env: process.env, homedir: os.homedir(),
 *   stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text),
 * });
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  presignDeleteObject,
  presignDetailed,
  presignGetObject,
  presignHeadObject,
  presignPutObject,
  SigV4Error,
  type Credentials,
  type PresignResult,
  type SigV4ErrorCode,
} from '../node.js';

/** What the program reads and writes; injected so that tests need no child process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home folder, where `.aws/credentials` and `.aws/config` live by default. */
  readonly homedir: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The help text printed by `--help`. */
export const HELP = `Usage:
  sigv4-presign s3://BUCKET/KEY [options]
  sigv4-presign https://SERVICE.REGION.amazonaws.com/PATH?QUERY --service NAME [options]

Prints an AWS Signature Version 4 presigned URL.

Options:
  --method M          GET (default), PUT, HEAD or DELETE; POST too for an https:// URL
  --expires-in S      seconds the URL stays valid, 1..604800 (default 900)
  --region R          signing region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)
  --service NAME      signing name of the service, such as execute-api (https:// URLs only; s3:// is s3)
  --endpoint URL      S3-compatible endpoint, such as http://127.0.0.1:9000 (s3:// only)
  --path-style        put the bucket in the path instead of the host name (s3:// only)
  --content-type T    sign this Content-Type: the client must send exactly it
  --header 'N: V'     sign this header too: the client must send it (repeatable)
  --version-id V      a version of the object (s3:// GET, HEAD, DELETE)
  --profile NAME      credentials and region from this profile (default: AWS_PROFILE, then default)
  --date ISO8601      sign as of this instant instead of now, for reproducible output
  --json              print {"url", "method", "headers", "expiresAt"} instead of the URL alone
  --explain           print the canonical request, string to sign and credential scope to stderr
  -h, --help          print this help

The KEY of s3://BUCKET/KEY is taken literally: spaces, '%', '+' and '..' are part of the key.

Credentials, in the AWS CLI's order:
  1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and AWS_CREDENTIAL_EXPIRATION:
     a URL that would outlive the credentials is refused)
  2. the profile in AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials), then AWS_CONFIG_FILE
     (~/.aws/config, sections [profile NAME])
  --profile skips step 1.

Exit status: 0 success, 1 error (such as missing credentials), 2 usage error.
`;

/** Thrown for a mistake on the command line: exit status 2. */
class UsageError extends Error {}

/** Thrown for a problem with the environment (credentials, region): exit status 1. */
class SetupError extends Error {}

// Codes that say a value given on the command line is wrong.
const USAGE_CODES: ReadonlySet<SigV4ErrorCode> = new Set<SigV4ErrorCode>([
  'INVALID_URL',
  'RESERVED_QUERY_PARAMETER',
  'INVALID_METHOD',
  'INVALID_HEADER_NAME',
  'INVALID_HEADER_VALUE',
  'INVALID_REGION',
  'INVALID_SERVICE',
  'INVALID_DATE',
  'INVALID_EXPIRES_IN',
  'INVALID_OPTION',
  'INVALID_BUCKET_NAME',
  'INVALID_KEY',
]);

const OPTIONS = {
  method: { type: 'string' },
  'expires-in': { type: 'string' },
  region: { type: 'string' },
  service: { type: 'string' },
  endpoint: { type: 'string' },
  'path-style': { type: 'boolean' },
  'content-type': { type: 'string' },
  header: { type: 'string', multiple: true },
  'version-id': { type: 'string' },
  profile: { type: 'string' },
  date: { type: 'string' },
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** An INI file as section name to key to value; `undefined` when the file does not exist. */
function readIni(path: string): Map<string, Map<string, string>> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SetupError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? new Map<string, string>();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    // Lines that are not `key = value` (nested settings) are skipped: never echoed, they may hold secrets.
    if (eq > 0 && current) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

/** A profile's settings: the credentials file first, then the config file, as the AWS CLI reads them. */
interface Profile {
  readonly name: string;
  readonly found: boolean;
  get(key: string): string | undefined;
}

function readProfile(name: string, io: CliIo): Profile {
  const aws = join(io.homedir, '.aws');
  const credentialsFile = readIni(io.env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(aws, 'credentials'));
  const configFile = readIni(io.env['AWS_CONFIG_FILE'] ?? join(aws, 'config'));
  const fromCredentials = credentialsFile?.get(name);
  const fromConfig =
    configFile?.get(`profile ${name}`) ?? (name === 'default' ? configFile?.get('default') : undefined);
  return {
    name,
    found: fromCredentials !== undefined || fromConfig !== undefined,
    get: (key) => fromCredentials?.get(key) || fromConfig?.get(key) || undefined,
  };
}

/** Credentials from the environment, or `undefined` when it holds none. */
function environmentCredentials(env: CliIo['env']): Credentials | undefined {
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
  return { accessKeyId, secretAccessKey, sessionToken: env['AWS_SESSION_TOKEN'] || undefined, expiration };
}

function profileCredentials(profile: Profile): Credentials {
  const accessKeyId = profile.get('aws_access_key_id');
  const secretAccessKey = profile.get('aws_secret_access_key');
  if (!profile.found) {
    throw new SetupError(
      `no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile "${profile.name}" to ~/.aws/credentials`,
    );
  }
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new SetupError(
      `profile "${profile.name}" has no aws_access_key_id and aws_secret_access_key ` +
        '(for SSO, role or process credentials run `aws configure export-credentials --format env` first)',
    );
  }
  return { accessKeyId, secretAccessKey, sessionToken: profile.get('aws_session_token') };
}

function usage(message: string): never {
  throw new UsageError(message);
}

/** `--expires-in`: digits only, so that `1e3` or `90.5` is refused rather than read loosely. */
function expiresIn(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text)) usage(`--expires-in must be a whole number of seconds (got ${JSON.stringify(text)})`);
  return Number(text);
}

function signingDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(date.getTime())) {
    usage(`--date must be an ISO 8601 instant such as 2024-05-01T12:00:00Z (got ${JSON.stringify(text)})`);
  }
  return date;
}

/** `--content-type` and every `--header 'Name: value'` as a header record. */
function headers(flags: Flags): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    if (Object.hasOwn(out, lower)) usage(`header ${lower} is given twice`);
    out[lower] = value;
  };
  if (flags['content-type'] !== undefined) add('content-type', flags['content-type']);
  for (const header of flags.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) usage(`--header must look like 'Name: value' (got ${JSON.stringify(header)})`);
    add(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
  }
  return out;
}

const S3_OPERATIONS = {
  GET: presignGetObject,
  PUT: presignPutObject,
  HEAD: presignHeadObject,
  DELETE: presignDeleteObject,
} as const;

/** The method flag, checked against what the mode supports. */
function method(text: string | undefined, allowed: readonly string[]): string {
  const name = (text ?? 'GET').toUpperCase();
  if (!allowed.includes(name)) usage(`--method must be one of ${allowed.join(', ')} (got ${JSON.stringify(text)})`);
  return name;
}

/** Signs the request the arguments describe. */
function presignFromArgs(target: string, flags: Flags, io: CliIo): PresignResult {
  const expires = expiresIn(flags['expires-in']);
  const date = signingDate(flags.date);
  const signedHeaders = headers(flags);
  const s3 = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(target);
  const isUrl = /^https?:\/\//i.test(target);
  if (!s3 && !isUrl) usage(`the target must be s3://BUCKET/KEY or an http(s):// URL (got ${JSON.stringify(target)})`);
  if (s3 && flags.service !== undefined && flags.service !== 's3') usage('--service is s3 for an s3:// target');
  if (isUrl) {
    for (const s3Only of ['endpoint', 'path-style', 'version-id'] as const) {
      if (flags[s3Only] !== undefined) usage(`--${s3Only} applies to s3:// targets only`);
    }
    if (flags.service === undefined) usage('an http(s):// target needs --service (such as execute-api)');
  }
  const httpMethod = method(flags.method, s3 ? Object.keys(S3_OPERATIONS) : [...Object.keys(S3_OPERATIONS), 'POST']);

  const profile = readProfile(flags.profile ?? (io.env['AWS_PROFILE'] || 'default'), io);
  if (flags.profile !== undefined && !profile.found) throw new SetupError(`profile "${profile.name}" not found`);
  const region = flags.region ?? (io.env['AWS_REGION'] || io.env['AWS_DEFAULT_REGION'] || profile.get('region'));
  if (region === undefined) throw new SetupError("no region: pass --region, or set AWS_REGION or the profile's region");
  const credentials =
    (flags.profile === undefined ? environmentCredentials(io.env) : undefined) ?? profileCredentials(profile);
  const signing = { region, credentials, expiresIn: expires, signingDate: date, headers: signedHeaders };

  if (!s3) return presignDetailed({ ...signing, method: httpMethod, url: target, service: flags.service! });
  if (flags['version-id'] !== undefined && httpMethod === 'PUT') usage('--version-id does not apply to PUT');
  const location = { bucket: s3[1]!, key: s3[2] ?? '', endpoint: flags.endpoint, forcePathStyle: flags['path-style'] };
  return S3_OPERATIONS[httpMethod as keyof typeof S3_OPERATIONS]({
    ...signing,
    ...location,
    versionId: flags['version-id'],
  });
}

/** One line: the message with any line breaks folded, so that nothing looks like a stack trace. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/**
 * Runs the command line and returns its exit status: 0 success, 1 error, 2 usage error. Writes
 * the URL (or JSON) to `stdout`, and errors and `--explain` output to `stderr`; never the secret.
 *
 * @example
 * ```ts
 * let out = '';
 * const code = runCli(['s3://examplebucket/k', '--region', 'us-east-1'], {
 *   env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' }, homedir: '/nonexistent',
 *   stdout: (text) => (out += text), stderr: () => {},
 * }); // code 0, out: the URL and a newline
 * ```
 */
export function runCli(args: readonly string[], io: CliIo): number {
  try {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      return usage((error as Error).message);
    }
    const { values: flags, positionals } = parsed;
    if (flags.help) {
      io.stdout(HELP);
      return 0;
    }
    if (positionals.length !== 1)
      usage(positionals.length === 0 ? 'missing the s3:// or https:// target' : 'give exactly one target');
    const result = presignFromArgs(positionals[0]!, flags, io);
    if (flags.explain) {
      io.stderr(
        `Canonical request:\n${result.canonicalRequest}\n\nString to sign:\n${result.stringToSign}\n\n` +
          `Credential scope: ${result.credentialScope}\n`,
      );
    }
    const { url, method: sentMethod, headers: sentHeaders, expiresAt } = result;
    io.stdout(
      flags.json
        ? JSON.stringify(
            { url, method: sentMethod, headers: sentHeaders, expiresAt: expiresAt.toISOString() },
            null,
            2,
          ) + '\n'
        : url + '\n',
    );
    return 0;
  } catch (error) {
    const isUsage = error instanceof UsageError || (error instanceof SigV4Error && USAGE_CODES.has(error.code));
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`sigv4-presign: ${oneLine(message)}${isUsage ? ' (see --help)' : ''}\n`);
    return isUsage ? 2 : 1;
  }
}
