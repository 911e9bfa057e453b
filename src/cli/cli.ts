/**
 * The `sigv4-presign` command line: the library's presigned URLs without writing code.
 *
 * `runCli` is the whole program as a function of its arguments, environment, files and streams,
 * so that it can be tested in-process; `bin.ts` runs it. Settings are read as the AWS CLI reads
 * them (`aws-config.ts`, `ini.ts`).
 *
 * @example
 * ```ts
 * const code = await runCli(['s3://examplebucket/photos/cat.png', '--expires-in', '3600'], {
 *   env: process.env, homedir: os.homedir(), stdin: process.stdin,
 *   stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text),
 * });
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAwsHost } from '../core/endpoints.js';
import { isRegion, isService } from '../core/rules.js';
import { splitUrl } from '../core/url.js';
import { presignV4aDetailed } from '../v4a-node.js';
import {
  presignDeleteObject,
  presignDetailed,
  presignGetObject,
  presignHeadObject,
  presignPost,
  presignPutObject,
  SigV4Error,
  type PresignPostOptions,
  type PresignResult,
  type SigV4ErrorCode,
} from '../node.js';
import { curlCommand, parseSize, postKey } from './post.js';
import {
  configuredRegion,
  configuredS3,
  readAwsFiles,
  readTextFile,
  resolveCredentials,
  selectProfile,
  SetupError,
  type AwsFiles,
  type Env,
  type Profile,
  type ReadText,
  type ResolvedCredentials,
  type S3Settings,
  type Sourced,
} from './aws-config.js';

/** What the program reads and writes; injected so that tests need no child process. */
export interface CliIo {
  readonly env: Env;
  /** The user's home folder: `~` in paths, and where `.aws/config` and `.aws/credentials` live by default. */
  readonly homedir: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input, read only for the target `-`. */
  readonly stdin?: AsyncIterable<Uint8Array | string> | undefined;
  /** Reads a file as UTF-8, `undefined` when it is not there. Default: node:fs. */
  readonly readText?: ReadText | undefined;
}

