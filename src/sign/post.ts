/**
 * Presigned POST: a signed policy that lets a browser upload one file with an HTML form, under
 * conditions that S3 enforces. It is the only way to cap an upload's size (`contentLengthRange`),
 * and it can fix or constrain the key, the content type, metadata and the response.
 *
 * The form sends {@link PresignedPost.fields} first (the key first), then the file last: S3
 * ignores everything after the file. Every field but `policy` and `x-amz-signature` is covered
 * by a condition of the policy, which is plain `JSON.stringify` output, base64-encoded; the
 * signature is the SigV4 signing key's HMAC of that base64 text.
 *
 * @example
 * ```ts
 * const post = presignPost({
 *   bucket: 'uploads', region: 'eu-west-1', credentials,
 *   keyPrefix: 'user/42/', contentLengthRange: [1, 10_485_760], contentType: { startsWith: 'image/' },
 * });
 * const form = new FormData();
 * for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
 * form.append('Content-Type', file.type);
 * form.append('file', file); // last
 * await fetch(post.url, { method: 'POST', body: form });
 * ```
 * @module
 */
import { escapeXml } from '../core/encoding.js';
import { SigV4Error, type SigV4ErrorCode } from '../core/errors.js';
import { defaultBackend, type HashBackend } from '../core/hash.js';
import {
  checkedCondition,
  conditionHolds,
  encodePolicy,
  FILENAME_VARIABLE,
  formFieldProblem,
  isExemptField,
  PolicyProblem,
  SIGNER_FIELDS,
  startsWithDocumented,
  type CheckedCondition,
  type FieldCondition,
  type PostCondition,
  type PostPolicyDocument,
} from '../core/post-policy.js';
import {
  ALGORITHM,
  checkFlag,
  checkOptionNames,
  credentialScope,
  dateStamp,
  hasControlCharacter,
  type Credentials,
} from '../core/rules.js';
import { signature, signingKey } from '../core/signing-key.js';
import { splitUrl } from '../core/url.js';
import { signerBasics, type PresignOptions } from './presign.js';
import {
  checkMetadataValue,
  checkObjectKey,
  checksumField,
  LOCATION_OPTIONS,
  s3Url,
  type S3Checksum,
  type S3Location,
} from './s3.js';

/** Options of {@link presignPost}. Give `key` or `keyPrefix`. */
export interface PresignPostOptions extends S3Location, Pick<PresignOptions, 'credentialExpiry'> {
  readonly credentials: Credentials;
  /** The exact key, or one ending in `${filename}` (the uploaded file's name); 1 to 1024 UTF-8 bytes. */
  readonly key?: string | undefined;
  /** Any key that starts with this; the `key` field becomes `keyPrefix + '${filename}'`. */
  readonly keyPrefix?: string | undefined;
  /** A key (or prefix) that starts with `/` is refused with `INVALID_KEY` unless this is true, as in the S3 helpers. */
  readonly allowLeadingSlash?: boolean | undefined;
  /** Seconds the policy stays valid: an integer in 1..604800. Default 900. */
  readonly expiresIn?: number | undefined;
  /** The signing instant (`x-amz-date`); the policy expires `expiresIn` seconds after it. Default now. */
  readonly signingDate?: Date | undefined;
  /** Smallest and largest size of the file in bytes, inclusive. */
  readonly contentLengthRange?: readonly [min: number, max: number] | undefined;
  /**
   * The `Content-Type` the object is stored with: exact (then it is one of the fields), or
   * `{ startsWith }` (then the form adds the field itself, such as the file's type).
   */
  readonly contentType?: string | { readonly startsWith: string } | undefined;
  /** The answer to a successful upload: 204 (S3's default, empty), 201 (XML) or 200 (empty). */
  readonly successActionStatus?: 200 | 201 | 204 | undefined;
  /** Answer a successful upload with a 303 to this URL, with `bucket`, `key` and `etag` added to its query. */
  readonly successActionRedirect?: string | undefined;
  /** User metadata: each entry is sent as `x-amz-meta-NAME`. Values must be printable ASCII. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Canned ACL, such as `private` or `public-read`. */
  readonly acl?: string | undefined;
  /** Object tags, sent as S3's `<Tagging>` XML. */
  readonly tagging?: Readonly<Record<string, string>> | undefined;
  /** `x-amz-storage-class`, such as `STANDARD_IA`. */
  readonly storageClass?: string | undefined;
  /** `x-amz-server-side-encryption`: `AES256`, `aws:kms` or `aws:kms:dsse`. */
  readonly serverSideEncryption?: string | undefined;
  /** `x-amz-server-side-encryption-aws-kms-key-id`. */
  readonly sseKmsKeyId?: string | undefined;
  /** A checksum S3 verifies against the file; none is added unless given. */
  readonly checksum?: S3Checksum | undefined;
  /** More exact fields (such as `cache-control`), each also a condition. Names are S3's form fields. */
  readonly fields?: Readonly<Record<string, string>> | undefined;
  /** More conditions, as a policy writes them, such as `['starts-with', '$x-amz-meta-tag', '']`. */
  readonly conditions?: readonly PostCondition[] | undefined;
  /** SHA-256/HMAC implementation. Default: node:crypto in Node, pure JS elsewhere. */
  readonly backend?: HashBackend | undefined;
}

