/**
 * Amazon S3 (and S3-compatible stores: R2, MinIO, Ceph, B2) on top of the core signer: name a
 * bucket, a key and an operation, and get back the presigned URL with the headers the client
 * must send.
 *
 * Keys are sacred: a key is a plain (decoded) string, and every byte of it reaches the server as
 * written. `a/../b`, `//x/`, `%41`, `+` and NFC/NFD forms stay distinct, because the URL is
 * built as a string and never passed through `new URL`, which would resolve dot segments.
 *
 * Addressing follows the AWS SDKs: virtual-hosted style (`bucket.s3.region.amazonaws.com`) by
 * default, including in us-east-1 (the regional name works for every bucket there, where the
 * global `s3.amazonaws.com` redirects buckets of other regions); path style on request, for
 * an endpoint that is an IP address or `localhost`, and for a bucket name with dots over https
 * (its virtual host would not match the TLS certificate).
 *
 * @example
 * ```ts
 * const upload = presignPutObject({
 *   bucket: 'examplebucket', key: 'photos/cat 1.png', region: 'eu-west-1', credentials,
 *   contentType: 'image/png',
 * });
 * await fetch(upload.url, { method: upload.method, headers: upload.headers, body });
 * ```
 * @module
 */
import { uriEncode } from '../core/encoding.js';
import { SigV4Error } from '../core/errors.js';
import {
  checkFlag,
  checkOptionNames,
  checkRegion,
  readHeaders,
  type HeadersInit,
  type HeaderValue,
} from '../core/rules.js';
import { presignDetailed, type PresignOptions, type PresignResult } from './presign.js';
import { splitUrl } from '../core/url.js';

/** Where an S3 bucket lives and how to address it. Only `bucket` and `region` are required. */
export interface S3Location {
  /** Bucket name, checked against S3's naming rules. */
  readonly bucket: string;
  /** Signing region, such as `eu-west-1`; `auto` for Cloudflare R2. */
  readonly region: string;
  /**
   * Base URL of an S3-compatible store, such as `http://127.0.0.1:9000` or
   * `https://ACCOUNT.r2.cloudflarestorage.com`; a path prefix is kept. Default: AWS.
   */
  readonly endpoint?: string | undefined;
  /** Put the bucket in the path (`host/bucket/key`) instead of the host name. Default false. */
  readonly forcePathStyle?: boolean | undefined;
  /** AWS dual-stack (IPv4 + IPv6) endpoint. */
  readonly dualStack?: boolean | undefined;
  /** AWS Transfer Acceleration endpoint (`bucket.s3-accelerate.amazonaws.com`). */
  readonly accelerate?: boolean | undefined;
}

/** The signing options every S3 operation shares; they mean what they mean in {@link presign}. */
export type S3SigningOptions = Pick<
  PresignOptions,
  'credentials' | 'expiresIn' | 'signingDate' | 'sessionTokenMode' | 'credentialExpiry' | 'backend'
> & {
  /**
   * More headers to sign (such as `cache-control` or SSE-C headers). Each is signed as a header
   * and must be sent with the request; none may repeat a header set by a named option.
   */
  readonly headers?: HeadersInit | undefined;
};

/** An object in a bucket, with the signing options. */
export interface S3ObjectOptions extends S3Location, S3SigningOptions {
  /** The object key as a plain string (not percent-encoded): 1 to 1024 UTF-8 bytes. */
  readonly key: string;
  /**
   * A key that starts with `/` is refused with `INVALID_KEY` unless this is true: `/photo.jpg` is
   * a different key from `photo.jpg`, and almost always a mistake.
   */
  readonly allowLeadingSlash?: boolean | undefined;
}

/** Query parameters of GetObject that set the response's headers. */
export interface S3ResponseOverrides {
  readonly responseContentType?: string | undefined;
  readonly responseContentDisposition?: string | undefined;
  readonly responseCacheControl?: string | undefined;
  readonly responseContentLanguage?: string | undefined;
  readonly responseContentEncoding?: string | undefined;
  /** An HTTP-date string, or a Date (sent as its `toUTCString()`). */
  readonly responseExpires?: string | Date | undefined;
}

/** Options of presigned GetObject. */
export interface GetObjectOptions extends S3ObjectOptions, S3ResponseOverrides {
  /** Read this version of the object. */
  readonly versionId?: string | undefined;
}

