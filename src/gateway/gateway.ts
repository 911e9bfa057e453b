/**
 * The gateway for fetch-style runtimes (Cloudflare Workers, Deno, Bun, Node's fetch): the one
 * handler of `handler.ts` behind a thin adapter from `Request` to `Response`, plus in-memory
 * storage. It touches no platform API beyond `Request`, `Response`, `ReadableStream` and
 * `crypto.randomUUID`. On Node, `sigv4-presign/gateway-node` runs the same handler on
 * `node:http` over a directory.
 *
 * @example
 * ```ts
 * import { createGateway, memoryStorage } from 'sigv4-presign/gateway';
 * const gateway = createGateway({ storage: memoryStorage(), secretFor: (id) => keys.get(id), hosts: ['files.example.com'] });
 * export default { fetch: (request: Request) => gateway(request, request.headers.get('cf-connecting-ip') ?? undefined) };
 * ```
 * @module
 */
import {
  createHandler,
  refusalResponse,
  type GatewayConfig,
  type GatewayResponse,
  type GatewayStorage,
  type ObjectBody,
} from './handler.js';
import type { GatewayErrorCode } from './errors.js';
import type { PlatformRequest, PlatformResponse } from '../core/platform.js';

export { DEFAULT_MAX_OBJECT_SIZE } from './body.js';
export { pureJsDigests, type BodyDigest, type DigestFactory } from './digests.js';
export { type GatewayErrorCode } from './errors.js';
export {
  createHandler,
  objectKey,
  refusalResponse,
  type GatewayConfig,
  type GatewayCore,
  type GatewayRequest,
  type GatewayResponse,
  type GatewayStorage,
  type ObjectBody,
  type StoredObject,
  type Verifier,
} from './handler.js';

/** Serves one fetch `Request`; `clientIp` is the peer's address, checked against `allowedSourceIps`. */
export type GatewayHandler = (request: PlatformRequest, clientIp?: string) => Promise<PlatformResponse>;

/** A request body's chunks (with a reader: not every runtime makes a `ReadableStream` iterable). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  } finally {
    reader.releaseLock();
  }
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

function bodyInit(body: ObjectBody | null): BodyInit | null {
  if (body === null) return null;
  return body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : streamOf(body);
}

/** The handler's answer as a fetch `Response`. */
const toResponse = ({ status, headers, body }: GatewayResponse) => new Response(bodyInit(body), { status, headers });

/**
 * An S3-style XML error `Response`. HEAD responses carry no body, as in S3.
 *
 * @example
 * ```ts
 * errorResponse('NoSuchKey', 'The specified key does not exist.', '/photos/cat.jpg').status; // 404
 * ```
 */
export function errorResponse(
  code: GatewayErrorCode,
  message: string,
  resource: string,
  method = 'GET',
): PlatformResponse {
  return toResponse(refusalResponse(code, message, resource, method));
}

/**
 * Builds a gateway for fetch's `Request` and `Response`: {@link createHandler} behind a thin
 * adapter. Throws `INVALID_OPTION` at once for a malformed allow-list, host list or size limit.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ storage: memoryStorage(), secretFor, hosts: ['files.example.com'] });
 * const response = await gateway(request, clientIp);
 * ```
 */
export function createGateway(config: GatewayConfig): GatewayHandler {
  const handle = createHandler(config);
  return async (request, clientIp) =>
    toResponse(
      await handle({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body === null ? null : chunksOf(request.body),
        clientIp,
      }),
    );
}

/**
 * In-memory storage on a `Map`: for tests, demos and Workers without a bucket binding. It holds a
 * body only once the gateway has let it through, which counts it against `maxObjectSize` as it
 * arrives.
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