// Every option of PresignPostOptions: an unknown name is refused.
const OPTION_NAMES: ReadonlySet<string> = new Set([
  ...LOCATION_OPTIONS,
  'credentials',
  'credentialExpiry',
  'key',
  'keyPrefix',
  'allowLeadingSlash',
  'expiresIn',
  'signingDate',
  'contentLengthRange',
  'contentType',
  'successActionStatus',
  'successActionRedirect',
  'metadata',
  'acl',
  'tagging',
  'storageClass',
  'serverSideEncryption',
  'sseKmsKeyId',
  'checksum',
  'fields',
  'conditions',
  'backend',
]);

/** A presigned POST: where to send the form, and the fields it must carry before the file. */
export interface PresignedPost {
  /** The bucket's URL: the form's `action`. */
  readonly url: string;
  /** The form's fields in order, the key first, `policy` and `x-amz-signature` last. The file goes after them. */
  readonly fields: Readonly<Record<string, string>>;
  /** The base64 policy (also `fields.policy`): the string that was signed. */
  readonly policy: string;
  /** The policy before encoding. */
  readonly policyDocument: PostPolicyDocument;
  /** The policy's expiration: uploads are refused from this instant on. */
  readonly expiresAt: Date;
  /** The hex signature (also `fields['x-amz-signature']`). */
  readonly signature: string;
}

function fail(code: SigV4ErrorCode, message: string): never {
  throw new SigV4Error(code, message);
}

/** A field's value: a string without control characters (browsers rewrite line breaks to CRLF, so a value with one could never match). */
function fieldValue(name: string, value: unknown): string {
  if (typeof value !== 'string') fail('INVALID_FORM_FIELD', `the field ${name} must be a string`);
  if (hasControlCharacter(value as string)) fail('INVALID_FORM_FIELD', `the field ${name} has a control character`);
  return value as string;
}

const R2_HOST = /\.r2\.cloudflarestorage\.com(?::\d+)?$/;

/** Cloudflare R2 answers POST with 501 NotImplemented: refuse to sign what cannot work. */
function refuseR2(location: S3Location): void {
  const host = location.endpoint === undefined ? '' : splitUrl(location.endpoint).host;
  if (location.region === 'auto' || R2_HOST.test(host)) {
    fail('POST_NOT_SUPPORTED', 'Cloudflare R2 (region auto) does not implement POST uploads: use presignPutObject');
  }
}

