/**
 * One matrix of presigned POST uploads, sent as real multipart forms to any server (Ceph RGW,
 * the gateway): forms that must be accepted and stored, and each violation that must be refused
 * with nothing stored. Expected answers are S3's; where a server is known to answer otherwise,
 * the case says so and why.
 */
import { randomBytes } from 'node:crypto';
import {
  presignGetObject,
  presignPost,
  type Credentials,
  type PresignPostOptions,
  type PresignedPost,
  type S3Location,
} from '../../src/index.js';

/** A server to post to: its bucket, credentials, and a short name for messages. */
export interface PostTarget {
  readonly name: string;
  readonly location: S3Location;
  readonly credentials: Credentials;
}

/** A response read to the end. */
export interface FormResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Posts `fields` in order, then the file last, as a browser's multipart form; redirects are not followed. */
export async function sendForm(
  url: string,
  fields: Iterable<readonly [string, string]>,
  file: Uint8Array<ArrayBuffer> | undefined,
  filename = 'upload.bin',
  fileType = 'application/octet-stream',
): Promise<FormResponse> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (file !== undefined) form.append('file', new Blob([file], { type: fileType }), filename);
  const response = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Reads an object back through a presigned GET: its status, bytes and content type. */
export async function readBack(target: PostTarget, key: string) {
  const { url } = presignGetObject({ ...target.location, credentials: target.credentials, key });
  const response = await fetch(url);
  return {
    status: response.status,
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get('content-type'),
    author: response.headers.get('x-amz-meta-author'),
  };
}

/** The text of the first `<tag>` of an XML error or response body. */
export const xmlText = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

type FormFields = Record<string, string>;

/** One upload of the matrix. */
export interface PostCase {
  readonly name: string;
  /** What to sign; the location and credentials come from the target. */
  readonly options: (target: PostTarget, key: string) => PresignPostOptions;
  /** The form as sent: the signed fields, changed. Default: as signed. */
  readonly form?: (fields: FormFields, post: PresignedPost) => FormFields;
  readonly size: number;
  readonly filename?: string;
  /** S3's answer: the status, the error code, and for an accepted form the key it is stored under. */
  readonly expect: { readonly status: number; readonly code?: string; readonly storedAs?: (key: string) => string };
  /** Where Ceph RGW answers otherwise than S3, with the reason (seen on Ceph 16.2). */
  readonly ceph?: { readonly status: number; readonly code: string; readonly why: string };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** The matrix: accepted forms first, then each violation. Keys are unique per run. */
export const POST_MATRIX: readonly PostCase[] = [
  {
    name: 'accepted: exact key, content type, size range, metadata',
    options: (t, key) => ({
      ...t.location,
      credentials: t.credentials,
      key,
      contentType: 'image/png',
      contentLengthRange: [1, 4096],
      metadata: { author: 'J. Doe' },
    }),
    size: 1000,
    expect: { status: 204, storedAs: (key) => key },
  },
  {
    name: 'accepted: key prefix with ${filename}, Content-Type prefix, 201 with XML',
    options: (t, key) => ({
      ...t.location,
      credentials: t.credentials,
      keyPrefix: `${key}/`,
      contentType: { startsWith: 'image/' },
      successActionStatus: 201,
    }),
    form: (fields) => ({ ...fields, 'Content-Type': 'image/jpeg' }),
    filename: 'photo.jpg',
    size: 10,
    expect: { status: 201, storedAs: (key) => `${key}/photo.jpg` },
  },
  {
    name: 'accepted: success_action_redirect answers 303',
    options: (t, key) => ({
      ...t.location,
      credentials: t.credentials,
      key,
      successActionRedirect: 'http://localhost:9/done',
    }),
    size: 5,
    expect: { status: 303, storedAs: (key) => key },
  },
  {
    name: 'accepted: status 200, names in upper case, an x-ignore- field',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key, successActionStatus: 200 }),
    form: (fields) => ({
      ...Object.fromEntries(Object.entries(fields).map(([name, value]) => [name.toUpperCase(), value])),
      'x-ignore-tracking': 'abc',
    }),
    size: 0,
    expect: { status: 200, storedAs: (key) => key },
  },
  {
    name: 'refused: too large',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key, contentLengthRange: [1, 100] }),
    size: 101,
    expect: { status: 400, code: 'EntityTooLarge' },
  },
  {
    name: 'refused: too small',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key, contentLengthRange: [10, 100] }),
    size: 9,
    expect: { status: 400, code: 'EntityTooSmall' },
  },
  {
    name: 'refused: an extra field',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key }),
    form: (fields) => ({ ...fields, acl: 'public-read' }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: a key outside the prefix',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, keyPrefix: `${key}/mine/` }),
    form: (fields) => ({ ...fields, key: fields['key']!.replace('/mine/', '/theirs/') }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: a content type outside the prefix',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key, contentType: { startsWith: 'image/' } }),
    form: (fields) => ({ ...fields, 'Content-Type': 'text/html' }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: another exact content type',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key, contentType: 'image/png' }),
    form: (fields) => ({ ...fields, 'Content-Type': 'text/html' }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: an expired policy',
    options: (t, key) => ({
      ...t.location,
      credentials: t.credentials,
      key,
      signingDate: minutesAgo(20),
      expiresIn: 60,
    }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: a bad signature',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key }),
    form: (fields) => ({
      ...fields,
      'x-amz-signature': fields['x-amz-signature']!.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    }),
    size: 5,
    expect: { status: 403, code: 'SignatureDoesNotMatch' },
    ceph: { status: 403, code: 'AccessDenied', why: 'Ceph answers a wrong POST signature with AccessDenied' },
  },
  {
    name: 'refused: a policy for another bucket',
    options: (t, key) => ({ ...t.location, bucket: 'some-other-bucket', credentials: t.credentials, key }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: a policy for another bucket, with a bucket field naming it',
    options: (t, key) => ({ ...t.location, bucket: 'some-other-bucket', credentials: t.credentials, key }),
    form: (fields) => ({ bucket: 'some-other-bucket', ...fields }),
    size: 5,
    expect: { status: 403, code: 'AccessDenied' },
  },
  {
    name: 'refused: no key field',
    options: (t, key) => ({ ...t.location, credentials: t.credentials, key }),
    form: ({ key: _key, ...fields }) => fields,
    size: 5,
    expect: { status: 400, code: 'InvalidArgument' },
  },
];

/** A run of the matrix's case: the key it uses, the bytes it sends, the form and the answer. */
export async function runCase(target: PostTarget, postCase: PostCase, url?: string) {
  const key = `post-matrix/${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const post = presignPost(postCase.options(target, key));
  const fields = postCase.form ? postCase.form({ ...post.fields }, post) : post.fields;
  const file = new Uint8Array(randomBytes(postCase.size));
  // Always to the target's own bucket, whatever bucket the policy names.
  const bucketUrl = url ?? presignPost({ ...target.location, credentials: target.credentials, key }).url;
  const response = await sendForm(bucketUrl, Object.entries(fields), file, postCase.filename ?? 'upload.bin');
  return { key, post, file, response };
}