/** Options of HeadObject and DeleteObject. */
export interface VersionedObjectOptions extends S3ObjectOptions {
  readonly versionId?: string | undefined;
}

/** A checksum that S3 verifies against the uploaded bytes; `value` is base64. */
export interface S3Checksum {
  readonly algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
  readonly value: string;
}

/** Properties of a new object, signed as headers so that the uploader cannot change them. */
export interface S3ObjectProperties {
  readonly contentType?: string | undefined;
  /** User metadata: each entry is sent as `x-amz-meta-NAME`. Values must be printable ASCII. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** `x-amz-server-side-encryption`: `AES256`, `aws:kms` or `aws:kms:dsse`. */
  readonly serverSideEncryption?: string | undefined;
  /** `x-amz-server-side-encryption-aws-kms-key-id`. */
  readonly sseKmsKeyId?: string | undefined;
  /** Object tags, sent URL-encoded in `x-amz-tagging`. */
  readonly tagging?: Readonly<Record<string, string>> | undefined;
  /** Canned ACL (`x-amz-acl`), such as `private`. */
  readonly acl?: string | undefined;
  /** `x-amz-storage-class`, such as `STANDARD_IA`. */
  readonly storageClass?: string | undefined;
}

/** Facts about the body, signed so that the uploader must send exactly that body. */
export interface S3BodyProperties {
  /** The body's size in bytes. */
  readonly contentLength?: number | undefined;
  /** Base64 MD5 of the body. */
  readonly contentMd5?: string | undefined;
  /** No checksum is signed unless one is given here. */
  readonly checksum?: S3Checksum | undefined;
}

/** Options of presigned PutObject. */
export interface PutObjectOptions extends S3ObjectOptions, S3ObjectProperties, S3BodyProperties {}

/** Options of presigned CreateMultipartUpload (a POST to `?uploads`). */
export interface CreateMultipartUploadOptions extends S3ObjectOptions, S3ObjectProperties {}

/** Names one multipart upload. */
export interface MultipartUploadOptions extends S3ObjectOptions {
  /** The `UploadId` that CreateMultipartUpload returned. */
  readonly uploadId: string;
}

/** Options of presigned UploadPart. */
export interface UploadPartOptions extends MultipartUploadOptions, S3BodyProperties {
  /** The part number: an integer in 1..10000. */
  readonly partNumber: number;
}

// S3's general-purpose bucket rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
const BUCKET_SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4_SHAPE = /^\d+\.\d+\.\d+\.\d+$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Throws `INVALID_BUCKET_NAME` unless `bucket` follows S3's naming rules for general-purpose
 * buckets (the rules also keep the name safe to put in a host name).
 *
 * @example
 * ```ts
 * checkBucketName('my-photos'); // 'my-photos'
 * checkBucketName('My_Photos'); // throws SigV4Error INVALID_BUCKET_NAME
 * ```
 */
export function checkBucketName(bucket: unknown): string {
  const invalid = (why: string): never => {
    throw new SigV4Error('INVALID_BUCKET_NAME', `invalid bucket name ${JSON.stringify(bucket)}: ${why}`);
  };
  if (typeof bucket !== 'string') return invalid('it must be a string');
  if (!BUCKET_SHAPE.test(bucket)) {
    invalid('use 3 to 63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit');
  }
  if (bucket.includes('..')) invalid('it must not hold two adjacent periods');
  if (IPV4_SHAPE.test(bucket)) invalid('it must not look like an IP address');
  for (const prefix of RESERVED_PREFIXES) if (bucket.startsWith(prefix)) invalid(`the prefix ${prefix} is reserved`);
  for (const suffix of RESERVED_SUFFIXES) if (bucket.endsWith(suffix)) invalid(`the suffix ${suffix} is reserved`);
  return bucket;
}

const MAX_KEY_BYTES = 1024;
// A lone UTF-16 surrogate has no UTF-8 form: encoding it would upload a different key.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextEncoder();

/**
 * Throws `INVALID_KEY` unless `key` is a non-empty string of at most 1024 UTF-8 bytes, with no
 * lone surrogate. Any other key is valid, `..` and `//` included.
 *
 * @example
 * ```ts
 * checkObjectKey('a/../b');           // 'a/../b'
 * checkObjectKey('');                 // throws SigV4Error INVALID_KEY
 * checkObjectKey('/photo.jpg');       // throws SigV4Error INVALID_KEY: a leading slash
 * checkObjectKey('/photo.jpg', true); // '/photo.jpg'
 * ```
 */
