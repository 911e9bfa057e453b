/**
 * The gateway's one handler: it serves downloads and accepts uploads only through presigned
 * URLs, answering with S3-style XML errors. It sees a request through a minimal interface
 * ({@link GatewayRequest}: method, URL, a header lookup, body chunks, client address) and
 * answers with a plain {@link GatewayResponse}, so that each platform needs only a thin adapter:
 * `createGateway` for fetch's `Request`/`Response` (Workers, Deno, Bun), `nodeListener` for
 * `node:http`. On Node that skips building a `Request`, a `Headers`, web streams and an abort
 * signal for every request, which cost more than the verification.
 *
 * One bucket per gateway: the whole URL path, decoded, is the object key (`/photos/cat.jpg` is
 * the key `photos/cat.jpg`). `GET` and `HEAD` read an object, `PUT` writes one; every request
 * must be presigned for service `s3` with the exact method it uses. In order, a request meets:
 * the source-IP allow-list, the verifier (host binding, then the signature), then its method's
 * route. A browser form upload (a `POST` to `/bucket` under a presigned POST policy, see
 * `post.ts`) carries its signature in the form: it meets the allow-list, then its own route.
 *
 * @example
 * ```ts
 * const handle = createHandler({ storage: memoryStorage(), secretFor: (id) => keys.get(id) });
 * const response = await handle({ method: 'GET', url, headers: new Headers(), body: null, clientIp: undefined });
 * response.status; // 200, 403, 404…
 * ```
 * @module
 */
import { percentDecode } from '../core/encoding.js';
import { hostList } from '../core/url.js';
import { SigV4Error } from '../core/errors.js';
import type { HashBackend } from '../core/hash.js';
import {
  verifyPresignedUrl,
  type SecretLookup,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult,
} from '../verify/verify.js';
import { BodyCheck, bodyPins, DEFAULT_MAX_OBJECT_SIZE, tooLarge } from './body.js';
import { ipAllowed, parseCidrList } from './cidr.js';
import { pureJsDigests, type DigestFactory } from './digests.js';
import { errorXml, GatewayRefusal, STATUS, type GatewayErrorCode } from './errors.js';
import { formUpload, isFormUpload, type FormUploadConfig } from './post.js';
import type { GatewayRequest, GatewayResponse, GatewayStorage } from './types.js';

export type { GatewayRequest, GatewayResponse, GatewayStorage, ObjectBody, StoredObject } from './types.js';

/** Checks a presigned URL: {@link verifyPresignedUrl}, or another verifier with its contract. */
export type Verifier = (request: VerifyRequest, options: VerifyOptions) => Promise<VerifyResult>;

/** How a gateway checks requests and where it keeps objects. */
export interface GatewayConfig {
  readonly storage: GatewayStorage;
  /** The secret for an access key id (may return a Promise, for a KV store or a database). */
  readonly secretFor: SecretLookup;
  /**
   * The verifier. Default: the root entry's, SigV4 only. Pass `verifyPresignedUrl` from
   * `sigv4-presign/v4a` to accept SigV4a URLs too (Multi-Region Access Points): the gateway is then
   * in `regions`, and accepts a SigV4a URL whose region set names one of them, or `*`.
   */
  readonly verifier?: Verifier | undefined;
  /** Allowed signing regions. Default: any. */
  readonly regions?: readonly string[] | undefined;
  /** Client addresses allowed, in CIDR notation (`aws:SourceIp`). Default: any. */
  readonly allowedSourceIps?: readonly string[] | undefined;
  /**
   * The hosts this gateway answers to, as `host[:port]` (case-insensitive; ports 80 and 443 may
   * be left out), passed to the verifier: a URL signed for any other host is refused with
   * `HostNotAllowed`, whatever `Host` header comes with it. Default: any host, so set it wherever
   * the gateway can be reached under a name of its own.
   */
  readonly hosts?: readonly string[] | undefined;
  /** Headers every URL must sign, such as `content-type`. */
  readonly requiredSignedHeaders?: readonly string[] | undefined;
  /** How many seconds `X-Amz-Date` may lie in the future. Default 300. */
  readonly clockSkewSeconds?: number | undefined;
  /** The clock, for tests. Default: the system clock. */
  readonly now?: (() => Date) | undefined;
  /** SHA-256/HMAC implementation. Default: the library's default backend. */
  readonly backend?: HashBackend | undefined;
  /** The largest body a PUT may carry, in bytes. Default 5 GiB, S3's limit for a single PUT. */
  readonly maxObjectSize?: number | undefined;
  /** MD5, SHA-1 and SHA-256 for checking pinned bodies. Default: pure JavaScript; Node's gateway uses node:crypto. */
  readonly digests?: DigestFactory | undefined;
}

