/**
 * The S3 POST policy, the one rule book that the POST signer, the POST verifier and the gateway
 * share: the document and its conditions, which form fields exist and which are exempt, how a
 * condition is checked, and the base64 the policy travels in.
 *
 * A policy is `{"expiration": "<ISO 8601>", "conditions": [...]}`, UTF-8 JSON, base64-encoded;
 * the base64 text is the string that is signed. Conditions come in three forms:
 * - exact match: `{"acl": "public-read"}` or `["eq", "$acl", "public-read"]`;
 * - prefix: `["starts-with", "$key", "user/1/"]` (an empty prefix allows any value, but the field
 *   must be sent);
 * - size: `["content-length-range", min, max]`, inclusive.
 *
 * Field names are case-insensitive; values are not.
 *
 * @example
 * ```ts
 * const policy = encodePolicy({ expiration: '2030-01-01T00:00:00Z', conditions: [{ bucket: 'photos' }] });
 * const read = decodePolicy(policy); // { expiration: 1893456000000, conditions: [{ kind: 'eq', field: 'bucket', … }] }
 * conditionHolds({ kind: 'starts-with', field: 'content-type', value: 'image/', text: '' }, 'image/png,image/gif'); // true
 * ```
 * @module
 */
import { parseAmzDate } from './rules.js';

/** A condition as a policy document writes it. */
export type PostCondition =
  | Readonly<Record<string, string>>
  | readonly [operator: 'eq' | 'starts-with', field: string, value: string]
  | readonly [operator: 'content-length-range', min: number, max: number];

/** A policy document before it is serialised. */
export interface PostPolicyDocument {
  /** ISO 8601 UTC, such as `2030-01-01T00:00:00Z`: the instant from which the policy is refused. */
  readonly expiration: string;
  readonly conditions: readonly PostCondition[];
}

/** A condition as it is checked: the field name lower-case and without its `$`. */
export type CheckedCondition =
  | {
      readonly kind: 'eq' | 'starts-with';
      readonly field: string;
      readonly value: string;
      /** The condition as JSON, for messages (S3 quotes it in "Policy Condition failed"). */
      readonly text: string;
    }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number; readonly text: string };

/** A condition on one field: `eq` or `starts-with`. */
export type FieldCondition = Extract<CheckedCondition, { readonly kind: 'eq' | 'starts-with' }>;

/** A decoded policy. */
export interface ReadPolicy {
  /** The expiration in milliseconds. */
  readonly expiration: number;
  readonly conditions: readonly CheckedCondition[];
}

/** The fields that the signer writes: options cannot set them, and S3 reads them itself. */
export const SIGNER_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'bucket',
  'policy',
  'file',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-signature',
]);

/** The SigV4 fields of a signed form: any one of them present requires all. */
export const SIGV4_FIELDS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature', 'policy'] as const;

/** The prefix of fields that the server ignores: they need no condition. */
export const IGNORED_PREFIX = 'x-ignore-';

/**
 * Whether a form field needs no condition: `policy`, `x-amz-signature`, `file` and `x-ignore-*`.
 * `name` is lower-case.
 */
export const isExemptField = (name: string): boolean =>
  name === 'policy' || name === 'x-amz-signature' || name === 'file' || name.startsWith(IGNORED_PREFIX);

// The fields of S3's POST Object that a form may set, besides the signer's: the properties of the
// new object (PutObject's headers as form fields) and what to answer.
const OBJECT_FIELDS: ReadonlySet<string> = new Set([
  'acl',
  'cache-control',
  'content-type',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-md5',
  'expires',
  'success_action_redirect',
  'redirect',
  'success_action_status',
  'tagging',
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-context',
  'x-amz-server-side-encryption-bucket-key-enabled',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-server-side-encryption-customer-key',
  'x-amz-server-side-encryption-customer-key-md5',
  'x-amz-checksum-algorithm',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
]);
const META_PREFIX = 'x-amz-meta-';
// RFC 9110 token: metadata names become header names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Why a form may not carry a field of this name from the options, or `undefined` when it may.
 * `name` is lower-case. Accepted: S3's object fields (`acl`, `content-type`, `tagging`,
 * `x-amz-storage-class`, `x-amz-server-side-encryption*`, `x-amz-checksum-*`…), `x-amz-meta-*`
 * with a token after the prefix, and `x-ignore-*`.
 */
export function formFieldProblem(name: string): string | undefined {
  if (SIGNER_FIELDS.has(name)) return `the field ${name} is written by the signer`;
  if (OBJECT_FIELDS.has(name)) return undefined;
  const rest = name.startsWith(META_PREFIX)
    ? name.slice(META_PREFIX.length)
    : name.startsWith(IGNORED_PREFIX)
      ? name.slice(IGNORED_PREFIX.length)
      : undefined;
  if (rest !== undefined && TOKEN.test(rest)) return undefined;
  return `S3 accepts no form field named ${JSON.stringify(name)}`;
}

// The fields on which S3 documents starts-with (the others take exact matches only).
const STARTS_WITH_FIELDS: ReadonlySet<string> = new Set([
  'acl',
  'key',
  'cache-control',
  'content-type',
  'content-disposition',
  'content-encoding',
  'expires',
  'success_action_redirect',
  'redirect',
]);

/** Whether S3 documents `starts-with` for a field (lower-case name): the signer writes no other. */
export const startsWithDocumented = (name: string): boolean =>
  STARTS_WITH_FIELDS.has(name) || name.startsWith(META_PREFIX);

/** Fields on which the server refuses `starts-with` outright: they are compared exactly or not at all. */
export const EXACT_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'bucket',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
]);

