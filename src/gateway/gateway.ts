/**
 * A fetch-style object gateway that serves downloads and accepts uploads only through presigned
 * URLs checked by {@link verifyPresignedUrl}, answering with S3-style XML errors. It touches no
 * platform API beyond `Request`, `Response` and `crypto.randomUUID`, so the same handler runs in
 * Node (see `gateway-node.ts`), Cloudflare Workers, Deno and Bun; storage is a small interface.
 *
 * One bucket per gateway: the whole URL path, decoded, is the object key (`/photos/cat.jpg` is
 * the key `photos/cat.jpg`). `GET` and `HEAD` read an object, `PUT` writes one; every request
 * must be presigned for service `s3` with the exact method it uses.
 *
 * @example
 * ```ts
 * import { createGateway, memoryStorage } from 'sigv4-presign/gateway';
 * const gateway = createGateway({ storage: memoryStorage(), secretFor: (id) => keys.get(id) });
 * export default { fetch: (request: Request) => gateway(request, request.headers.get('cf-connecting-ip') ?? undefined) };
 * ```
 * @module
 */
import { percentDecode } from '../core/encoding.js';
import type { HashBackend } from '../core/hash.js';
import { ipAllowed, parseCidrList, type CidrBlock } from './cidr.js';
import { splitUrl } from '../core/url.js';
import {
  verifyPresignedUrl,
  type SecretLookup,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult,
} from '../verify/verify.js';
import { SigV4Error } from '../core/errors.js';
import { BodyCheck, bodyPins, DEFAULT_MAX_OBJECT_SIZE, tooLarge } from './body.js';
import { pureJsDigests, type DigestFactory } from './digests.js';
import { errorXml, GatewayRefusal, STATUS, type GatewayErrorCode } from './errors.js';
import { hostList } from '../core/url.js';

export { DEFAULT_MAX_OBJECT_SIZE } from './body.js';
export { pureJsDigests, type BodyDigest, type DigestFactory } from './digests.js';
export { type GatewayErrorCode } from './errors.js';

/**
 * An object's bytes: whole, or in chunks. A chunked body is either read to its end or closed
 * early through its iterator's `return()`, which must release what the body holds (a file
 * descriptor, a stream) even when called before the first chunk. A `ReadableStream` qualifies.
 */
export type ObjectBody = Uint8Array | AsyncIterable<Uint8Array>;

/** An object as storage returns it. */
export interface StoredObject {
  readonly body: ObjectBody;
  readonly size: number;
  readonly contentType: string | undefined;
}

/** Where objects live: a directory, a Map, an R2 bucket... Keys are any non-empty UTF-8 text. */
export interface GatewayStorage {
  /** The object under `key`, or undefined when there is none. */
  get(key: string): Promise<StoredObject | undefined>;
  /**
   * Stores an object under `key`, all or nothing: reads `body` to its end first, and only then
   * replaces whatever is there, bytes and content type together, so that a reader sees the old
   * object or the new one, whole. When reading `body` throws (the client went away, or the
   * gateway refused the body: too large, or not what was signed), nothing becomes visible and
   * nothing is left behind, and `put` rejects.
   */
  put(key: string, body: AsyncIterable<Uint8Array>, contentType: string | undefined): Promise<void>;
}

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
  readonly verifier?: ((request: VerifyRequest, options: VerifyOptions) => Promise<VerifyResult>) | undefined;
  /** Allowed signing regions. Default: any. */
  readonly regions?: readonly string[] | undefined;
  /** Client addresses allowed, in CIDR notation (`aws:SourceIp`). Default: any. */
  readonly allowedSourceIps?: readonly string[] | undefined;
  /**
   * The hosts this gateway answers to, as `host[:port]` (case-insensitive; ports 80 and 443 may
   * be left out). A URL signed for any other host is refused, whatever `Host` header comes with
   * it. Default: any host, so set it wherever the gateway can be reached under a name of its own.
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

/** Serves one request; `clientIp` is the peer's address, checked against `allowedSourceIps`. */
export type GatewayHandler = (request: Request, clientIp?: string) => Promise<Response>;

/** `x-content-type-options` on every answer: no browser may guess a type other than the one stored. */
const NOSNIFF = 'nosniff';

/**
 * An S3-style XML error response. HEAD responses carry no body, as in S3.
 *
 * @example
 * ```ts
 * errorResponse('NoSuchKey', 'The specified key does not exist.', '/photos/cat.jpg'); // a 404 Response
 * ```
 */