/** Serves one request. Never rejects: every failure is an answer. */
export type GatewayCore = (request: GatewayRequest) => Promise<GatewayResponse>;

/** `x-content-type-options` on every answer: no browser may guess a type other than the one stored. */
const NOSNIFF = 'nosniff';
const encoder = new TextEncoder();

/**
 * An S3-style XML error answer. HEAD answers carry no body, as in S3.
 *
 * @example
 * ```ts
 * refusalResponse('NoSuchKey', 'The specified key does not exist.', '/photos/cat.jpg').status; // 404
 * ```
 */
export function refusalResponse(
  code: GatewayErrorCode,
  message: string,
  resource: string,
  method = 'GET',
): GatewayResponse {
  const body = encoder.encode(errorXml(code, message, resource));
  const headers = {
    'content-type': 'application/xml',
    'content-length': String(method === 'HEAD' ? 0 : body.length),
    'x-amz-error-code': code,
    'x-content-type-options': NOSNIFF,
  };
  return { status: STATUS[code], headers, body: method === 'HEAD' ? null : body };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Printable ASCII but `%`: a path that decodes to itself.
const PLAIN_PATH = /^[!-$&-~]*$/;

/**
 * The object key named by a URL path: its escapes decoded to bytes, read as UTF-8.
 *
 * @example
 * ```ts
 * objectKey('/photos/cat%20picture.jpg'); // 'photos/cat picture.jpg'
 * objectKey('/%FF');                       // undefined: not UTF-8
 * ```
 */
export function objectKey(path: string): string | undefined {
  if (path.length > 1 && PLAIN_PATH.test(path)) return path.slice(1);
  try {
    const key = utf8.decode(percentDecode(path.slice(1)));
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

/** The path of an absolute URL, verbatim, as `splitUrl` reads it (its host holds no `/`, `?` or `#`). */
function pathOf(url: string): string {
  const authority = url.indexOf('://') + 3;
  let end = url.indexOf('?', authority);
  if (end < 0) end = url.length;
  const start = url.indexOf('/', authority);
  return start < 0 || start > end ? '/' : url.slice(start, end);
}

const refuse = (code: GatewayErrorCode, message: string): never => {
  throw new GatewayRefusal(code, message);
};

/**
 * Builds the gateway's handler. Throws `INVALID_OPTION` at once for a malformed allow-list, host
 * list or size limit, rather than refusing every request later.
 *
 * @example
 * ```ts
 * const handle = createHandler({ storage: await directoryStorage('./data'), secretFor, hosts: ['files.example.com'] });
 * ```
 */
export function createHandler(config: GatewayConfig): GatewayCore {
  const { storage, digests = pureJsDigests, maxObjectSize = DEFAULT_MAX_OBJECT_SIZE, now } = config;
  const verify = config.verifier ?? verifyPresignedUrl;
  const allowed = config.allowedSourceIps === undefined ? undefined : parseCidrList(config.allowedSourceIps);
  // A malformed host list fails here, at once, rather than on every request.
  const hosts = config.hosts === undefined ? undefined : hostList(config.hosts);
  if (!(Number.isSafeInteger(maxObjectSize) && maxObjectSize >= 0)) {
    throw new SigV4Error('INVALID_OPTION', 'maxObjectSize must be a whole number of bytes');
  }
  // Built once: only the clock changes from one request to the next.
  const options: VerifyOptions = {
    secretFor: config.secretFor,
    hosts: config.hosts,
    services: ['s3'],
    regions: config.regions,
    requiredSignedHeaders: config.requiredSignedHeaders,
    clockSkewSeconds: config.clockSkewSeconds,
    backend: config.backend,
  };

  const forms: FormUploadConfig = {
    storage,
    hosts,
    secretFor: config.secretFor,
    regions: config.regions,
    now,
    backend: config.backend,
    maxObjectSize,
    digests,
  };

  /** Stores a PUT's body, checked as it streams: its size against the limit, its digests against its headers. */
  async function upload(key: string, request: GatewayRequest): Promise<GatewayResponse> {
    const header = (name: string) => request.headers.get(name) ?? undefined;
    // A declared length over the limit is refused before a byte of the body is read.
    const declared = header('content-length');
    if (declared !== undefined && Number(declared) > maxObjectSize) refuse('EntityTooLarge', tooLarge(maxObjectSize));
    const check = new BodyCheck(bodyPins(header), maxObjectSize, digests);
    try {
      await storage.put(key, check.read(request.body ?? []), header('content-type'));
    } catch (error) {
      // The refusal wins over whatever the storage made of it.
      throw check.refusal ?? error;
    }
    return { status: 200, headers: { 'content-length': '0', 'x-content-type-options': NOSNIFF }, body: null };
  }

  /** Answers a GET or HEAD from storage. */
  async function download(key: string, method: string): Promise<GatewayResponse> {
    const object = await storage.get(key);
    if (object === undefined) return refuse('NoSuchKey', 'The specified key does not exist.');
    const headers = {
      'content-length': String(object.size),
      'content-type': object.contentType ?? 'application/octet-stream',
      'x-content-type-options': NOSNIFF,
    };
    if (method === 'GET') return { status: 200, headers, body: object.body };
    if (!(object.body instanceof Uint8Array)) await object.body[Symbol.asyncIterator]().return?.();
    return { status: 200, headers, body: null };
  }

  async function serve(request: GatewayRequest, path: string): Promise<GatewayResponse> {
    const { method } = request;
    // Before the signature: a refused address learns nothing about keys or signatures.
    if (allowed !== undefined && !ipAllowed(request.clientIp, allowed)) {
      refuse('SourceIpNotAllowed', 'requests are not accepted from your address');
    }
    // A browser form upload carries its signature in the form, not the URL.
    if (isFormUpload(method, request.url)) return formUpload(request, path, forms);
    const verdict = await verify(
      { method, url: request.url, headers: request.headers },
      now === undefined ? options : { ...options, now: now() },
    );
    if (!verdict.ok) refuse(verdict.code, verdict.message);
    const key = objectKey(path) ?? refuse('InvalidURI', 'the path must name an object key in UTF-8');
    // One route per method (form uploads have theirs, before the URL's signature).
    switch (method) {
      case 'GET':
      case 'HEAD':
        return download(key, method);
      case 'PUT':
        return upload(key, request);
      default:
        return refuse(
          'MethodNotAllowed',
          `${method} is not supported here: use GET, HEAD or PUT (or POST a form to a bucket path)`,
        );
    }
  }

  return async (request) => {
    const path = pathOf(request.url);
    try {
      return await serve(request, path);
    } catch (error) {
      if (error instanceof GatewayRefusal) return refusalResponse(error.code, error.message, path, request.method);
      // The storage's error is not echoed: it may name server paths.
      return refusalResponse('InternalError', 'the gateway failed', path, request.method);
    }
  };
}
