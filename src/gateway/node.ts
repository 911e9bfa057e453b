/**
 * The gateway on Node: a `node:http` server around the gateway's handler (`handler.ts`), through a
 * thin adapter from Node's own request and response, storing objects in a local directory.
 *
 * Keys map to files safely, whatever they hold (`..`, `/`, `%2F..`, NUL, absolute paths): each
 * key becomes ONE file name made of `k` and the hex of its UTF-8 bytes (`k` + SHA-256 hex after
 * `h` for keys over 100 bytes), so no key can name a separator, a dot segment or another
 * directory. Files are opened with `O_NOFOLLOW`, so a symlink planted in the directory is not
 * followed, and with `O_NONBLOCK`, so a FIFO cannot hold a thread. An object is one file (its
 * content type in a header before the bytes), written to a fresh temporary file and renamed into
 * place: readers see the old object or the new one, whole, and a symlink is replaced rather than
 * written through.
 *
 * @example
 * ```ts
 * import { startGateway } from 'sigv4-presign/gateway-node';
 * const gateway = await startGateway({ directory: './data', port: 8080, secretFor: (id) => keys.get(id) });
 * console.log(`serving on ${gateway.url}`);
 * await gateway.close();
 * ```
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, open as openFd, read as readFd } from 'node:fs';
import { mkdir, open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { SigV4Error } from '../core/errors.js';
import { nodeBackend } from '../core/hash-node.js';
import { parseIp } from './cidr.js';
import {
  createHandler,
  refusalResponse,
  type GatewayConfig,
  type GatewayCore,
  type GatewayResponse,
  type GatewayStorage,
  type StoredObject,
} from './handler.js';
import type { DigestFactory } from './digests.js';
import { hostList } from '../core/url.js';
import { decodeObjectHeader, encodeObjectHeader } from './object-file.js';

/** Keys up to this many UTF-8 bytes keep a readable (hex) file name; longer ones are hashed. */
const MAX_HEX_KEY_BYTES = 100;

/**
 * The file name of a key: `k` + hex of its UTF-8 bytes, or `h` + SHA-256 hex for long keys.
 * Only `[0-9a-f]` follows the prefix, so the name never holds `/`, `\`, NUL or a dot segment.
 *
 * @example
 * ```ts
 * keyFileName('../etc/passwd'); // 'k2e2e2f6574632f706173737764'
 * ```
 */
export function keyFileName(key: string): string {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length <= MAX_HEX_KEY_BYTES) return 'k' + bytes.toString('hex');
  return 'h' + createHash('sha256').update(bytes).digest('hex');
}

// O_NONBLOCK: opening a FIFO planted at an object's path would otherwise wait for a writer,
// holding one of libuv's four pool threads; four such requests would stall every file access.
// O_NONBLOCK: opening a FIFO planted at an object's path would otherwise wait for a writer,
// holding one of libuv's four pool threads; four such requests would stall every file access.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/**
 * What opening or first reading an object's path may meet instead of an object file: nothing,
 * a symlink (ELOOP, from O_NOFOLLOW), a socket (ENXIO), a directory (EISDIR), a FIFO (ESPIPE:
 * reads here are positional) or anything else that would block (EAGAIN).
 */
const NOT_AN_OBJECT = new Set(['ENOENT', 'ELOOP', 'ENXIO', 'EISDIR', 'ESPIPE', 'EAGAIN']);
/** The first read: any header, and the whole of an object up to 64 KiB (with a content type up to 1 KiB). */
const FIRST_READ = 65 * 1024;
/** Later reads of a large object. */
const CHUNK = 256 * 1024;
/** How much of an upload is gathered for one write. */
const WRITE_BATCH = 256 * 1024;

const notAnObject = (error: unknown) => NOT_AN_OBJECT.has((error as NodeJS.ErrnoException).code ?? '');

function openForReading(path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) =>
    openFd(path, READ_FLAGS, (error, fd) =>
      error === null ? resolve(fd) : notAnObject(error) ? resolve(undefined) : reject(error),
    ),
  );
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    readFd(fd, buffer, 0, buffer.length, position, (error, bytesRead) =>
      error === null ? resolve(bytesRead) : reject(error),
    ),
  );
}