/** The key field and its condition. */
function keyField(options: PresignPostOptions): { key: string; condition: PostCondition } {
  const { key, keyPrefix } = options;
  const slash = checkFlag('allowLeadingSlash', options.allowLeadingSlash, false);
  if ((key === undefined) === (keyPrefix === undefined)) fail('INVALID_OPTION', 'give either key or keyPrefix');
  if (keyPrefix !== undefined) {
    if (typeof keyPrefix !== 'string') fail('INVALID_KEY', 'keyPrefix must be a string');
    if (keyPrefix !== '') checkObjectKey(fieldValue('key', keyPrefix), slash);
    return { key: keyPrefix + FILENAME_VARIABLE, condition: ['starts-with', '$key', keyPrefix] };
  }
  checkObjectKey(key, slash);
  fieldValue('key', key);
  const variable = key!.indexOf(FILENAME_VARIABLE);
  if (variable < 0) return { key: key!, condition: { key: key! } };
  if (variable !== key!.length - FILENAME_VARIABLE.length) {
    fail('INVALID_KEY', '${filename} may only end the key: S3 checks the key after replacing it');
  }
  return { key: key!, condition: ['starts-with', '$key', key!.slice(0, variable)] };
}

function checkRange(range: unknown): readonly [number, number] {
  const [min, max] = Array.isArray(range) && range.length === 2 ? (range as unknown[]) : [];
  const bound = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
  if (!bound(min) || !bound(max)) {
    fail('INVALID_CONTENT_LENGTH_RANGE', 'contentLengthRange must be [min, max] of non-negative integers');
  }
  if ((min as number) > (max as number)) fail('INVALID_CONTENT_LENGTH_RANGE', 'contentLengthRange has min > max');
  return [min as number, max as number];
}

/** S3's `tagging` form field: the tag set as XML. */
function taggingXml(tags: Readonly<Record<string, string>>): string {
  const entries = Object.entries(tags).map(([key, value]) => {
    fieldValue('tagging', key);
    fieldValue('tagging', value);
    return `<Tag><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></Tag>`;
  });
  return `<Tagging><TagSet>${entries.join('')}</TagSet></Tagging>`;
}

const STATUSES = [200, 201, 204];

/** The fields the named options set, in form order, names as S3 documents them. */
function optionFields(options: PresignPostOptions): [string, string | undefined][] {
  const { contentType, successActionStatus, successActionRedirect } = options;
  if (successActionStatus !== undefined && !STATUSES.includes(successActionStatus)) {
    fail('INVALID_OPTION', 'successActionStatus must be 200, 201 or 204');
  }
  if (successActionRedirect !== undefined) {
    if (successActionStatus !== undefined) fail('INVALID_OPTION', 'give successActionStatus or successActionRedirect');
    if (typeof successActionRedirect !== 'string' || !/^https?:\/\/[^/?#]/i.test(successActionRedirect)) {
      fail('INVALID_OPTION', 'successActionRedirect must be an absolute http(s) URL');
    }
  }
  const fields: [string, string | undefined][] = [
    ['Content-Type', typeof contentType === 'object' ? undefined : contentType],
    ['acl', options.acl],
    ['tagging', options.tagging === undefined ? undefined : taggingXml(options.tagging)],
    ['x-amz-storage-class', options.storageClass],
    ['x-amz-server-side-encryption', options.serverSideEncryption],
    ['x-amz-server-side-encryption-aws-kms-key-id', options.sseKmsKeyId],
    ['success_action_status', successActionStatus === undefined ? undefined : String(successActionStatus)],
    ['success_action_redirect', successActionRedirect],
  ];
  if (options.checksum !== undefined) fields.push(checksumField(options.checksum));
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    fields.push([`x-amz-meta-${name.toLowerCase()}`, checkMetadataValue(name, value)]);
  }
  return fields;
}

/** Adds the caller's extra fields to the named ones; each name is one S3 accepts, set once. */
function allFields(options: PresignPostOptions, key: string): Map<string, [name: string, value: string]> {
  const fields = new Map<string, [string, string]>([['key', ['key', key]]]);
  const add = (name: string, value: unknown, fromOptions: boolean) => {
    const lower = name.toLowerCase();
    const problem = formFieldProblem(lower);
    if (problem !== undefined) fail('INVALID_FORM_FIELD', problem);
    if (fields.has(lower)) {
      fail('INVALID_OPTION', `the field ${lower} is set twice${fromOptions ? '' : ': by an option and in fields'}`);
    }
    fields.set(lower, [name, fieldValue(name, value)]);
  };
  for (const [name, value] of optionFields(options)) if (value !== undefined) add(name, value, true);
  const extra = options.fields ?? {};
  if (typeof extra !== 'object' || extra === null) fail('INVALID_OPTION', 'fields must be an object');
  for (const [name, value] of Object.entries(extra)) add(name, value, false);
  return fields;
}

