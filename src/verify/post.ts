/**
 * Verifies a presigned POST upload as S3 does, before the file is read: the SigV4 fields, the
 * credential scope, the signature over the `policy` field (compared in constant time), the
 * policy's expiry and every condition, and that no field goes without a condition.
 *
 * Rules, as S3 applies them:
 * - field names are case-insensitive, values are not, and a field may appear once;
 * - `policy`, `x-amz-signature`, `file` and `x-ignore-*` need no condition; every other field
 *   needs one ("Extra input fields"), and a condition on an absent field fails;
 * - `${filename}` in the key is replaced by the file's name before the conditions are checked;
 * - the bucket condition is checked against the bucket the form was posted to (the URL), never
 *   against a form field;
 * - `starts-with` on `Content-Type` reads a comma-separated value as a list: each item must match.
 *
 * It never throws: every outcome is a {@link PostVerifyResult} with S3's codes. The size range
 * comes back in the result, to be enforced while the file streams ({@link checkPostSize}).
 *
 * @example
 * ```ts
 * const result = await verifyPresignedPost(
 *   { bucket: 'uploads', fields: fieldsBeforeTheFile, filename: 'cat.png' },
 *   { secretFor: (accessKeyId) => keys.get(accessKeyId) },
 * );
 * if (!result.ok) return new Response(result.message, { status: 403 });
 * ```
 * @module
 */
import { defaultBackend, type HashBackend } from '../core/hash.js';
import {
  conditionHolds,
  decodePolicy,
  EXACT_ONLY_FIELDS,
  expandFilename,
  isExemptField,
  PolicyProblem,
  SIGV4_FIELDS,
  type ReadPolicy,
} from '../core/post-policy.js';
import {
  ALGORITHM,
  clockSecond,
  dateStamp,
  isValidDate,
  parseAmzDate,
  sameSignature,
  unknownOption,
} from '../core/rules.js';
import { signature, signingKey } from '../core/signing-key.js';
import { readCredential, Refusal as ScopeRefusal, type Scope } from './params.js';
import type { SecretLookup } from './verify.js';

/** A form posted to a bucket: the fields that came before the file. */
export interface PostUpload {
  /** The bucket the form was posted to, read from the URL: never from a form field. */
  readonly bucket: string;
  /**
   * The fields before the file, in order: `[name, value]` pairs (a `FormData` is one), or an
   * object. Names are matched case-insensitively; each may appear once.
   */
  readonly fields: Iterable<readonly [string, unknown]> | Readonly<Record<string, string>>;
  /** The file part's file name, which replaces `${filename}` in the key. */
  readonly filename?: string | undefined;
  /** The file's size, when it is known before it is read; otherwise check it with {@link checkPostSize}. */
  readonly fileSize?: number | undefined;
}

/** Options of {@link verifyPresignedPost}. Only `secretFor` is required. */
export interface VerifyPostOptions {
  /** The secret for an access key id, or `undefined` (→ `InvalidAccessKeyId`). If it throws or rejects → `InternalError`. */
  readonly secretFor: SecretLookup;
  /** The instant to check the policy's expiration against. Default now. */
  readonly now?: Date | undefined;
  /** Allowed credential-scope regions. Default: any. */
  readonly regions?: readonly string[] | undefined;
  /** SHA-256/HMAC implementation. Default: node:crypto in Node, pure JS elsewhere. */
  readonly backend?: HashBackend | undefined;
}

/**
 * Why an upload was refused, with S3's codes:
 * - `InvalidArgument`: a missing `key`, a field sent twice, some SigV4 fields without the others,
 *   or a malformed algorithm, date or credential scope;
 * - `AccessDenied`: no policy at all (anonymous), "Invalid according to Policy: Policy expired.",
 *   "…: Policy Condition failed: […]" or "…: Extra input fields: …";
 * - `SignatureDoesNotMatch`: the signature is not the policy's;
 * - `InvalidPolicyDocument`: the policy is not strict base64 of JSON S3 can read;
 * - `InvalidAccessKeyId`: `secretFor` knows no such key;
 * - `EntityTooSmall`, `EntityTooLarge`: the file is outside `content-length-range`;
 * - `PreconditionFailed`: the request is not `multipart/form-data` (for servers reading the body);
 * - `InternalError`: the options are invalid, or `secretFor` threw or returned a non-string.
 */