export function checkObjectKey(key: unknown, allowLeadingSlash = false): string {
  if (typeof key !== 'string' || key === '')
    throw new SigV4Error('INVALID_KEY', 'the object key must be a non-empty string');
  if (key.startsWith('/') && !allowLeadingSlash) {
    throw new SigV4Error(
      'INVALID_KEY',
      `the object key ${JSON.stringify(key.slice(0, 40))} starts with "/": S3 keys usually do not, and ` +
        `"${key.replace(/^\/+/, '').slice(0, 40)}" is another key; pass allowLeadingSlash: true if the slash is meant`,
    );
  }
  if (LONE_SURROGATE.test(key))
    throw new SigV4Error('INVALID_KEY', 'the object key holds a lone UTF-16 surrogate, which has no UTF-8 form');
  if (utf8.encode(key).length > MAX_KEY_BYTES) {
    throw new SigV4Error('INVALID_KEY', `the object key is longer than ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
  return key;
}

const LOOPBACK_NAME = 'localhost';
const IP_HOST = /^(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\])(?::\d+)?$/;

function invalidOption(message: string): never {
  throw new SigV4Error('INVALID_OPTION', message);
}

/** The origin and path prefix of the bucket's URL, before the key. */
function bucketBase(location: S3Location): string {
  if (typeof location !== 'object' || location === null) invalidOption('the bucket location must be an object');
  const bucket = checkBucketName(location.bucket);
  const region = checkRegion(location.region);
  const { endpoint, forcePathStyle = false, dualStack = false, accelerate = false } = location;
  for (const [name, value] of Object.entries({ forcePathStyle, dualStack, accelerate })) {
    if (typeof value !== 'boolean') invalidOption(`${name} must be true or false`);
  }
  if (endpoint !== undefined) {
    if (dualStack || accelerate)
      invalidOption('dualStack and accelerate name AWS endpoints; they cannot be used with endpoint');
    const base = splitUrl(endpoint);
    if (base.query !== '') throw new SigV4Error('INVALID_URL', 'endpoint must not carry a query');
    const prefix = base.path.replace(/\/+$/, '');
    const hostname = base.host.replace(/:\d+$/, '');
    const pathStyle =
      forcePathStyle ||
      IP_HOST.test(base.host) ||
      hostname === LOOPBACK_NAME ||
      (bucket.includes('.') && base.scheme === 'https');
    return pathStyle
      ? `${base.scheme}://${base.host}${prefix}/${bucket}`
      : `${base.scheme}://${bucket}.${base.host}${prefix}`;
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const dualStackLabel = dualStack ? 'dualstack.' : '';
  if (accelerate) {
    if (forcePathStyle || bucket.includes('.')) {
      invalidOption('accelerate needs a virtual-hosted bucket without dots in its name (no forcePathStyle)');
    }
    return `https://${bucket}.s3-accelerate.${dualStackLabel}${suffix}`;
  }
  const service = `s3.${dualStackLabel}${region}.${suffix}`;
  return forcePathStyle || bucket.includes('.') ? `https://${service}/${bucket}` : `https://${bucket}.${service}`;
}

/**
 * The unsigned URL of a bucket, or of an object in it when `key` is given. The key is
 * percent-encoded byte for byte, `/` kept; a key with a leading `/` needs `allowLeadingSlash`.
 *
 * @example
 * ```ts
 * s3Url({ bucket: 'photos', region: 'us-east-1' }, 'a/../b c');
 * // 'https://photos.s3.us-east-1.amazonaws.com/a/../b%20c'
 * s3Url({ bucket: 'photos', region: 'auto', endpoint: 'http://127.0.0.1:9000' }, 'k');
 * // 'http://127.0.0.1:9000/photos/k'
 * ```
 */
export function s3Url(location: S3Location, key?: string, allowLeadingSlash = false): string {
  const base = bucketBase(location);
  return key === undefined ? base : `${base}/${uriEncode(checkObjectKey(key, allowLeadingSlash), true)}`;
}

type QueryValue = string | undefined;

/** `name=value&...` for the parameters that are set; a `null` value gives a bare name (`?uploads`). */
function queryString(parameters: ReadonlyArray<readonly [string, QueryValue | null]>): string {
  const pieces: string[] = [];
  for (const [name, value] of parameters) {
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      if (value === null) pieces.push(name);
      else invalidOption(`${name} must be a string`);
    } else pieces.push(`${name}=${uriEncode(value, false)}`);
  }
  return pieces.join('&');
}

/** Adds the caller's extra headers to the named ones, refusing a header set twice. */
function mergeHeaders(named: Record<string, HeaderValue>, extra: S3SigningOptions['headers']): HeadersInit {
  if (extra === undefined) return named;
  const entries =
    readHeaders(extra) ??
    invalidOption('headers must be a plain object, a Headers, a Map or an array of [name, value] pairs');
  const merged: [string, HeaderValue][] = Object.entries(named);
  for (const [name, values] of entries) {
    const lower = name.toLowerCase();
    if (named[lower] !== undefined) invalidOption(`header ${lower} is set twice: by an option and in headers`);
    merged.push([name, values as string[]]);
  }
  return merged;
}

/** The parts of a request that differ by operation. */
interface Operation {
  readonly query?: string;
  readonly headers?: Record<string, HeaderValue>;
}

/** The option names of {@link S3Location}: where a bucket is (presigned POST takes them too). */
export const LOCATION_OPTIONS = ['bucket', 'region', 'endpoint', 'forcePathStyle', 'dualStack', 'accelerate'] as const;

/** The option names every object operation takes: where, who, and which key. */
const OBJECT_OPTIONS = [
  ...LOCATION_OPTIONS,
  'credentials',
  'expiresIn',
  'signingDate',
  'sessionTokenMode',
  'credentialExpiry',
  'backend',
  'headers',
  'key',
  'allowLeadingSlash',
] as const;
const PROPERTY_OPTIONS = [
  'contentType',
  'metadata',
  'serverSideEncryption',
  'sseKmsKeyId',
  'tagging',
  'acl',
  'storageClass',
];
const BODY_OPTIONS = ['contentLength', 'contentMd5', 'checksum'];
/** The option names of an operation: the object options and its own. */
const optionNames = (...own: string[]): ReadonlySet<string> => new Set([...OBJECT_OPTIONS, ...own]);
const GET_OPTIONS = optionNames(
  'versionId',
  'responseContentType',
  'responseContentDisposition',
  'responseCacheControl',
  'responseContentLanguage',
  'responseContentEncoding',
  'responseExpires',
);
const VERSIONED_OPTIONS = optionNames('versionId');
const PUT_OPTIONS = optionNames(...PROPERTY_OPTIONS, ...BODY_OPTIONS);
const CREATE_MULTIPART_OPTIONS = optionNames(...PROPERTY_OPTIONS);
const UPLOAD_PART_OPTIONS = optionNames('uploadId', 'partNumber', ...BODY_OPTIONS);
const UPLOAD_ID_OPTIONS = optionNames('uploadId');

/**
 * Signs one S3 request for an object; `operation` reads its own options once they are known to be
 * an object with only the names in `known`.
 */
function presignObject<T extends S3ObjectOptions>(
  method: string,
  options: T,
  known: ReadonlySet<string>,
  operation: (options: T) => Operation,
): PresignResult {
  if (typeof options !== 'object' || options === null) invalidOption('options must be an object');
  checkOptionNames(options, known);
  const url = s3Url(options, options.key, checkFlag('allowLeadingSlash', options.allowLeadingSlash, false));
  const { query = '', headers = {} } = operation(options);
  return presignDetailed({
    method,
    url: query === '' ? url : `${url}?${query}`,
    region: options.region,
    service: 's3',
    credentials: options.credentials,
    expiresIn: options.expiresIn,
    signingDate: options.signingDate,
    headers: mergeHeaders(headers, options.headers),
    sessionTokenMode: options.sessionTokenMode,
    credentialExpiry: options.credentialExpiry,
    backend: options.backend,
  });
}

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** The headers of {@link S3ObjectProperties}. */
function propertyHeaders(options: S3ObjectProperties): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {
    'content-type': options.contentType,
    'x-amz-server-side-encryption': options.serverSideEncryption,
    'x-amz-server-side-encryption-aws-kms-key-id': options.sseKmsKeyId,
    'x-amz-acl': options.acl,
    'x-amz-storage-class': options.storageClass,
  };
  if (options.tagging !== undefined) {
    headers['x-amz-tagging'] = queryString(Object.entries(options.tagging));
  }
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    headers[`x-amz-meta-${name.toLowerCase()}`] = checkMetadataValue(name, value);
  }
  return headers;
}