/** Refuses a starts-with that S3 does not take, or that no value could meet. */
function checkPrefix(condition: FieldCondition): void {
  const { field, value, text } = condition;
  if (!startsWithDocumented(field))
    fail('INVALID_CONDITION', `condition ${text}: S3 takes only exact matches on ${field}`);
  // S3 splits a Content-Type at commas and checks each item, so no item can start with a comma.
  if (field === 'content-type' && value.includes(',')) {
    fail(
      'INVALID_CONDITION',
      `condition ${text}: a Content-Type prefix cannot hold a comma (S3 reads the value as a list)`,
    );
  }
}

/** Reads a caller's condition, refusing one that S3 would not accept. */
function callerCondition(condition: PostCondition): CheckedCondition {
  let checked: CheckedCondition;
  try {
    checked = checkedCondition(condition);
  } catch (error) {
    if (!(error instanceof PolicyProblem)) throw error;
    const code = /content-length-range/.test(error.message) ? 'INVALID_CONTENT_LENGTH_RANGE' : 'INVALID_CONDITION';
    return fail(code, `condition ${JSON.stringify(condition)}: ${error.message}`);
  }
  if (checked.kind === 'content-length-range') return checked;
  const { field, text } = checked;
  if (isExemptField(field)) fail('INVALID_FORM_FIELD', `condition ${text}: S3 checks no condition on ${field}`);
  const problem = SIGNER_FIELDS.has(field) ? undefined : formFieldProblem(field);
  if (problem !== undefined) fail('INVALID_FORM_FIELD', `condition ${text}: ${problem}`);
  if (checked.kind === 'starts-with') checkPrefix(checked);
  return checked;
}

/**
 * Refuses conditions that no form could meet: a value the options fix that a condition does not
 * accept, two different exact values, prefixes that exclude each other, or two different size
 * ranges. A key ending in `${filename}` is fixed only up to the variable.
 */
function checkSatisfiable(conditions: readonly CheckedCondition[], fixed: ReadonlyMap<string, string>): void {
  const conflict = (what: string, list: readonly CheckedCondition[]): never =>
    fail('CONFLICTING_CONDITION', `no form can meet the conditions on ${what} (${list.map((c) => c.text).join(', ')})`);
  const byField = new Map<string, FieldCondition[]>();
  const ranges = conditions.filter((c) => c.kind === 'content-length-range');
  if (ranges.some((r) => r.min !== ranges[0]!.min || r.max !== ranges[0]!.max)) conflict('the size', ranges);
  for (const condition of conditions) {
    if (condition.kind !== 'content-length-range') {
      byField.set(condition.field, [...(byField.get(condition.field) ?? []), condition]);
    }
  }
  for (const [field, list] of byField) {
    let value = fixed.get(field);
    const prefixes = list.flatMap((c) => (c.kind === 'starts-with' ? [c.value] : []));
    if (field === 'key' && value?.endsWith(FILENAME_VARIABLE)) {
      prefixes.push(value.slice(0, -FILENAME_VARIABLE.length));
      value = undefined;
    }
    value ??= list.find((c) => c.kind === 'eq')?.value;
    const holds =
      value === undefined
        ? prefixes.every((a) => prefixes.every((b) => a.startsWith(b) || b.startsWith(a)))
        : list.every((c) => conditionHolds(c, value));
    if (!holds) conflict(field, list);
  }
}

