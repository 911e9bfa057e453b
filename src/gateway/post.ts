/**
 * The gateway's POST route: browser form uploads under a presigned POST policy, as S3 takes them.
 * A `multipart/form-data` POST to a bucket path (path style: `POST /bucket`) is read as it streams
 * ({@link readUploadForm}: the fields before the file, capped at 20 KB), checked by
 * {@link verifyPresignedPost} (the bucket from the path, never from a field), and its file is
 * stored under `bucket/key`, the key a presigned GET of `/bucket/key` reads, all or nothing: the
 * size range and any digest the form pins (`Content-MD5`, `x-amz-checksum-*`) are enforced while
 * the file streams, and nothing is stored when one fails.
 *
 * The answer follows the form, as S3's: a 303 to `success_action_redirect` (or `redirect`) with
 * `bucket`, `key` and `etag` in its query; else `success_action_status` 200 (empty), 201 (a
 * `PostResponse` XML document) or 204, the default.
 *
 * @example
 * ```ts
 * if (isFormUpload(request.method, request.url)) return formUpload(request, path, config);
 * ```
 * @module
 */
import { percentDecode, toHex, uriEncode, escapeXml } from '../core/encoding.js';
import type { HashBackend } from '../core/hash.js';
import { hasControlCharacter, printable } from '../core/rules.js';
import { hostKey, splitUrl } from '../core/url.js';
import { checkPostSize, verifyPresignedPost, type PostVerifySuccess } from '../verify/post.js';
import type { SecretLookup } from '../verify/verify.js';
import { BodyCheck, bodyPins, tooLarge } from './body.js';
import type { DigestFactory } from './digests.js';
import { GatewayRefusal, type GatewayErrorCode } from './errors.js';
import type { GatewayRequest, GatewayResponse, GatewayStorage } from './types.js';
import { MAX_PRE_FILE_BYTES, readUploadForm } from './multipart.js';

/** What the POST route needs of the gateway's configuration. */
export interface FormUploadConfig {
  readonly storage: GatewayStorage;
  /** The hosts served here (keys of `hostList`): a form posted to another host is refused. Default: any. */
  readonly hosts?: ReadonlySet<string> | undefined;
  readonly secretFor: SecretLookup;
  /** Allowed signing regions. Default: any. */
  readonly regions?: readonly string[] | undefined;
  /** The clock, for tests. Default: the system clock. */
  readonly now?: (() => Date) | undefined;
  readonly backend?: HashBackend | undefined;
  /** The largest file a form may carry, whatever its policy allows. */
  readonly maxObjectSize: number;
  readonly digests: DigestFactory;
}

/** Room for what a form holds besides its fields and file: delimiters, part headers, parts after the file. */
const FORM_OVERHEAD = 64 * 1024;

/** A presigned URL's own signature: a POST that carries one is not a form upload. */
const QUERY_SIGNATURE = /[?&]x-amz-(?:signature|credential)=/i;

/**
 * Whether a request is a browser form upload: a POST that is not itself a presigned URL (a
 * presigned POST such as CreateMultipartUpload carries `X-Amz-Signature` in its query).
 *
 * @example
 * ```ts
 * isFormUpload('POST', 'http://127.0.0.1:8080/uploads'); // true
 * isFormUpload('POST', 'http://127.0.0.1:8080/uploads/k?uploads&X-Amz-Signature=…'); // false
 * ```
 */
export const isFormUpload = (method: string, url: string): boolean => method === 'POST' && !QUERY_SIGNATURE.test(url);

const refuse = (code: GatewayErrorCode, message: string): never => {
  throw new GatewayRefusal(code, message);
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bucket a path names: one non-empty segment (a trailing `/` allowed), percent-decoded. */
function bucketOf(path: string): string {
  const segment = /^\/([^/]+)\/?$/.exec(path)?.[1];
  let bucket: string | undefined;
  try {
    bucket = segment === undefined ? undefined : utf8.decode(percentDecode(segment));
  } catch {
    bucket = undefined; // not UTF-8
  }
  if (bucket === undefined || bucket.includes('/')) {
    return refuse('InvalidURI', 'a form upload goes to a bucket path, such as POST /uploads');
  }
  return bucket;
}

/**
 * The file's chunks with the policy's size range enforced as they pass: over the maximum at the
 * chunk that crosses it, under the minimum at the end, before storage can commit anything.
 */
async function* sizeChecked(
  chunks: AsyncIterable<Uint8Array>,
  range: PostVerifySuccess['contentLengthRange'],
  refused: (refusal: GatewayRefusal) => never,
): AsyncGenerator<Uint8Array, void, undefined> {
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    const over = range !== undefined && size > range[1] ? checkPostSize(range, size) : undefined;
    if (over !== undefined) refused(new GatewayRefusal(over.code, over.message));
    yield chunk;
  }
  const under = checkPostSize(range, size);
  if (under !== undefined) refused(new GatewayRefusal(under.code, under.message));
}