/** The help text printed by `--help`. */
export const HELP = `Usage:
  sigv4-presign s3://BUCKET/KEY [options]
  sigv4-presign https://HOST/PATH?QUERY [--service NAME] [options]
  sigv4-presign - [options]        one target per line on standard input
  sigv4-presign post s3://BUCKET/PREFIX/ [options]

Prints an AWS Signature Version 4 presigned URL; with post, a presigned POST form for browser
uploads with a size limit, as {"url", "fields"} JSON or a curl command line.

Options:
  --method M          GET (default), PUT, HEAD or DELETE; POST too for an https:// URL
  --expires-in S      seconds the URL stays valid, 1..604800 (default 900)
  --region R          signing region (default: the target's AWS host, AWS_REGION, AWS_DEFAULT_REGION,
                      then the profile's region); a region the host contradicts is refused
  --service NAME      signing name of the service, such as execute-api (https:// URLs only; default:
                      the one an AWS host names, such as execute-api or lambda for a function URL)
  --endpoint URL      S3-compatible endpoint, such as http://127.0.0.1:9000, addressed path-style as the
                      AWS CLI does (s3:// only; default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then the
                      profile's endpoint_url and s3 settings, as the AWS CLI reads them)
  --path-style        put the bucket in the path instead of the host name (s3:// only)
  --allow-leading-slash  sign a key that starts with '/' (s3://BUCKET//KEY): refused without it,
                      since '/KEY' and 'KEY' are two keys and the slash is usually a mistake
  --content-type T    sign this Content-Type: the client must send exactly it
  --header 'N: V'     sign this header too: the client must send it (repeatable)
  --version-id V      a version of the object (s3:// GET, HEAD, DELETE)
  --profile NAME      credentials and settings from this profile (default: AWS_DEFAULT_PROFILE or
                      AWS_PROFILE, then default)
  --date INSTANT      sign as of this instant, for reproducible output: ISO 8601 with a zone,
                      such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00, or 20240501T120000Z
  --clamp-to-credentials  shorten the expiry to what temporary credentials have left, instead of failing
  --sigv4a            sign with SigV4a (AWS4-ECDSA-P256-SHA256), as S3 Multi-Region Access Points require
                      (https:// URLs only, such as https://ALIAS.mrap.accesspoint.s3-global.amazonaws.com/KEY
                      with --service s3)
  --region-set LIST   with --sigv4a: the regions the URL is valid in, comma-separated, such as
                      us-east-1,eu-west-1 (default: *, every region)
  --json              print {"url", "method", "headers", "expiresAt"} instead of the URL alone
                      (with -, one object per line, with "line" and "target")
  --explain           print the canonical request, string to sign and credential scope to stderr

POST (sigv4-presign post s3://BUCKET/KEY): a form that uploads one file under a signed policy.
  KEY ending in / (or empty) is a prefix: any key under it, the file's name appended (\${filename});
  any other KEY is the exact key. --expires-in, --region, --endpoint, --path-style, --profile, --date,
  --clamp-to-credentials and --content-type (the exact type) apply as above.
  --max-size SIZE     the largest file allowed, such as 10MB (powers of 1000) or 10MiB (of 1024)
  --min-size SIZE     the smallest file allowed (default 0)
  --content-type-prefix P  any Content-Type starting with P, such as image/
  --json              print {"url", "fields"} (the default): the fields go first in the form, the file last
  --curl              print a curl command line that posts the file at $FILE (POSIX shell)

  -h, --help          print this help
  --version           print the version

The KEY of s3://BUCKET/KEY is taken literally: spaces, '%', '+' and '..' are part of the key.
With -, each line is a target and every other option applies to all; a line that fails is
reported with its number on stderr, and the others are still printed.

Credentials, in the AWS CLI's order:
  1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and AWS_CREDENTIAL_EXPIRATION:
     a URL that would outlive the credentials is refused, or shortened with --clamp-to-credentials)
  2. the profile's keys in AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials), then in AWS_CONFIG_FILE
     (~/.aws/config, sections [profile NAME])
  --profile skips step 1. Profiles that assume a role, use SSO, web identity, aws login or a
  credential process are refused: export their credentials with
  \`aws configure export-credentials --profile NAME --format env\`.

Exit status: 0 success, 1 error (such as missing credentials), 2 usage error.
`;

/** Thrown for a mistake on the command line or in a target: exit status 2. */
class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

/**
 * Every library error code, and whether it is the command line's fault (usage, exit 2) or the
 * setup's (credentials, exit 1). A `Record`, so that a new code does not compile until it is
 * classified here.
 */
const LIBRARY_ERRORS: Record<SigV4ErrorCode, 'usage' | 'setup'> = {
  INVALID_URL: 'usage',
  RESERVED_QUERY_PARAMETER: 'usage',
  INVALID_METHOD: 'usage',
  INVALID_HEADER_NAME: 'usage',
  INVALID_HEADER_VALUE: 'usage',
  INVALID_CREDENTIALS: 'setup',
  INVALID_REGION: 'usage',
  REGION_MISMATCH: 'usage',
  INVALID_SERVICE: 'usage',
  INVALID_DATE: 'usage',
  INVALID_EXPIRES_IN: 'usage',
  INVALID_PAYLOAD_HASH: 'usage',
  INVALID_OPTION: 'usage',
  CREDENTIALS_EXPIRE_TOO_SOON: 'setup',
  INVALID_BUCKET_NAME: 'usage',
  INVALID_KEY: 'usage',
  INVALID_REGION_SET: 'usage',
  ECDSA_UNAVAILABLE: 'setup',
  // Presigned POST's (sigv4-presign post).
  POST_NOT_SUPPORTED: 'usage',
  INVALID_CONTENT_LENGTH_RANGE: 'usage',
  CONFLICTING_CONDITION: 'usage',
  INVALID_FORM_FIELD: 'usage',
  INVALID_CONDITION: 'usage',
};