/**
 * Whether a field's value meets a condition; `undefined` is an absent field, which meets none.
 * For `starts-with` on `Content-Type`, a comma-separated value is a list whose every item must
 * start with the prefix (as S3 reads it; items are not trimmed).
 */
export function conditionHolds(condition: CheckedCondition, value: string | undefined): boolean {
  if (condition.kind === 'content-length-range' || value === undefined) return false;
  if (condition.kind === 'eq') return value === condition.value;
  const prefix = condition.value;
  return condition.field === 'content-type'
    ? value.split(',').every((item) => item.startsWith(prefix))
    : value.startsWith(prefix);
}

/** The `${filename}` variable of the `key` field. */
export const FILENAME_VARIABLE = '${filename}';

/**
 * The key a form names: every `${filename}` replaced by the uploaded file's name, without any
 * folder a browser may send (the text after the last `/` or `\`).
 *
 * @example
 * ```ts
 * expandFilename('user/42/${filename}', 'C:\\photos\\cat.png'); // 'user/42/cat.png'
 * ```
 */
export function expandFilename(key: string, filename: string | undefined): string {
  if (!key.includes(FILENAME_VARIABLE)) return key;
  const name = (filename ?? '').replace(/^.*[/\\]/, '');
  return key.replaceAll(FILENAME_VARIABLE, () => name);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Base64 of the UTF-8 bytes of `text`, with padding (btoa: every runtime has it). */
export function base64Utf8(text: string): string {
  const bytes = utf8Encoder.encode(text);
  let binary = '';
  // Chunks keep the argument list of fromCharCode short.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The text of canonical, padded base64 of UTF-8, or `undefined` for anything else. */
export function fromBase64Utf8(base64: string): string | undefined {
  if (!BASE64.test(base64)) return undefined;
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The `policy` field of a document: `JSON.stringify` output, base64-encoded. This text is the
 * string to sign.
 */
export const encodePolicy = (document: PostPolicyDocument): string => base64Utf8(JSON.stringify(document));

const EXPIRATION = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * Reads an ISO 8601 UTC expiration (`2015-12-30T12:00:00.000Z`, fractions optional) to
 * milliseconds, by the rule book's date rule; `undefined` for anything else or an impossible date.
 */
export function parseExpiration(value: unknown): number | undefined {
  const fields = typeof value === 'string' ? EXPIRATION.exec(value) : null;
  if (fields === null) return undefined;
  const [year, month, day, hour, minute, second, fraction = '0'] = fields.slice(1) as string[];
  const instant = parseAmzDate(`${year}${month}${day}T${hour}${minute}${second}Z`);
  return instant === undefined ? undefined : instant + Math.floor(Number(`0.${fraction}`) * 1000);
}

/** Why a policy document is refused: S3's `InvalidPolicyDocument`. */
export class PolicyProblem {
  constructor(readonly message: string) {}
}

const invalid = (message: string): never => {
  throw new PolicyProblem(`Invalid Policy: ${message}`);
};

const RANGE_BOUND = /^\d{1,16}$/;

/** A content-length-range bound: a non-negative integer, or its decimal text (S3 accepts both). */
function rangeBound(value: unknown): number {
  const number = typeof value === 'string' && RANGE_BOUND.test(value) ? Number(value) : value;
  if (!Number.isSafeInteger(number) || (number as number) < 0) {
    invalid('Invalid content-length-range: the bounds must be non-negative integers.');
  }
  return number as number;
}

/** Reads one condition of a document, or throws a {@link PolicyProblem}. */
export function checkedCondition(condition: unknown): CheckedCondition {
  const text = JSON.stringify(condition) ?? String(condition);
  if (Array.isArray(condition)) {
    const [operator, first, second] = condition as unknown[];
    if (condition.length !== 3 || typeof operator !== 'string') invalid(`Invalid Condition: ${text}`);
    const kind = (operator as string).toLowerCase();
    if (kind === 'content-length-range') {
      const min = rangeBound(first);
      const max = rangeBound(second);
      if (min > max) invalid('Invalid content-length-range: the minimum is larger than the maximum.');
      return { kind, min, max, text };
    }
    if (kind !== 'eq' && kind !== 'starts-with') invalid(`Unknown condition operator: ${JSON.stringify(operator)}`);
    if (typeof first !== 'string' || !first.startsWith('$') || first.length < 2 || typeof second !== 'string') {
      invalid(`Invalid '${kind}' condition: ${text}`);
    }
    return {
      kind: kind as 'eq' | 'starts-with',
      field: (first as string).slice(1).toLowerCase(),
      value: second as string,
      text,
    };
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    if (entries.length !== 1) {
      invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    }
    const [name, value] = entries[0]!;
    if (typeof value !== 'string')
      invalid(`Invalid Simple-Condition: the value of ${JSON.stringify(name)} must be a string.`);
    return { kind: 'eq', field: name.toLowerCase(), value: value as string, text };
  }
  return invalid(`Invalid Condition: ${text}`);
}

/**
 * Decodes a `policy` field: strict base64 of UTF-8 JSON, an object with exactly `expiration` and
 * `conditions`, and every condition well-formed. Throws a {@link PolicyProblem} otherwise.
 */
export function decodePolicy(policy: string): ReadPolicy {
  const json = fromBase64Utf8(policy) ?? invalid('the policy is not base64-encoded UTF-8.');
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    invalid('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) invalid('Invalid JSON.');
  const { expiration, conditions, ...rest } = document as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) invalid(`Unexpected field: ${JSON.stringify(unknown[0])}.`);
  const instant = parseExpiration(expiration) ?? invalid('Invalid or missing expiration.');
  if (!Array.isArray(conditions)) invalid('Invalid or missing conditions.');
  return { expiration: instant, conditions: (conditions as unknown[]).map(checkedCondition) };
}
