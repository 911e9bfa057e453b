/**
 * The gateway on Node: a `node:http` server around {@link createGateway}, storing objects in a
 * local directory.
 *
 * Keys map to files safely, whatever they hold (`..`, `/`, `%2F..`, NUL, absolute paths): each
 * key becomes ONE file name made of `k` and the hex of its UTF-8 bytes (`k` + SHA-256 hex after
 * `h` for keys over 100 bytes), so no key can name a separator, a dot segment or another
 * directory. Files are opened with `O_NOFOLLOW`, so a symlink planted in the directory is not
 * followed, and uploads are written to a fresh temporary file and renamed into place, which
 * replaces a symlink rather than writing through it.
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
import { constants } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { nodeBackend } from '../core/hash-node.js';
import {
  createGateway,
  errorResponse,
  type GatewayConfig,
  type GatewayHandler,
  type GatewayStorage,
} from './gateway.js';

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
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Opens a regular file without following a symlink or waiting on a special file; undefined when there is none. */
async function openRegularFile(path: string) {
  const file = await open(path, READ_FLAGS).catch((error: NodeJS.ErrnoException) => {
    // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket.
    if (error.code === 'ENOENT' || error.code === 'ELOOP' || error.code === 'ENXIO') return undefined;
    throw error;
  });
  if (file === undefined) return undefined;
  const stats = await file.stat();
  if (stats.isFile()) return { file, size: stats.size };
  await file.close();
  return undefined;
}

/** Writes a stream to a new temporary file in `directory`, then renames it to `name`. */
async function writeAtomically(directory: string, name: string, body: Readable): Promise<void> {
  const temporary = join(directory, `.upload-${randomUUID()}`);
  const file = await open(temporary, CREATE_FLAGS, 0o600);
  try {
    await pipeline(body, file.createWriteStream());
    await rename(temporary, join(directory, name));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    await file.close().catch(() => {});
  }
}

/**
 * Storage in a local directory (created if missing). The content type is kept in a side file
 * named after the object's file with `.type` appended.
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
    async get(key) {
      const name = keyFileName(key);
      const found = await openRegularFile(join(root, name));
      if (found === undefined) return undefined;
      const typeFile = await openRegularFile(join(root, name + '.type'));
      const contentType =
        typeFile === undefined ? undefined : await readFile(typeFile.file, 'utf8').finally(() => typeFile.file.close());
      const body = Readable.toWeb(found.file.createReadStream()) as ReadableStream<Uint8Array>;
      return { body, size: found.size, contentType };
    },
    async put(key, body, contentType) {
      const name = keyFileName(key);
      await writeAtomically(root, name + '.type', Readable.from([contentType ?? '']));
      const source = body === null ? Readable.from([]) : Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
      await writeAtomically(root, name, source);
    },
  };
}

/** Turns a Node request into a fetch `Request`; undefined when it has no usable target. */
function toRequest(incoming: IncomingMessage): Request | undefined {
  const host = incoming.headers.host;
  const target = incoming.url ?? '';
  if (host === undefined || !target.startsWith('/')) return undefined;
  const headers = new Headers();
  for (const [name, values] of Object.entries(incoming.headersDistinct))
    for (const value of values ?? []) headers.append(name, value);
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`http://${host}${target}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : null,
    // Node's fetch needs this to stream a request body.
    ...({ duplex: 'half' } as RequestInit),
  });
}

/** Writes a fetch `Response` to a Node response. */
async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    outgoing.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), outgoing);
}

/**
 * A `node:http` request listener that serves through `handler`. A request Node cannot turn into
 * a fetch `Request` (no Host header, an absolute-form target) gets `InvalidURI`.
 *
 * @example
 * ```ts
 * createServer(nodeListener(createGateway(config))).listen(8080);
 * ```
 */
export function nodeListener(handler: GatewayHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const respond = async () => {
      let request: Request | undefined;
      try {
        request = toRequest(incoming);
      } catch {
        request = undefined;
      }
      const response =
        request === undefined
          ? errorResponse(
              'InvalidURI',
              'the request needs a Host header and an origin-form target',
              '/',
              incoming.method,
            )
          : await handler(request, incoming.socket.remoteAddress);
      await send(response, outgoing);
    };
    respond().catch(() => outgoing.destroy());
  };
}

/** Options of {@link startGateway}: the gateway's (with node:crypto as the default backend), plus where to store and listen. */
export interface StartGatewayOptions extends Omit<GatewayConfig, 'storage'> {
  /** The directory that holds the objects. */
  readonly directory: string;
  /** Default 0: any free port. */
  readonly port?: number | undefined;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
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
  const { directory, port = 0, host = '127.0.0.1', ...config } = options;
  const handler = createGateway({ backend: nodeBackend, ...config, storage: await directoryStorage(directory) });
  const server = createServer(nodeListener(handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${origin}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