/**
 * Closes a descriptor opened for reading, on this thread: such a close does no I/O, and a trip
 * through libuv's pool would cost more than the call (on two cores, the wake-up of a pool thread
 * often preempts this one). Opens and reads stay in the pool, since they may wait on a disk.
 */
const release = (fd: number) => closeSync(fd);

/**
 * The rest of an object that the first read did not hold, read in chunks of {@link CHUNK} from
 * its descriptor, which is closed at the end, on an error, or by `return()` (even before the
 * first chunk).
 */
class FileChunks implements AsyncIterableIterator<Uint8Array> {
  private open = true;

  constructor(
    private readonly fd: number,
    private first: Uint8Array | undefined,
    private position: number,
    private remaining: number,
  ) {}

  [Symbol.asyncIterator]() {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.first !== undefined) {
      const first = this.first;
      this.first = undefined;
      return { done: false, value: first };
    }
    if (this.remaining === 0 || !this.open) return this.return();
    try {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, this.remaining));
      const bytesRead = await readAt(this.fd, buffer, this.position);
      // Files are renamed into place whole and never written again: a short file was cut by someone else.
      if (bytesRead === 0) throw new Error('the object file is shorter than its header says');
      this.position += bytesRead;
      this.remaining -= bytesRead;
      return { done: false, value: buffer.subarray(0, bytesRead) };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.open) {
      this.open = false;
      release(this.fd);
    }
    return { done: true, value: undefined };
  }
}

/** Reads an object file: one read for the header and a small body; the rest as {@link FileChunks}. */
async function readObject(path: string): Promise<StoredObject | undefined> {
  const fd = await openForReading(path);
  if (fd === undefined) return undefined;
  try {
    const buffer = Buffer.allocUnsafe(FIRST_READ);
    const bytesRead = await readAt(fd, buffer, 0);
    // The header is the type check, without an fstat round trip: a special file fails the
    // positional read (see NOT_AN_OBJECT), and nothing but an object file reads as a header.
    const header = decodeObjectHeader(buffer.subarray(0, bytesRead));
    if (header === undefined) {
      release(fd);
      return undefined;
    }
    const { headerLength, size, contentType } = header;
    const end = headerLength + size;
    if (end <= bytesRead) {
      release(fd);
      return { body: buffer.subarray(headerLength, end), size, contentType };
    }
    const first = buffer.subarray(headerLength, bytesRead);
    return { body: new FileChunks(fd, first, bytesRead, end - bytesRead), size, contentType };
  } catch (error) {
    release(fd);
    if (notAnObject(error)) return undefined;
    throw error;
  }
}

/** Writes all of `chunks` at `position` (a write may take fewer bytes than it is given). */
async function writeAll(file: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  while (chunks.length > 0) {
    const { bytesWritten } = await file.writev(chunks, position);
    if (bytesWritten === 0) throw new Error('the disk took no bytes');
    position += bytesWritten;
    let skip = bytesWritten;
    while (chunks.length > 0 && skip >= chunks[0]!.length) skip -= chunks.shift()!.length;
    if (skip > 0) chunks[0] = chunks[0]!.subarray(skip);
  }
}

/**
 * Writes an object to a fresh temporary file in `root` (header, then the body as it arrives,
 * then the header again with the final length) and renames it to `name`. Any failure removes the
 * temporary file, so nothing of a failed upload remains.
 */
