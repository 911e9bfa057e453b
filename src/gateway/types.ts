/**
 * The gateway's data: the request its handler reads, the answer it gives, and the storage it
 * keeps objects in. Apart from the handler, so that its routes (./post.ts) can name them without
 * importing the handler that imports them.
 *
 * @example
 * ```ts
 * const storage: GatewayStorage = memoryStorage();
 * ```
 * @module
 */
import type { HeadersGetForEach } from '../core/platform.js';

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

/** A request as the handler reads it: what every platform can give without building anything. */
export interface GatewayRequest {
  /** The method, upper-case for the standard ones. */
  readonly method: string;
  /** The absolute URL as received: scheme, the `Host` header's host, and the target verbatim. */
  readonly url: string;
  /** Request headers by name, and the names present (a fetch `Headers` qualifies); repeated headers joined with ", ". */
  readonly headers: HeadersGetForEach;
  /** The body's chunks, or null when the request has none (GET, HEAD). Read at most once. */
  readonly body: AsyncIterable<Uint8Array> | null;
  /** The peer's address, checked against `allowedSourceIps`. */
  readonly clientIp: string | undefined;
}

/** An answer, for an adapter to send: `content-length` is always among the headers. */
export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Null for HEAD and for answers without a body. */
  readonly body: ObjectBody | null;
}