/** Library option names, as the command line calls them. */
const VOCABULARY: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcredentialExpiry '?clamp'?/g, '--clamp-to-credentials'],
  [/\bcredentialExpiry\b/g, '--clamp-to-credentials'],
  [/\bexpiresIn\b/g, '--expires-in'],
  [/\bsigningDate\b/g, '--date'],
  [/\bcredentials\.accessKeyId\b/g, 'the access key id'],
  [/\bcredentials\.secretAccessKey\b/g, 'the secret access key'],
  [/\bcredentials\.sessionToken\b/g, 'the session token'],
  [/\bcredentials\.expiration\b/g, 'AWS_CREDENTIAL_EXPIRATION'],
  [/\bpayloadHash\b/g, 'the x-amz-content-sha256 header'],
  [/\bforcePathStyle\b/g, '--path-style'],
  [/\bversionId\b/g, '--version-id'],
  [/\bcontentLengthRange has min > max\b/g, '--min-size is larger than --max-size'],
  [/\bcontentLengthRange\b/g, '--max-size'],
  [/\bcontentType\.startsWith\b/g, '--content-type-prefix'],
  [/: use presignPutObject$/, ': presign a PUT instead'],
  [/\bcontentType\b/g, '--content-type'],
  [/ \(see HEADER_POLICY\)/g, ''],
  [/pass allowLeadingSlash: true if the slash is meant/, 'pass --allow-leading-slash if the slash is meant'],
  [/^service must/, '--service must'],
  [
    /^regionSet must be a non-empty array of distinct region names or '\*', such as .*$/,
    '--region-set must list distinct region names or *, separated by commas, such as us-east-1,eu-west-1',
  ],
];
const inCliWords = (message: string) =>
  VOCABULARY.reduce((text, [pattern, words]) => text.replace(pattern, words), message);

const OPTIONS = {
  method: { type: 'string' },
  'expires-in': { type: 'string' },
  region: { type: 'string' },
  service: { type: 'string' },
  endpoint: { type: 'string' },
  'path-style': { type: 'boolean' },
  'allow-leading-slash': { type: 'boolean' },
  'content-type': { type: 'string' },
  header: { type: 'string', multiple: true },
  'version-id': { type: 'string' },
  profile: { type: 'string' },
  date: { type: 'string' },
  'clamp-to-credentials': { type: 'boolean' },
  sigv4a: { type: 'boolean' },
  'region-set': { type: 'string' },
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
  'max-size': { type: 'string' },
  'min-size': { type: 'string' },
  'content-type-prefix': { type: 'string' },
  curl: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const PARSE = { options: OPTIONS, allowPositionals: true, strict: true, tokens: true } as const;
type Parsed = ReturnType<typeof parseArgs<typeof PARSE>>;
type Flags = Parsed['values'];

/** Edit distance, for suggesting the flag that was meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** `--expires` → `--expires-in`; `--endpoint-url` (the AWS CLI's name) → `--endpoint`. */
function suggestion(raw: string): string {
  const name = raw.replace(/^-+/, '').replace(/=.*$/, '');
  const known = Object.keys(OPTIONS);
  const near =
    known.find((option) => name.length >= 3 && (option.startsWith(name) || name.startsWith(option))) ??
    known.find((option) => distance(name, option) <= 2);
  return near === undefined ? '' : `; did you mean --${near}?`;
}

/** The flags, with parseArgs's messages replaced by one-line ones; a string flag may be given once. */
function readFlags(args: readonly string[]) {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ ...PARSE, args: [...args] });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usage(`unknown option ${flag}${suggestion(flag)}`);
    if (/argument missing/.test(message)) usage(`${flag} needs a value`);
    if (/does not take an argument/.test(message)) usage(`${flag} takes no value`);
    if (/ambiguous/.test(message)) usage(`${flag} needs a value; write ${flag}=VALUE for a value that starts with -`);
    usage(message.split('\n')[0]!);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.name === 'header') continue;
    if (OPTIONS[token.name as keyof typeof OPTIONS].type === 'string' && seen.has(token.name)) {
      usage(`--${token.name} is given twice`);
    }
    seen.add(token.name);
  }
  return parsed;
}