export type PostFailureCode =
  | 'InvalidArgument'
  | 'AccessDenied'
  | 'SignatureDoesNotMatch'
  | 'InvalidPolicyDocument'
  | 'InvalidAccessKeyId'
  | 'EntityTooSmall'
  | 'EntityTooLarge'
  | 'PreconditionFailed'
  | 'InternalError';

/** An accepted upload: where it goes and what the policy allows. */
export interface PostVerifySuccess {
  readonly ok: true;
  /** The object key, `${filename}` replaced. */
  readonly key: string;
  readonly accessKeyId: string;
  readonly region: string;
  /** `x-amz-date`. */
  readonly signedAt: Date;
  /** The policy's expiration: uploads are refused from this instant on. */
  readonly expiresAt: Date;
  /** The smallest and largest file sizes allowed, inclusive, or `undefined` when the policy sets none. */
  readonly contentLengthRange: readonly [min: number, max: number] | undefined;
  /** The `Content-Type` field: the type the object is stored with. */
  readonly contentType: string | undefined;
  /** 200, 201 or 204: `success_action_status`, with S3's default 204 for an absent or other value. */
  readonly successActionStatus: 200 | 201 | 204;
  /** `success_action_redirect` (or the older `redirect`): answer with a 303 to it. */
  readonly successActionRedirect: string | undefined;
  /** `x-amz-security-token`, when the form carries one. */
  readonly sessionToken: string | undefined;
  /** Every field that is not exempt from conditions, names lower-case (metadata, cache-control, …). */
  readonly fields: Readonly<Record<string, string>>;
}

/** A refused upload. `message` is for people; it never holds the secret or the expected signature. */
export interface PostVerifyFailure {
  readonly ok: false;
  readonly code: PostFailureCode;
  readonly message: string;
}

/** The outcome of {@link verifyPresignedPost}. */
export type PostVerifyResult = PostVerifySuccess | PostVerifyFailure;

/** A failure on its way out: thrown inside this module only, caught by the entry point. */
class Refusal {
  constructor(
    readonly code: PostFailureCode,
    readonly message: string,
  ) {}
}

const refuse = (code: PostFailureCode, message: string): never => {
  throw new Refusal(code, message);
};
const badArgument = (message: string): never => refuse('InvalidArgument', message);
const policyRefusal = (why: string): never => refuse('AccessDenied', `Invalid according to Policy: ${why}`);

/** The fields by lower-case name; a repeated name or a value that is not text is refused. */
function readFields(fields: PostUpload['fields']): Map<string, string> {
  if (typeof fields !== 'object' || fields === null) return badArgument('the form fields must be pairs or an object');
  const entries: Iterable<readonly [unknown, unknown]> =
    Symbol.iterator in fields ? (fields as Iterable<readonly [unknown, unknown]>) : Object.entries(fields);
  const byName = new Map<string, string>();
  for (const entry of entries) {
    const [name, value] = Array.isArray(entry) ? entry : [];
    if (typeof name !== 'string') badArgument('each form field must be a [name, value] pair');
    const lower = (name as string).toLowerCase();
    if (typeof value !== 'string')
      badArgument(`the field ${lower} must be text: only the file may come after the fields`);
    if (byName.has(lower)) badArgument(`the field ${lower} appears more than once`);
    byName.set(lower, value as string);
  }
  return byName;
}

const missingField = (name: string): never =>
  badArgument(
    `Bucket POST must contain a field named '${name}'. If it is specified, please check the order of the fields.`,
  );

/** What the SigV4 fields say, checked before the secret is needed. */
interface Signed {
  readonly scope: Scope;
  /** `YYYYMMDD`: the scope's day, that of `x-amz-date`. */
  readonly day: string;
  readonly signedAt: number;
  readonly policy: string;
  readonly signature: string;
}

/** Runs the URL verifier's scope reader: its refusal, a query's, becomes a form's `InvalidArgument`. */
function asArgument<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ScopeRefusal) return badArgument(error.message);
    throw error;
  }
}