/**
 * Returns a metadata value, or throws `INVALID_HEADER_VALUE` unless it is printable ASCII: S3
 * keeps metadata as US-ASCII, and fetch could not send other bytes as signed.
 *
 * @example
 * ```ts
 * checkMetadataValue('author', 'J. Doe'); // 'J. Doe'
 * ```
 */
export function checkMetadataValue(name: string, value: unknown): string {
  if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value)) {
    throw new SigV4Error('INVALID_HEADER_VALUE', `metadata ${name} must be a string of printable ASCII`);
  }
  return value;
}

const CHECKSUM_ALGORITHMS: ReadonlySet<string> = new Set(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The headers of {@link S3BodyProperties}. */
function bodyHeaders(options: S3BodyProperties): Record<string, HeaderValue> {
  const { contentLength, contentMd5, checksum } = options;
  if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) {
    throw new SigV4Error('INVALID_HEADER_VALUE', 'contentLength must be a non-negative integer');
  }
  if (contentMd5 !== undefined && !(typeof contentMd5 === 'string' && BASE64.test(contentMd5))) {
    throw new SigV4Error('INVALID_HEADER_VALUE', 'contentMd5 must be the base64 MD5 of the body');
  }
  const headers: Record<string, HeaderValue> = { 'content-length': contentLength, 'content-md5': contentMd5 };
  if (checksum !== undefined) {
    const [name, value] = checksumField(checksum);
    headers[name] = value;
  }
  return headers;
}