async function writeObject(
  root: string,
  name: string,
  body: AsyncIterable<Uint8Array>,
  contentType: string | undefined,
): Promise<void> {
  const header = encodeObjectHeader(0, contentType);
  const temporary = join(root, `.upload-${randomUUID()}`);
  const file = await open(temporary, CREATE_FLAGS, 0o600);
  // One write at a time, while the next batch is gathered from the socket: the disk and the
  // network work at once, and at most two batches wait in memory.
  let writing: Promise<void> = Promise.resolve();
  try {
    let position = header.length;
    let batch: Uint8Array[] = [];
    let batched = 0;
    for await (const chunk of body) {
      batch.push(chunk);
      batched += chunk.length;
      if (batched < WRITE_BATCH) continue;
      await writing;
      writing = writeAll(file, batch, position);
      writing.catch(() => {}); // awaited later; until then its failure must not count as unhandled
      position += batched;
      batch = [];
      batched = 0;
    }
    await writing;
    await writeAll(file, batch, position);
    position += batched;
    await writeAll(file, [encodeObjectHeader(position - header.length, contentType)], 0);
    await file.close();
    // A rename replaces the old object (or a planted symlink) in one step.
    await rename(temporary, join(root, name));
  } catch (error) {
    await writing.catch(() => {});
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Storage in a local directory (created if missing): each object is one file, its content type
 * in a small header before the bytes (see `object-file.ts`), written to a temporary file and
 * renamed into place.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ storage: await directoryStorage('./data'), secretFor });
 * ```
 */
export async function directoryStorage(directory: string): Promise<GatewayStorage> {
  await mkdir(directory, { recursive: true });
  // Resolved once: a symlink swapped in for the directory later does not move the storage.
  const root = await realpath(directory);
  return {
    // root + name: the name holds no separator, and path.join's normalising shows in profiles.
    get: (key) => readObject(root + sep + keyFileName(key)),
    put: (key, body, contentType) => writeObject(root, keyFileName(key), body, contentType),
  };
}

/**
 * MD5, SHA-1 and SHA-256 from node:crypto, for checking pinned upload bodies: several times
 * faster than the pure-JavaScript default.
 *
 * @example
 * ```ts
 * createGateway({ storage, secretFor, digests: nodeDigests });
 * ```
 */
export const nodeDigests: DigestFactory = (algorithm) => createHash(algorithm);

/**
 * Node's parsed headers as the handler reads them. Node joins most repeated headers with ", "
 * (as fetch does) and keeps only the first of those that may appear once (content-type, host…),
 * so a value the signature is checked with is the value the gateway then uses.
 */
class NodeHeaders implements Pick<Headers, 'get' | 'forEach'> {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    return value === undefined ? null : typeof value === 'string' ? value : value.join(', ');
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void): void {
    for (const name in this.headers) callback(this.get(name)!, name, this as unknown as Headers);
  }
}

/**
 * Streams a chunked body with backpressure, reading the next chunk while the last one drains (so
 * the disk and the socket work at once). A client that leaves early ends the stream, and the body
 * is released (its file closed); a body that fails midway destroys the connection, since its
 * content-length was promised.
 */
async function stream(body: AsyncIterable<Uint8Array>, outgoing: ServerResponse): Promise<void> {
  const chunks = body[Symbol.asyncIterator]();
  // 'close' may come while a read is under way, when nobody waits for it: it is kept as a flag,
  // so that nothing is written to a connection that is gone and nothing waits for a drain that
  // will not come.
  let gone = outgoing.destroyed;
  let wake = () => {};
  const leave = () => {
    gone = true;
    wake();
  };
  outgoing.on('close', leave).on('error', leave);
  let next = chunks.next();
  let finished = false;
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.done === true) {
        finished = true;
        break;
      }
      if (gone) break;
      next = chunks.next();
      if (!outgoing.write(chunk.value)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          outgoing.once('drain', resolve);
        });
        outgoing.off('drain', wake);
      }
      if (gone) break;
    }
  } finally {
    outgoing.off('close', leave).off('error', leave);
    if (!finished) {
      // The read under way ends first (its failure no longer matters), then the body is released.
      await next.catch(() => {});
      await chunks.return?.();
    }
  }
  if (finished) outgoing.end();
  else outgoing.destroy();
}

/** Writes the handler's answer to a Node response. */
async function send(response: GatewayResponse, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  // An answer before the whole body arrived (a refused upload) closes the connection, rather
  // than reading and discarding what may be gigabytes still on their way.
  if (!incoming.complete) outgoing.shouldKeepAlive = false;
  outgoing.writeHead(response.status, response.headers);
  const { body } = response;
  if (body === null) outgoing.end();
  else if (body instanceof Uint8Array) outgoing.end(body);
  else await stream(body, outgoing);
}

/** The request's body; after `100 Continue`, sent only once the handler starts reading it. */
async function* continued(incoming: IncomingMessage, outgoing: ServerResponse): AsyncGenerator<Uint8Array> {
  outgoing.writeContinue();
  yield* incoming as AsyncIterable<Uint8Array>;
}

/**
 * A `node:http` request listener that serves through the gateway's handler: the Node adapter,
 * which hands the handler Node's own parsed request (no fetch `Request`, `Headers` or web
 * streams). A request without a Host header or with an absolute-form target gets `InvalidURI`.
 *
 * Registered for `'checkContinue'` too, with `true` as third argument, it sends `100 Continue`
 * only when the handler starts reading the body: an upload refused before that (a bad signature,
 * a declared size over the limit) is answered before its client sends a byte of it.
 *
 * @example
 * ```ts
 * const listener = nodeListener(createHandler(config));
 * createServer(listener)
 *   .on('checkContinue', (incoming, outgoing) => listener(incoming, outgoing, true))
 *   .listen(8080);
 * ```
 */
export function nodeListener(
  handle: GatewayCore,
): (incoming: IncomingMessage, outgoing: ServerResponse, expectsContinue?: boolean) => void {
  return (incoming, outgoing, expectsContinue = false) => {
    const { host } = incoming.headers;
    const target = incoming.url ?? '';
    const method = incoming.method ?? 'GET';
    const body =
      method === 'GET' || method === 'HEAD'
        ? null
        : expectsContinue
          ? continued(incoming, outgoing)
          : (incoming as AsyncIterable<Uint8Array>);
    const answer =
      host === undefined || target.charCodeAt(0) !== 0x2f
        ? Promise.resolve(
            refusalResponse('InvalidURI', 'the request needs a Host header and an origin-form target', '/', method),
          )
        : handle({
            method,
            url: 'http://' + host + target,
            headers: new NodeHeaders(incoming.headers),
            body,
            clientIp: incoming.socket.remoteAddress,
          });
    answer.then((response) => send(response, incoming, outgoing)).catch(() => outgoing.destroy());
  };
}

/** Options of {@link startGateway}: the gateway's (with node:crypto as the default backend), plus where to store and listen. */
export interface StartGatewayOptions extends Omit<GatewayConfig, 'storage'> {
  /** The directory that holds the objects. */
  readonly directory: string;
  /** Default 0: any free port. */
  readonly port?: number | undefined;
  /**
   * The address to listen on. Default `127.0.0.1`. With an unspecified address (`0.0.0.0`,
   * `::`), `hosts` is required.
   */
  readonly host?: string | undefined;
  /**
   * The hosts clients sign URLs for (see {@link GatewayConfig.hosts}). Default: the address the
   * gateway listens on and the `host` it was given, with the port (`127.0.0.1:8080`). Behind a
   * reverse proxy, the public name(s): `['files.example.com']`.
   */
  readonly hosts?: readonly string[] | undefined;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://host:port`, the origin to presign URLs for. */
  readonly url: string;
  readonly server: Server;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a gateway serving `directory` over HTTP.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ directory: './data', secretFor: (id) => keys.get(id) });
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { directory, port = 0, host = '127.0.0.1', hosts, ...config } = options;
  if (hosts !== undefined)
    hostList(hosts); // a bad list fails before the server listens
  else if (host === '' || (isIP(host) !== 0 && parseIp(host)!.every((byte) => byte === 0))) {
    throw new SigV4Error(
      'INVALID_OPTION',
      `listening on every address (${host}), the gateway cannot tell which hosts it answers to: ` +
        "pass hosts: ['name:port', …], the hosts that clients sign URLs for",
    );
  }
  const storage = await directoryStorage(directory);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  // By default the gateway answers to the address it listens on, and to the name it was given.
  const bound = hosts ?? [origin, `${host.includes(':') ? `[${host}]` : host}:${address.port}`];
  const handle = createHandler({ backend: nodeBackend, digests: nodeDigests, ...config, hosts: bound, storage });
  const listener = nodeListener(handle);
  // 100 Continue only once the handler reads the body: a refused upload is answered before it is sent.
  server.on('request', listener).on('checkContinue', (incoming, outgoing) => listener(incoming, outgoing, true));
  return {
    url: `http://${origin}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