function readSigned(fields: ReadonlyMap<string, string>, options: VerifyPostOptions): Signed {
  if (!SIGV4_FIELDS.some((name) => fields.has(name))) {
    refuse('AccessDenied', 'Access Denied: the form carries no policy and no signature (anonymous POST)');
  }
  for (const name of SIGV4_FIELDS) if (!fields.has(name)) missingField(name);
  if (fields.get('x-amz-algorithm') !== ALGORITHM) badArgument(`x-amz-algorithm must be ${ALGORITHM}`);
  const xAmzDate = fields.get('x-amz-date')!;
  const signedAt =
    parseAmzDate(xAmzDate) ?? badArgument('x-amz-date must be a real instant of the form YYYYMMDDTHHMMSSZ');
  const scope = asArgument(() => readCredential(fields.get('x-amz-credential')!, xAmzDate));
  if (scope.service !== 's3') badArgument(`the credential service must be s3, not '${scope.service}'`);
  if (options.regions !== undefined && !options.regions.includes(scope.region)) {
    badArgument(`the region '${scope.region}' is not accepted here`);
  }
  return {
    scope,
    day: dateStamp(xAmzDate),
    signedAt,
    policy: fields.get('policy')!,
    signature: fields.get('x-amz-signature')!,
  };
}

const OPTION_NAMES: ReadonlySet<string> = new Set(['secretFor', 'now', 'regions', 'backend']);

function checkOptions(options: VerifyPostOptions): void {
  const bad = (message: string): never => refuse('InternalError', `invalid verifier options: ${message}`);
  if (typeof options !== 'object' || options === null) bad('options must be an object');
  if (typeof options.secretFor !== 'function') bad('secretFor must be a function');
  const unknown = unknownOption(options, OPTION_NAMES);
  if (unknown !== undefined) bad(unknown);
  if (options.now !== undefined && !isValidDate(options.now)) bad('now must be a valid Date');
  const { regions } = options;
  if (regions !== undefined && !(Array.isArray(regions) && regions.every((r) => typeof r === 'string'))) {
    bad('regions must be an array of strings');
  }
}

/**
 * The refusal for a file of `size` bytes under `range`, or `undefined` when it fits: S3's
 * `EntityTooSmall` or `EntityTooLarge`. Servers call it while the file streams.
 *
 * @example
 * ```ts
 * checkPostSize([1, 10], 11); // { ok: false, code: 'EntityTooLarge', message: '…' }
 * checkPostSize([1, 10], 5);  // undefined
 * ```
 */
export function checkPostSize(
  range: readonly [min: number, max: number] | undefined,
  size: number,
): PostVerifyFailure | undefined {
  if (range === undefined) return undefined;
  if (size > range[1]) {
    const message = `Your proposed upload exceeds the maximum allowed size (ProposedSize ${size}, MaxSizeAllowed ${range[1]})`;
    return { ok: false, code: 'EntityTooLarge', message };
  }
  if (size < range[0]) {
    const message = `Your proposed upload is smaller than the minimum allowed size (ProposedSize ${size}, MinSizeAllowed ${range[0]})`;
    return { ok: false, code: 'EntityTooSmall', message };
  }
  return undefined;
}

const MAX_KEY_BYTES = 1024;
const encoder = new TextEncoder();
const utf8Length = (text: string) => encoder.encode(text).length;

const STATUSES: readonly (200 | 201 | 204)[] = [200, 201, 204];