/** `--expires-in`: digits only, so that `1e3` or `90.5` is refused rather than read loosely. */
function expiresIn(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text)) usage(`--expires-in must be a whole number of seconds (got ${JSON.stringify(text)})`);
  return Number(text);
}

// ISO 8601 / RFC 3339 with a zone, seconds and fractions optional; or X-Amz-Date's basic form.
const EXTENDED_DATE = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:([Zz])|([+-])(\d\d):?(\d\d))?$/;
const BASIC_DATE = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(Z)$/;

/**
 * `--date`: an instant with an explicit zone, checked field by field (JavaScript's own parser
 * reads 2024-02-30 as March 1, and a date without a zone as local time).
 */
function signingDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const got = ` (got ${JSON.stringify(text)})`;
  const parts = EXTENDED_DATE.exec(text) ?? BASIC_DATE.exec(text);
  if (parts === null) usage(`--date must be an ISO 8601 instant such as 2024-05-01T12:00:00Z${got}`);
  const [, year, month, day, hour, minute, second, utc, sign, offsetHours, offsetMinutes] = parts;
  if (utc === undefined && sign === undefined) {
    usage(`--date needs a time zone, so that the URL is the same everywhere: add Z or an offset such as +02:00${got}`);
  }
  const [y, mo, d, h, mi, s, oh, om] = [year, month, day, hour, minute, second, offsetHours, offsetMinutes].map(
    (field) => Number(field ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // years 0-99 stay themselves, unlike Date.UTC
  const exists = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  if (!exists || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59)
    usage(`--date names a date or time that does not exist${got}`);
  date.setUTCHours(h, mi - (sign === '-' ? -1 : 1) * (oh * 60 + om), s);
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

/** What every target shares: the flags read once, and the setup resolved once. */
interface Context {
  readonly flags: Flags;
  readonly expiresIn: number | undefined;
  readonly date: Date | undefined;
  readonly headers: Record<string, string>;
  readonly files: AwsFiles;
  readonly profile: Profile;
  readonly credentials: ResolvedCredentials;
  readonly env: Env;
  /** The profile's and the environment's S3 settings, read when an s3:// target needs them. */
  readonly s3: () => S3Settings;
}

/** A region, checked where it is read so that the message names its source. */
function checkedRegion(region: Sourced<string>): string {
  if (isRegion(region.value)) return region.value;
  const message = `${region.source} ${JSON.stringify(region.value)} is not a region name such as us-east-1 or auto`;
  if (region.source === '--region') usage(message);
  throw new SetupError(message);
}

/**
 * The signing region for a request to `host`: an AWS host's own region (which `--region` must
 * not contradict), else `--region`, the environment or the profile.
 */
function regionFor(host: string | undefined, described: string, context: Context): string {
  const flag =
    context.flags.region === undefined ? undefined : checkedRegion({ value: context.flags.region, source: '--region' });
  const named = host === undefined ? undefined : parseAwsHost(host)?.region;
  if (named !== undefined) {
    if (flag !== undefined && flag !== named) usage(`--region ${flag} contradicts ${described}, which is in ${named}`);
    return named;
  }
  if (flag !== undefined) return flag;
  const configured = configuredRegion(context.profile, context.env, context.files);
  if (configured === undefined) {
    throw new SetupError(
      `no region: ${host === undefined ? '' : `${host} names none; `}pass --region, or set AWS_REGION, ` +
        `or region in profile "${context.profile.name}"`,
    );
  }
  return checkedRegion(configured);
}

/** `--endpoint` or the configured S3 endpoint, checked; `undefined` for AWS's own. */
function s3Endpoint(context: Context): Sourced<string> | undefined {
  const configured = context.s3();
  const flag = context.flags.endpoint;
  const endpoint = flag !== undefined ? { value: flag, source: '--endpoint' } : configured.endpoint;
  if (endpoint === undefined) return undefined;
  try {
    splitUrl(endpoint.value);
  } catch {
    const message = `${endpoint.source} ${JSON.stringify(endpoint.value)} is not an absolute http(s) URL`;
    if (flag !== undefined) usage(message);
    throw new SetupError(message);
  }
  // As in botocore: an endpoint of one's own leaves no room for AWS's dual-stack, accelerate or FIPS names.
  for (const setting of [configured.dualStack, configured.accelerate, configured.fips]) {
    if (setting) throw new SetupError(`${setting.source} cannot be combined with the endpoint from ${endpoint.source}`);
  }
  return endpoint;
}

/** S3's FIPS endpoint for a region, as the AWS CLI names it (the library builds the other AWS names). */
function fipsEndpoint(settings: S3Settings, region: string): string | undefined {
  if (settings.fips === undefined) return undefined;
  if (settings.accelerate)
    throw new SetupError(`${settings.accelerate.source} cannot be combined with ${settings.fips.source}`);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://s3-fips.${settings.dualStack ? 'dualstack.' : ''}${region}.${suffix}`;
}

/** A target as read from the command line, before any setup. */
type Target =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly method: keyof typeof S3_OPERATIONS }
  | { readonly kind: 'url'; readonly url: string; readonly host: string; readonly method: string };

/** Reads a target and checks the flags that depend on its kind: command-line mistakes only. */
function readTarget(target: string, flags: Flags): Target {
  for (const flag of POST_ONLY) if (flags[flag] !== undefined) usage(`--${flag} applies to post only`);
  if (flags['region-set'] !== undefined && !flags.sigv4a) usage('--region-set applies with --sigv4a');
  if (flags.sigv4a && flags.region !== undefined) {
    usage('--region does not apply with --sigv4a, which signs for --region-set instead');
  }
  const s3 = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(target);
  if (s3 !== null && flags.sigv4a) {
    usage('--sigv4a takes an https:// URL, such as https://ALIAS.mrap.accesspoint.s3-global.amazonaws.com/KEY');
  }
  if (s3 === null) {
    if (!/^https?:\/\//i.test(target)) {
      usage(`the target must be s3://BUCKET/KEY or an http(s):// URL (got ${JSON.stringify(target)})`);
    }
    for (const s3Only of ['endpoint', 'path-style', 'version-id', 'allow-leading-slash'] as const) {
      if (flags[s3Only] !== undefined) usage(`--${s3Only} applies to s3:// targets only`);
    }
    if (flags.service !== undefined && !isService(flags.service)) {
      usage(`--service must be a signing name such as execute-api (got ${JSON.stringify(flags.service)})`);
    }
    const httpMethod = method(flags.method, [...Object.keys(S3_OPERATIONS), 'POST']);
    return { kind: 'url', url: target, host: splitUrl(target).host, method: httpMethod };
  }
  if (flags.service !== undefined && flags.service !== 's3') usage('--service is s3 for an s3:// target');
  const httpMethod = method(flags.method, Object.keys(S3_OPERATIONS)) as keyof typeof S3_OPERATIONS;
  if (flags['version-id'] !== undefined && httpMethod === 'PUT') usage('--version-id does not apply to PUT');
  const [, bucket = '', key = ''] = s3;
  if (key === '') usage(`the target ${JSON.stringify(target)} names no object key: write s3://BUCKET/KEY`);
  return { kind: 's3', bucket, key, method: httpMethod };
}

/** Signs the request one target describes (SigV4a's signature comes from an asynchronous ECDSA). */
function presignTarget(target: Target, context: Context): PresignResult | Promise<PresignResult> {
  const { flags } = context;
  const signing = {
    credentials: context.credentials.credentials,
    expiresIn: context.expiresIn,
    signingDate: context.date,
    headers: context.headers,
    credentialExpiry: flags['clamp-to-credentials'] ? ('clamp' as const) : undefined,
  };

  if (target.kind === 'url') {
    const { host } = target;
    const named = parseAwsHost(host)?.service;
    if (flags.service !== undefined && named !== undefined && flags.service !== named) {
      usage(`--service ${flags.service} contradicts the host ${host}, which signs as ${named}`);
    }
    const service = flags.service ?? named ?? usage(`${host} names no service: pass --service (such as execute-api)`);
    if (flags.sigv4a) {
      const regionSet = (flags['region-set'] ?? '*').split(',');
      return presignV4aDetailed({ ...signing, method: target.method, url: target.url, regionSet, service });
    }
    const region = regionFor(host, `the host ${host}`, context);
    return presignDetailed({ ...signing, method: target.method, url: target.url, region, service });
  }

  return S3_OPERATIONS[target.method]({
    ...signing,
    ...s3Location(context),
    bucket: target.bucket,
    key: target.key,
    allowLeadingSlash: flags['allow-leading-slash'],
    versionId: flags['version-id'],
  });
}

/** Where an s3:// target's bucket is and how to address it: region, endpoint and style, as the AWS CLI reads them. */
function s3Location(context: Context) {
  const settings = context.s3();
  const endpoint = s3Endpoint(context);
  const region =
    endpoint === undefined
      ? regionFor(undefined, '', context)
      : regionFor(splitUrl(endpoint.value).host, `the endpoint ${endpoint.value} (from ${endpoint.source})`, context);
  const fips = endpoint === undefined ? fipsEndpoint(settings, region) : undefined;
  return {
    region,
    endpoint: endpoint?.value ?? fips,
    // As the AWS CLI does: path style for an endpoint of one's own unless the profile says virtual.
    forcePathStyle:
      context.flags['path-style'] ||
      settings.addressing?.value === 'path' ||
      (endpoint !== undefined && settings.addressing?.value !== 'virtual'),
    dualStack: endpoint === undefined && fips === undefined ? settings.dualStack?.value : undefined,
    accelerate: endpoint === undefined ? settings.accelerate?.value : undefined,
  };
}

/** `sigv4-presign post s3://BUCKET/KEY`: what the command line asks of the policy, read before any setup. */
interface PostCommand {
  readonly bucket: string;
  readonly key: { key: string } | { keyPrefix: string };
  readonly contentLengthRange: readonly [number, number] | undefined;
  readonly contentType: PresignPostOptions['contentType'];
}

const NOT_FOR_POST = ['method', 'header', 'version-id', 'service', 'sigv4a', 'region-set', 'explain'] as const;
const POST_ONLY = ['max-size', 'min-size', 'content-type-prefix', 'curl'] as const;

/** Reads `post`'s target and flags: command-line mistakes only. */
function readPostCommand(positionals: readonly string[], flags: Flags): PostCommand {
  for (const flag of NOT_FOR_POST) if (flags[flag] !== undefined) usage(`--${flag} does not apply to post`);
  if (positionals.length !== 2) usage('post takes one target: sigv4-presign post s3://BUCKET/PREFIX/');
  const target = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(positionals[1]!);
  if (target === null) usage(`post takes an s3://BUCKET/KEY target (got ${JSON.stringify(positionals[1])})`);
  if (flags.json && flags.curl) usage('give --json or --curl, not both');
  if (flags['content-type'] !== undefined && flags['content-type-prefix'] !== undefined) {
    usage('give --content-type (exact) or --content-type-prefix, not both');
  }
  const size = (name: 'max-size' | 'min-size') => {
    const text = flags[name];
    if (text === undefined) return undefined;
    return parseSize(text) ?? usage(`--${name} must be a size such as 10MB or 10MiB (got ${JSON.stringify(text)})`);
  };
  const [min, max] = [size('min-size'), size('max-size')];
  if (min !== undefined && max === undefined) usage('--min-size needs --max-size');
  const prefix = flags['content-type-prefix'];
  return {
    bucket: target![1]!,
    key: postKey(target![2] ?? ''),
    contentLengthRange: max === undefined ? undefined : [min ?? 0, max],
    contentType: prefix === undefined ? flags['content-type'] : { startsWith: prefix },
  };
}

/** One line: the message with any line breaks folded, so that nothing looks like a stack trace. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** An error as exit status and message, in the command line's words. */
function describe(error: unknown): { code: 1 | 2; message: string } {
  if (error instanceof UsageError) return { code: 2, message: `${error.message} (see --help)` };
  if (error instanceof SetupError) return { code: 1, message: error.message };
  if (error instanceof SigV4Error) {
    const kind = LIBRARY_ERRORS[error.code];
    return {
      code: kind === 'usage' ? 2 : 1,
      message: inCliWords(error.message) + (kind === 'usage' ? ' (see --help)' : ''),
    };
  }
  return { code: 1, message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
}

/** The longest line read: far beyond any target, short enough that a stream without newlines cannot exhaust memory. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * The lines of standard input, decoded as UTF-8 one by one: a bad line is reported, never altered.
 * A line over {@link MAX_LINE_BYTES} is reported and skipped up to its end.
 */
async function* inputLines(stdin: AsyncIterable<Uint8Array | string>): AsyncGenerator<string | Error> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const encoder = new TextEncoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  const line = (last: Uint8Array): string | Error => {
    const parts = [...pending, last];
    const length = pendingBytes + last.length;
    const skipped = tooLong || length > MAX_LINE_BYTES;
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    if (skipped) return new Error(`the line is longer than ${MAX_LINE_BYTES} bytes`);
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    try {
      return decoder.decode(bytes).replace(/\r$/, '');
    } catch {
      return new Error('the line is not valid UTF-8');
    }
  };
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    let start = 0;
    for (let newline = bytes.indexOf(10); newline >= 0; newline = bytes.indexOf(10, start)) {
      yield line(bytes.subarray(start, newline));
      start = newline + 1;
    }
    const rest = bytes.subarray(start);
    if (tooLong || pendingBytes + rest.length > MAX_LINE_BYTES) {
      tooLong = true; // keep nothing more of this line
      pending = [];
      pendingBytes = 0;
    } else if (rest.length > 0) {
      pending.push(rest.slice());
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0 || tooLong) yield line(new Uint8Array(0));
}

const version = () =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Runs the command line and resolves to its exit status: 0 success, 1 error, 2 usage error.
 * Writes URLs (or JSON) to `stdout`, and errors and `--explain` output to `stderr`; never the
 * secret. With the target `-`, reads one target per line from `stdin`.
 *
 * @example
 * ```ts
 * let out = '';
 * const code = await runCli(['s3://examplebucket/k', '--region', 'us-east-1'], {
 *   env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' }, homedir: '/nonexistent',
 *   stdout: (text) => (out += text), stderr: () => {},
 * }); // code 0, out: the URL and a newline
 * ```
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const fail = (error: unknown, where = '') => {
    const { code, message } = describe(error);
    io.stderr(`sigv4-presign: ${where}${oneLine(message)}\n`);
    return code;
  };
  let context: Context;
  let single: Target | undefined; // undefined: targets come from standard input
  let post: PostCommand | undefined;
  try {
    const { values: flags, positionals } = readFlags(args);
    if (flags.help) {
      io.stdout(HELP);
      return 0;
    }
    if (flags.version) {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (positionals.length === 0)
      usage('missing the s3:// or https:// target (or - to read targets from standard input)');
    if (positionals[0] === 'post') post = readPostCommand(positionals, flags);
    else if (positionals.length > 1) usage('give exactly one target, or - and one target per line on standard input');
    if (positionals[0] === '-' && io.stdin === undefined) {
      usage('- reads targets from standard input, which is not available');
    }
    // Every mistake on the command line is reported before the setup is read.
    const commandLine = {
      flags,
      expiresIn: expiresIn(flags['expires-in']),
      date: signingDate(flags.date),
      headers: post === undefined ? headers(flags) : {},
    };
    if (post === undefined) single = positionals[0] === '-' ? undefined : readTarget(positionals[0]!, flags);
    // Credentials before region: without them nothing can be signed.
    const files = readAwsFiles({ env: io.env, homedir: io.homedir, readText: io.readText ?? readTextFile });
    const profile = selectProfile(files, io.env, flags.profile);
    const credentials = resolveCredentials(files, profile, io.env);
    let s3: S3Settings | undefined;
    context = {
      ...commandLine,
      files,
      profile,
      credentials,
      env: io.env,
      s3: () => (s3 ??= configuredS3(files, profile, io.env)),
    };
  } catch (error) {
    return fail(error);
  }

  const print = (result: PresignResult, extra?: { line: number; target: string }) => {
    if (context.flags.explain) {
      io.stderr(
        `${extra ? `Line ${extra.line}: ` : ''}Canonical request:\n${result.canonicalRequest}\n\nString to sign:\n` +
          `${result.stringToSign}\n\nCredential scope: ${result.credentialScope}\n`,
      );
    }
    const { url, method: sentMethod, headers: sentHeaders, expiresAt } = result;
    const json = { url, method: sentMethod, headers: sentHeaders, expiresAt: expiresAt.toISOString() };
    if (!context.flags.json) io.stdout(url + '\n');
    else if (extra === undefined) io.stdout(JSON.stringify(json, null, 2) + '\n');
    else io.stdout(JSON.stringify({ line: extra.line, target: extra.target, ...json }) + '\n');
  };

  if (post !== undefined) {
    try {
      const signed = presignPost({
        ...s3Location(context),
        ...post.key,
        allowLeadingSlash: context.flags['allow-leading-slash'],
        bucket: post.bucket,
        credentials: context.credentials.credentials,
        expiresIn: context.expiresIn,
        signingDate: context.date,
        credentialExpiry: context.flags['clamp-to-credentials'] ? 'clamp' : undefined,
        contentLengthRange: post.contentLengthRange,
        contentType: post.contentType,
      });
      const prefix = typeof post.contentType === 'object' ? post.contentType.startsWith : undefined;
      if (context.flags.curl) io.stdout(curlCommand(signed, prefix));
      else io.stdout(JSON.stringify({ url: signed.url, fields: signed.fields }, null, 2) + '\n');
      return 0;
    } catch (error) {
      return fail(error);
    }
  }
  if (single !== undefined) {
    try {
      print(await presignTarget(single, context));
      return 0;
    } catch (error) {
      return fail(error);
    }
  }
  let worst = 0;
  let line = 0;
  for await (const target of inputLines(io.stdin!)) {
    line++;
    try {
      if (target instanceof Error) throw new UsageError(target.message);
      if (target.trim() === '') continue;
      print(await presignTarget(readTarget(target, context.flags), context), { line, target });
    } catch (error) {
      const code = fail(error, `line ${line}: `);
      // Bad credentials fail every line alike: stop at the first.
      if (error instanceof SigV4Error && LIBRARY_ERRORS[error.code] === 'setup') return code;
      worst = Math.max(worst, code);
    }
  }
  return worst;
}