/** A `success_action_redirect` S3 can use: an absolute http(s) URL with nothing a header cannot carry. */
const usableRedirect = (url: string | undefined): url is string =>
  url !== undefined && /^https?:\/\/[^/?#\s]/i.test(url) && !hasControlCharacter(url) && !/[^\u0021-\u007e]/.test(url);

const encoder = new TextEncoder();

/** S3's answer to a stored upload: the redirect, or the status the form asked for. */
function answer(request: GatewayRequest, bucket: string, verdict: PostVerifySuccess, etag: string): GatewayResponse {
  const { scheme, host } = splitUrl(request.url);
  const location = `${scheme}://${host}/${uriEncode(bucket, false)}/${uriEncode(verdict.key, true)}`;
  const headers: Record<string, string> = {
    etag: `"${etag}"`,
    location,
    'content-length': '0',
    'x-content-type-options': 'nosniff',
  };
  const redirect = verdict.successActionRedirect;
  if (usableRedirect(redirect)) {
    const query = `bucket=${uriEncode(bucket, false)}&key=${uriEncode(verdict.key, false)}&etag=${uriEncode(`"${etag}"`, false)}`;
    headers['location'] = redirect + (redirect.includes('?') ? '&' : '?') + query;
    return { status: 303, headers, body: null };
  }
  if (verdict.successActionStatus !== 201) return { status: verdict.successActionStatus, headers, body: null };
  const body = encoder.encode(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket)}</Bucket>` +
      `<Key>${escapeXml(verdict.key)}</Key><ETag>${escapeXml(`"${etag}"`)}</ETag></PostResponse>`,
  );
  return {
    status: 201,
    headers: { ...headers, 'content-type': 'application/xml', 'content-length': String(body.length) },
    body,
  };
}

/**
 * Serves a form upload: reads the form, verifies it, stores the file and answers as S3 does.
 * Throws a {@link GatewayRefusal} with S3's code when the form is refused; nothing is stored then.
 *
 * @example
 * ```ts
 * const response = await formUpload(request, '/uploads', { storage, secretFor, maxObjectSize: 2 ** 30, digests });
 * response.status; // 204, 201, 200 or 303
 * ```
 */
export async function formUpload(
  request: GatewayRequest,
  path: string,
  config: FormUploadConfig,
): Promise<GatewayResponse> {
  // A form signs no host, but the gateway answers only to its own names, as for URLs.
  const { scheme, host } = splitUrl(request.url);
  const sent = request.headers.get('host');
  const served = sent === null ? host : splitUrl(`${scheme}://${sent.trim()}/`).host;
  if (config.hosts !== undefined && !config.hosts.has(hostKey(served)!)) {
    refuse('HostNotAllowed', `this form was posted to ${printable(served)}, which is not served here`);
  }
  const bucket = bucketOf(path);
  // A body declared longer than any form the gateway could take is refused before it is read.
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > config.maxObjectSize + MAX_PRE_FILE_BYTES + FORM_OVERHEAD) {
    refuse('EntityTooLarge', tooLarge(config.maxObjectSize));
  }
  const form = await readUploadForm(request.body, request.headers.get('content-type'));
  if (!form.ok) return refuse(form.code, form.message);
  const { file } = form;
  const verdict = await verifyPresignedPost(
    { bucket, fields: form.fields, filename: file.filename },
    { secretFor: config.secretFor, regions: config.regions, now: config.now?.(), backend: config.backend },
  );
  if (!verdict.ok || (verdict.contentType !== undefined && hasControlCharacter(verdict.contentType))) {
    await file.content[Symbol.asyncIterator]().return?.(); // the file is not read: release the body
    if (!verdict.ok) return refuse(verdict.code, verdict.message);
    return refuse('InvalidArgument', 'the Content-Type field has a control character');
  }
  // A form pins its file as a PUT's headers do (Content-MD5, x-amz-checksum-*), in its fields.
  const check = new BodyCheck(
    bodyPins((name) => verdict.fields[name]),
    config.maxObjectSize,
    config.digests,
  );
  const md5 = config.digests('md5');
  let refusal: GatewayRefusal | undefined;
  const refused = (why: GatewayRefusal): never => {
    refusal = why;
    throw why;
  };
  async function* hashed(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of chunks) {
      md5.update(chunk);
      yield chunk;
    }
  }
  try {
    const body = hashed(sizeChecked(check.read(file.content), verdict.contentLengthRange, refused));
    await config.storage.put(`${bucket}/${verdict.key}`, body, verdict.contentType);
  } catch (error) {
    // The refusal wins over whatever the storage made of it.
    throw check.refusal ?? refusal ?? error;
  }
  return answer(request, bucket, verdict, toHex(md5.digest()));
}