/** Checks the decoded policy against the form, as S3 does once the signature holds. */
function checkPolicy(
  upload: PostUpload,
  fields: ReadonlyMap<string, string>,
  policy: ReadPolicy,
  signed: Signed,
  nowSecond: number,
) {
  if (nowSecond >= policy.expiration) policyRefusal('Policy expired.');
  const key = expandFilename(fields.get('key')!, upload.filename);
  // ${filename} may leave nothing (no file chosen), or push the key past S3's 1024 bytes.
  if (key === '') badArgument('User key must have a length greater than 0.');
  if (utf8Length(key) > MAX_KEY_BYTES)
    badArgument(`Your key is too long: S3 keys are at most ${MAX_KEY_BYTES} UTF-8 bytes.`);
  const covered = new Set<string>();
  let range: [number, number] | undefined;
  for (const condition of policy.conditions) {
    if (condition.kind === 'content-length-range') {
      // Several ranges all apply: the upload must fit each.
      range =
        range === undefined
          ? [condition.min, condition.max]
          : [Math.max(range[0], condition.min), Math.min(range[1], condition.max)];
      continue;
    }
    const { field } = condition;
    if (condition.kind === 'starts-with' && EXACT_ONLY_FIELDS.has(field)) {
      policyRefusal(`Policy Condition failed: ${condition.text}: starts-with is not allowed on ${field}`);
    }
    const value = field === 'bucket' ? upload.bucket : field === 'key' ? key : fields.get(field);
    if (!conditionHolds(condition, value)) policyRefusal(`Policy Condition failed: ${condition.text}`);
    covered.add(field);
  }
  for (const name of fields.keys()) {
    if (!isExemptField(name) && !covered.has(name)) policyRefusal(`Extra input fields: ${name}`);
  }
  if (upload.fileSize !== undefined) {
    const tooBig = checkPostSize(range, upload.fileSize);
    if (tooBig !== undefined) refuse(tooBig.code, tooBig.message);
  }
  const status = Number(fields.get('success_action_status'));
  // fromEntries defines own properties: a field named __proto__ stays a field.
  const others = Object.fromEntries([...fields].filter(([name]) => !isExemptField(name)));
  return {
    ok: true as const,
    key,
    accessKeyId: signed.scope.accessKeyId,
    region: signed.scope.region,
    signedAt: new Date(signed.signedAt),
    expiresAt: new Date(policy.expiration),
    contentLengthRange: range,
    contentType: fields.get('content-type'),
    successActionStatus: STATUSES.find((s) => s === status) ?? 204,
    successActionRedirect: fields.get('success_action_redirect') ?? fields.get('redirect'),
    sessionToken: fields.get('x-amz-security-token'),
    fields: others,
  };
}

/** Turns anything thrown inside the verifier into a failure; foreign errors are not echoed (they might hold a secret). */
function failure(error: unknown, during: string): PostVerifyFailure {
  if (error instanceof Refusal) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'InternalError', message: `${during} threw` };
}

/**
 * Verifies a presigned POST form: the fields before the file, for the bucket in the URL. Never
 * throws and never rejects; the signature is compared in constant time.
 *
 * @example
 * ```ts
 * const result = await verifyPresignedPost(
 *   { bucket: 'uploads', fields: [['key', 'user/42/${filename}'], ['policy', policy], …], filename: 'cat.png' },
 *   { secretFor: async (id) => (await db.get(id))?.secret },
 * );
 * if (result.ok) store(result.key, file, result.contentLengthRange);
 * else console.log(result.code, result.message); // 'AccessDenied', 'Invalid according to Policy: Extra input fields: acl'
 * ```
 */
export async function verifyPresignedPost(upload: PostUpload, options: VerifyPostOptions): Promise<PostVerifyResult> {
  let fields: Map<string, string>;
  let signed: Signed;
  try {
    checkOptions(options);
    if (typeof upload !== 'object' || upload === null) badArgument('the upload must be an object');
    if (typeof upload.bucket !== 'string' || upload.bucket === '') badArgument('the bucket must be a non-empty string');
    fields = readFields(upload.fields);
    if (!fields.get('key')) missingField('key');
    signed = readSigned(fields, options);
  } catch (error) {
    return failure(error, 'reading the form or the options');
  }
  let secret: unknown;
  try {
    secret = await options.secretFor(signed.scope.accessKeyId);
  } catch (error) {
    return failure(error, 'secretFor');
  }
  try {
    const { scope } = signed;
    if (secret === undefined) refuse('InvalidAccessKeyId', `the access key id ${scope.accessKeyId} is not known here`);
    if (typeof secret !== 'string' || secret === '') {
      refuse('InternalError', 'secretFor returned something other than a non-empty string');
    }
    const backend = options.backend ?? defaultBackend();
    const key = signingKey(backend, secret as string, signed.day, scope.region, 's3');
    if (!sameSignature(signature(backend, key, signed.policy), signed.signature)) {
      refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
    }
    let policy: ReadPolicy;
    try {
      policy = decodePolicy(signed.policy);
    } catch (error) {
      if (error instanceof PolicyProblem) refuse('InvalidPolicyDocument', error.message);
      throw error;
    }
    return checkPolicy(upload, fields, policy!, signed, clockSecond(options.now));
  } catch (error) {
    return failure(error, 'signing');
  }
}