export function errorResponse(code: GatewayErrorCode, message: string, resource: string, method = 'GET'): Response {
  const body = errorXml(code, message, resource);
  const headers = {
    'content-type': 'application/xml',
    'x-amz-error-code': code,
    'x-content-type-options': NOSNIFF,
  };
  return new Response(method === 'HEAD' ? null : body, { status: STATUS[code], headers });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The object key named by a URL path: its escapes decoded to bytes, read as UTF-8.
 *
 * @example
 * ```ts
 * objectKey('/photos/cat%20picture.jpg'); // 'photos/cat picture.jpg'
 * objectKey('/%FF');                      // undefined: not UTF-8
 * ```
 */
export function objectKey(path: string): string | undefined {
  try {
    const key = utf8.decode(percentDecode(path.slice(1)));
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

const NO_CHUNKS: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
};

/** A request body's chunks (with a reader: not every runtime makes a `ReadableStream` iterable). */
function chunksOf(stream: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (stream === null) return NO_CHUNKS;
  return {
    async *[Symbol.asyncIterator]() {
      const reader = stream.getReader();
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/** A chunked body as a `ReadableStream`, pulled one chunk at a time; cancelling it releases the body. */
function streamOf(body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>;
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: async () => void (await chunks.return?.()),
  });
}

/** Releases a body that will not be read (the answer to a HEAD). */
async function release(body: ObjectBody): Promise<void> {
  if (!(body instanceof Uint8Array)) await body[Symbol.asyncIterator]().return?.();
}

/**
 * Builds a gateway handler. Throws `INVALID_OPTION` at once for a malformed allow-list, host
 * list or size limit, rather than refusing every request later.
 */
export function createGateway(config: GatewayConfig): GatewayHandler {
  const allowed: CidrBlock[] | undefined =
    config.allowedSourceIps === undefined ? undefined : parseCidrList(config.allowedSourceIps);
  const { storage, digests = pureJsDigests, maxObjectSize = DEFAULT_MAX_OBJECT_SIZE } = config;
  // A malformed list fails here, at once, rather than on every request.
  if (config.hosts !== undefined) hostList(config.hosts);
  if (!(Number.isSafeInteger(maxObjectSize) && maxObjectSize >= 0)) {
    throw new SigV4Error('INVALID_OPTION', 'maxObjectSize must be a whole number of bytes');
  }

  /** Stores a PUT's body, checked as it streams: its size against the limit, its digests against its headers. */
  async function upload(key: string, request: Request): Promise<void> {
    const header = (name: string) => request.headers.get(name) ?? undefined;
    // A declared length over the limit is refused before a byte of the body is read.
    const declared = header('content-length');
    if (declared !== undefined && Number(declared) > maxObjectSize) {
      throw new GatewayRefusal('EntityTooLarge', tooLarge(maxObjectSize));
    }
    const check = new BodyCheck(bodyPins(header), maxObjectSize, digests);
    try {
      await storage.put(key, check.read(chunksOf(request.body)), header('content-type'));
    } catch (error) {
      // The refusal wins over whatever the storage made of it.
      throw check.refusal ?? error;
    }
  }

  return async (request, clientIp) => {
    const method = request.method;
    let path: string;
    try {
      path = splitUrl(request.url).path;
    } catch {
      return errorResponse('InvalidURI', 'the URL cannot be read', '/', method);
    }
    // Before the signature: a refused address learns nothing about keys or signatures.
    if (allowed !== undefined && !ipAllowed(clientIp, allowed)) {
      return errorResponse('SourceIpNotAllowed', 'requests are not accepted from your address', path, method);
    }
    const verdict = await (config.verifier ?? verifyPresignedUrl)(
      { method, url: request.url, headers: request.headers },
      {
        secretFor: config.secretFor,
        hosts: config.hosts,
        services: ['s3'],
        regions: config.regions,
        requiredSignedHeaders: config.requiredSignedHeaders,
        clockSkewSeconds: config.clockSkewSeconds,
        now: config.now?.(),
        backend: config.backend,
      },
    );
    if (!verdict.ok) return errorResponse(verdict.code, verdict.message, path, method);
    const key = objectKey(path);
    if (key === undefined)
      return errorResponse('InvalidURI', 'the path must name an object key in UTF-8', path, method);

    try {
      if (method === 'PUT') {
        await upload(key, request);
        return new Response(null, { status: 200 });
      }
      if (method !== 'GET' && method !== 'HEAD') {
        return errorResponse('MethodNotAllowed', `${method} is not supported here: use GET, HEAD or PUT`, path, method);
      }
      const object = await storage.get(key);
      if (object === undefined) return errorResponse('NoSuchKey', 'The specified key does not exist.', path, method);
      const headers = {
        'content-length': String(object.size),
        'content-type': object.contentType ?? 'application/octet-stream',
        'x-content-type-options': NOSNIFF,
      };
      if (method === 'HEAD') {
        await release(object.body);
        return new Response(null, { status: 200, headers });
      }
      const body = object.body instanceof Uint8Array ? (object.body as Uint8Array<ArrayBuffer>) : streamOf(object.body);
      return new Response(body, { status: 200, headers });
    } catch (error) {
      if (error instanceof GatewayRefusal) return errorResponse(error.code, error.message, path, method);
      // The storage's error is not echoed: it may name server paths.
      return errorResponse('InternalError', 'the storage failed', path, method);
    }
  };
}

/**
 * In-memory storage on a `Map`: for tests, demos and Workers without a bucket binding.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ storage: memoryStorage(), secretFor });
 * ```
 */
export function memoryStorage(
  objects = new Map<string, { bytes: Uint8Array<ArrayBuffer>; contentType: string | undefined }>(),
): GatewayStorage {
  return {
    get: async (key) => {
      const object = objects.get(key);
      return object && { body: object.bytes, size: object.bytes.byteLength, contentType: object.contentType };
    },
    put: async (key, body, contentType) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of body) {
        chunks.push(chunk);
        size += chunk.length;
      }
      const bytes = new Uint8Array(size);
      for (let at = 0, i = 0; i < chunks.length; at += chunks[i]!.length, i++) bytes.set(chunks[i]!, at);
      // Set only once the body has been read whole: a failed upload changes nothing.
      objects.set(key, { bytes, contentType });
    },
  };
}