/**
 * The header (or POST form field) that carries a checksum, with its value: `x-amz-checksum-crc32`
 * and so on. Throws for an unknown algorithm or a value that is not base64.
 *
 * @example
 * ```ts
 * checksumField({ algorithm: 'SHA256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' });
 * // ['x-amz-checksum-sha256', 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=']
 * ```
 */
export function checksumField(checksum: S3Checksum): [name: string, value: string] {
  if (typeof checksum !== 'object' || checksum === null || !CHECKSUM_ALGORITHMS.has(checksum.algorithm)) {
    invalidOption(`checksum.algorithm must be one of ${[...CHECKSUM_ALGORITHMS].join(', ')}`);
  }
  if (typeof checksum.value !== 'string' || !BASE64.test(checksum.value)) {
    throw new SigV4Error('INVALID_HEADER_VALUE', 'checksum.value must be base64');
  }
  return [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`, checksum.value];
}

/** `responseExpires` as the HTTP-date S3 expects. */
function httpDate(value: string | Date | undefined): string | undefined {
  if (!(value instanceof Date)) return value;
  if (!Number.isFinite(value.getTime())) invalidOption('responseExpires must be a valid Date');
  return value.toUTCString();
}

/**
 * Presigns GetObject: download an object, optionally one version, optionally with response
 * headers overridden.
 *
 * @example
 * ```ts
 * const { url } = presignGetObject({ bucket: 'photos', key: 'cat.png', region: 'us-east-1', credentials,
 *   responseContentDisposition: 'attachment; filename="cat.png"' });
 * ```
 */
export function presignGetObject(options: GetObjectOptions): PresignResult {
  return presignObject('GET', options, GET_OPTIONS, (o) => ({
    query: queryString([
      ['versionId', o.versionId],
      ['response-content-type', o.responseContentType],
      ['response-content-disposition', o.responseContentDisposition],
      ['response-cache-control', o.responseCacheControl],
      ['response-content-language', o.responseContentLanguage],
      ['response-content-encoding', o.responseContentEncoding],
      ['response-expires', httpDate(o.responseExpires)],
    ]),
  }));
}

/**
 * Presigns HeadObject: read an object's metadata.
 *
 * @example
 * ```ts
 * const { url } = presignHeadObject({ bucket: 'photos', key: 'cat.png', region: 'us-east-1', credentials });
 * ```
 */
export function presignHeadObject(options: VersionedObjectOptions): PresignResult {
  return presignObject('HEAD', options, VERSIONED_OPTIONS, (o) => ({
    query: queryString([['versionId', o.versionId]]),
  }));
}

/**
 * Presigns DeleteObject.
 *
 * @example
 * ```ts
 * const { url } = presignDeleteObject({ bucket: 'photos', key: 'cat.png', region: 'us-east-1', credentials });
 * ```
 */
export function presignDeleteObject(options: VersionedObjectOptions): PresignResult {
  return presignObject('DELETE', options, VERSIONED_OPTIONS, (o) => ({
    query: queryString([['versionId', o.versionId]]),
  }));
}

/**
 * Presigns PutObject: upload an object without credentials. Every property given is signed as
 * a header, so the uploader must send it unchanged; `headers` in the result lists them all.
 *
 * @example
 * ```ts
 * const put = presignPutObject({ bucket: 'photos', key: 'cat.png', region: 'us-east-1', credentials,
 *   contentType: 'image/png', metadata: { owner: 'alice' } });
 * await fetch(put.url, { method: 'PUT', headers: put.headers, body });
 * ```
 */
export function presignPutObject(options: PutObjectOptions): PresignResult {
  return presignObject('PUT', options, PUT_OPTIONS, (o) => ({ headers: { ...propertyHeaders(o), ...bodyHeaders(o) } }));
}

/**
 * Presigns CreateMultipartUpload (`POST ?uploads`). The object's properties are signed here,
 * not on the parts.
 *
 * @example
 * ```ts
 * const create = presignCreateMultipartUpload({ bucket: 'videos', key: 'big.mp4', region: 'us-east-1', credentials });
 * const xml = await (await fetch(create.url, { method: 'POST', headers: create.headers })).text();
 * ```
 */
export function presignCreateMultipartUpload(options: CreateMultipartUploadOptions): PresignResult {
  return presignObject('POST', options, CREATE_MULTIPART_OPTIONS, (o) => ({
    query: queryString([['uploads', null]]),
    headers: propertyHeaders(o),
  }));
}

function checkUploadId(uploadId: unknown): string {
  if (typeof uploadId !== 'string' || uploadId === '') invalidOption('uploadId must be a non-empty string');
  return uploadId;
}

const uploadIdQuery = (options: MultipartUploadOptions): Operation => ({
  query: queryString([['uploadId', checkUploadId(options.uploadId)]]),
});

/**
 * Presigns UploadPart (`PUT ?partNumber=N&uploadId=ID`), as browser uploads of large files need.
 *
 * @example
 * ```ts
 * const part = presignUploadPart({ bucket: 'videos', key: 'big.mp4', region: 'us-east-1', credentials,
 *   uploadId, partNumber: 1 });
 * const etag = (await fetch(part.url, { method: 'PUT', body: chunk })).headers.get('etag');
 * ```
 */
export function presignUploadPart(options: UploadPartOptions): PresignResult {
  return presignObject('PUT', options, UPLOAD_PART_OPTIONS, (o) => {
    if (!Number.isInteger(o.partNumber) || o.partNumber < 1 || o.partNumber > 10000) {
      invalidOption('partNumber must be an integer in 1..10000');
    }
    const query = queryString([
      ['partNumber', String(o.partNumber)],
      ['uploadId', checkUploadId(o.uploadId)],
    ]);
    return { query, headers: bodyHeaders(o) };
  });
}

/**
 * Presigns CompleteMultipartUpload (`POST ?uploadId=ID`); the client sends the part list as
 * the XML body.
 *
 * @example
 * ```ts
 * const done = presignCompleteMultipartUpload({ bucket: 'videos', key: 'big.mp4', region: 'us-east-1',
 *   credentials, uploadId });
 * await fetch(done.url, { method: 'POST', body: completeMultipartUploadXml });
 * ```
 */
export function presignCompleteMultipartUpload(options: MultipartUploadOptions): PresignResult {
  return presignObject('POST', options, UPLOAD_ID_OPTIONS, uploadIdQuery);
}

/**
 * Presigns AbortMultipartUpload (`DELETE ?uploadId=ID`), which frees the parts uploaded so far.
 *
 * @example
 * ```ts
 * const abort = presignAbortMultipartUpload({ bucket: 'videos', key: 'big.mp4', region: 'us-east-1',
 *   credentials, uploadId });
 * await fetch(abort.url, { method: 'DELETE' });
 * ```
 */
export function presignAbortMultipartUpload(options: MultipartUploadOptions): PresignResult {
  return presignObject('DELETE', options, UPLOAD_ID_OPTIONS, uploadIdQuery);
}