/**
 * Presigns a POST upload: returns the URL and the form fields, with the policy and its signature.
 * Throws {@link SigV4Error} for invalid options, among them `POST_NOT_SUPPORTED` (Cloudflare R2),
 * `INVALID_CONTENT_LENGTH_RANGE`, `CONFLICTING_CONDITION` and `INVALID_FORM_FIELD`.
 *
 * @example
 * ```ts
 * const post = presignPost({
 *   bucket: 'uploads', region: 'eu-west-1', credentials,
 *   key: 'user/42/avatar.png', contentType: 'image/png', contentLengthRange: [1, 1_048_576],
 *   successActionStatus: 201,
 * });
 * // <form action="{post.url}" method="post" enctype="multipart/form-data">: post.fields as hidden
 * // inputs in order, then <input type="file" name="file">.
 * ```
 */
export function presignPost(options: PresignPostOptions): PresignedPost {
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'options must be an object');
  // A misspelt option would be silently left out of the policy: `maxSize` would lift the size cap.
  checkOptionNames(options, OPTION_NAMES);
  const base = s3Url(options);
  refuseR2(options);
  const url = splitUrl(base).path === '/' ? base + '/' : base;
  const { accessKeyId, secretAccessKey, xAmzDate, signedAt, expiresIn } = signerBasics(
    { credentials: options.credentials, expiresIn: options.expiresIn, credentialExpiry: options.credentialExpiry },
    options.signingDate ?? new Date(),
  );
  const { sessionToken } = options.credentials; // checked by signerBasics
  const backend = options.backend ?? defaultBackend();
  if (typeof backend?.hmacHex !== 'function') fail('INVALID_OPTION', 'backend must be a HashBackend');

  const { key, condition: keyCondition } = keyField(options);
  const fields = allFields(options, key);
  const scope = credentialScope(xAmzDate, options.region, 's3');
  const signerFields: [string, string][] = [
    ['x-amz-algorithm', ALGORITHM],
    ['x-amz-credential', `${accessKeyId}/${scope}`],
    ['x-amz-date', xAmzDate],
  ];
  if (sessionToken) signerFields.push(['x-amz-security-token', sessionToken]); // '' counts as none

  const derived: PostCondition[] = [{ bucket: options.bucket }, keyCondition];
  for (const [lower, [name, value]] of fields) if (lower !== 'key') derived.push({ [name]: value });
  if (options.contentLengthRange !== undefined) {
    derived.push(['content-length-range', ...checkRange(options.contentLengthRange)]);
  }
  const { contentType } = options;
  if (typeof contentType === 'object' && contentType !== null) {
    const prefix: PostCondition = [
      'starts-with',
      '$Content-Type',
      fieldValue('contentType.startsWith', contentType.startsWith),
    ];
    checkPrefix(checkedCondition(prefix) as FieldCondition);
    derived.push(prefix);
  }
  const extra = options.conditions ?? [];
  if (!Array.isArray(extra)) fail('INVALID_OPTION', 'conditions must be an array');
  const signerConditions = signerFields.map(([name, value]): PostCondition => ({ [name]: value }));
  // Every value the form will carry as the options fix it, to test the caller's conditions against.
  const fixed = new Map<string, string>([['bucket', options.bucket], ...signerFields]);
  for (const [lower, [, value]] of fields) fixed.set(lower, value);
  checkSatisfiable([...derived.map(checkedCondition), ...extra.map(callerCondition)], fixed);
  const conditions = [...derived, ...extra, ...signerConditions];

  const expiresAt = new Date(signedAt + expiresIn * 1000);
  const policyDocument: PostPolicyDocument = { expiration: expiresAt.toISOString().replace('.000Z', 'Z'), conditions };
  const policy = encodePolicy(policyDocument);
  const signed = signature(
    backend,
    signingKey(backend, secretAccessKey, dateStamp(xAmzDate), options.region, 's3'),
    policy,
  );
  const form: Record<string, string> = {};
  for (const [name, value] of fields.values()) form[name] = value;
  for (const [name, value] of signerFields) form[name] = value;
  form['policy'] = policy;
  form['x-amz-signature'] = signed;
  return { url, fields: form, policy, policyDocument, expiresAt, signature: signed };
}
