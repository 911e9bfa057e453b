/**
 * A streaming `multipart/form-data` reader for POST uploads, on nothing but async iteration (a
 * web `ReadableStream` is read through its reader), so that it runs wherever the gateway runs.
 * It reads the fields before the `file` part (at most {@link MAX_PRE_FILE_BYTES}, as S3 caps
 * them) and hands back the file's content as chunks that end at the part's closing delimiter:
 * the file is never buffered. Parts after the file are not read, as S3 ignores them.
 *
 * @example
 * ```ts
 * const form = await readUploadForm(request.body, request.headers.get('content-type'));
 * if (!form.ok) return error(form.code, form.message);
 * const fields = form.fields;          // [['key', 'user/42/${filename}'], ['policy', '…'], …]
 * await store(form.file.content);      // AsyncIterable<Uint8Array> of the file alone
 * ```
 * @module
 */
import type { ByteStream } from '../core/platform.js';

/** How many bytes of fields (part headers included) may come before the file: S3's 20 KB. */
export const MAX_PRE_FILE_BYTES = 20 * 1024;

/**
 * S3's codes for a form that cannot be read:
 * - `PreconditionFailed`: the body is not `multipart/form-data` with a boundary;
 * - `MalformedPOSTRequest`: the body is not well-formed multipart, or a field is not UTF-8;
 * - `MaxPostPreDataLengthExceeded`: the fields before the file exceed 20 KB;
 * - `IncorrectNumberOfFilesInPostRequest`: there is no `file` part.
 */
export type FormErrorCode =
  | 'PreconditionFailed'
  | 'MalformedPOSTRequest'
  | 'MaxPostPreDataLengthExceeded'
  | 'IncorrectNumberOfFilesInPostRequest';

/** The file part: its name as the browser sent it, its declared type, and its content. */
export interface FormFile {
  readonly filename: string;
  readonly contentType: string | undefined;
  /**
   * The file's bytes, ending where the part ends; it throws if the body is cut short. Read it
   * once; leaving it early (`return()`) releases the body.
   */
  readonly content: AsyncIterable<Uint8Array>;
}

/** A form read up to its file. */
export type UploadForm =
  | { readonly ok: true; readonly fields: readonly [name: string, value: string][]; readonly file: FormFile }
  | { readonly ok: false; readonly code: FormErrorCode; readonly message: string };

const BOUNDARY = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;.*)?$/i;

/** The boundary of a `multipart/form-data` content type, or `undefined`. */
export function formBoundary(contentType: string | null | undefined): string | undefined {
  const match = BOUNDARY.exec(contentType ?? '');
  return match === null ? undefined : (match[1] ?? match[2]);
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');
const CRLF = encoder.encode('\r\n');
const HEADERS_END = encoder.encode('\r\n\r\n');

/** The first index of `needle` in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** A malformed body: thrown inside this module, turned into a failed {@link UploadForm}. */
class FormError {
  constructor(
    readonly code: FormErrorCode,
    readonly message: string,
  ) {}
}

const malformed = (why: string): never => {
  throw new FormError(
    'MalformedPOSTRequest',
    `The body of your POST request is not well-formed multipart/form-data: ${why}`,
  );
};

/** A request body: async-iterable chunks, or a web stream (not async-iterable in every runtime). */
export type FormBody = AsyncIterable<Uint8Array> | ByteStream;

/** The chunks of a body, one at a time; `return()` releases it. */
function chunksOf(body: FormBody): AsyncIterator<Uint8Array> {
  if (!(body instanceof ReadableStream)) return (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const reader = (body as ByteStream).getReader();
  return {
    next: async () => {
      const read = await reader.read();
      return read.done ? { done: true, value: undefined } : { done: false, value: read.value };
    },
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/** Bytes from a body, with what has been read but not used kept in front. */
class Source {
  pending: Uint8Array = new Uint8Array(0);
  done = false;

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  /** Reads one more chunk into `pending`; false at the end of the body. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const { value, done } = await this.chunks.next();
    if (done === true) {
      this.done = true;
      return false;
    }
    if (!(value instanceof Uint8Array)) malformed('the body is not bytes');
    this.pending = concat(this.pending, value);
    return true;
  }

  /** Reads until `needle` is in `pending`, or until `limit` bytes are pending; its index, or -1. */
  async find(needle: Uint8Array, limit: number): Promise<number> {
    let from = 0;
    for (;;) {
      const at = indexOf(this.pending, needle, from);
      if (at >= 0 || this.pending.length > limit) return at;
      from = Math.max(0, this.pending.length - needle.length + 1);
      if (!(await this.more())) return -1;
    }
  }

  take(length: number): Uint8Array {
    const taken = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    return taken;
  }

  /** Stops reading the body and releases it; never throws. */
  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.resolve(this.chunks.return?.()).catch(() => {});
  }
}

interface PartHeaders {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

/**
 * A `name="value"` parameter of Content-Disposition: quoted, or a token. Browsers write a quoted
 * value with `"` as `%22` and line breaks as `%0D%0A`, and no backslash escapes, so a `\` is a
 * character of the name (a Windows path, as old browsers send it).
 */
function parameter(disposition: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;"]+))`, 'i').exec(disposition);
  return match === null ? undefined : (match[1] ?? match[2]);
}

function readPartHeaders(bytes: Uint8Array): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  // Header lines are UTF-8 in browsers' forms (a file name may hold any character).
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) malformed('a part header line has no name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\s*(?:;|$)/i.test(disposition)) {
    malformed('a part has no Content-Disposition: form-data');
  }
  const name = parameter(disposition!, 'name') ?? malformed('a part has no name');
  return { name, filename: parameter(disposition!, 'filename'), contentType };
}

/**
 * After a delimiter: `--` ends the body, CRLF starts the next part (transport padding of spaces
 * and tabs may come first). Returns whether another part follows.
 */
async function afterDelimiter(source: Source): Promise<boolean> {
  while (source.pending.length < 2 && (await source.more()));
  if (source.pending[0] === 0x2d && source.pending[1] === 0x2d) return false;
  const end = await source.find(CRLF, 1024);
  if (end < 0 || !/^[ \t]*$/.test(latin1.decode(source.pending.subarray(0, end))))
    malformed('a boundary line is malformed');
  source.take(end + CRLF.length);
  return true;
}

/** The file's content: bytes up to the next delimiter, passed on as they arrive. */
async function* fileContent(source: Source, delimiter: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for (;;) {
      const at = indexOf(source.pending, delimiter);
      if (at >= 0) {
        if (at > 0) yield source.take(at).slice();
        return; // parts after the file are ignored, as S3 ignores them
      }
      // Keep the tail that could be the start of a delimiter; pass on the rest.
      const safe = source.pending.length - (delimiter.length - 1);
      if (safe > 0) yield source.take(safe).slice();
      else if (!(await source.more())) throw new Error('The body of your POST request ends inside the file');
    }
  } finally {
    await source.release();
  }
}

/**
 * The file's content as an iterable whose `return()` releases the body even before the first
 * chunk (a generator not yet started would skip its `finally`).
 */
function fileChunks(source: Source, delimiter: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const chunks = fileContent(source, delimiter);
      return {
        next: () => chunks.next(),
        return: async () => {
          await chunks.return();
          await source.release();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * Reads a `multipart/form-data` body up to its `file` part. Fields come back in order, names as
 * sent; the file's content is a stream over the rest of the body. Never throws: a body that
 * cannot be read gives S3's code.
 *
 * @example
 * ```ts
 * const form = await readUploadForm(request.body, request.headers.get('content-type'));
 * if (form.ok) console.log(form.fields.length, form.file.filename);
 * ```
 */
export async function readUploadForm(
  body: FormBody | null,
  contentType: string | null | undefined,
): Promise<UploadForm> {
  const boundary = formBoundary(contentType);
  if (boundary === undefined || body === null) {
    if (body !== null) await new Source(chunksOf(body)).release();
    return {
      ok: false,
      code: 'PreconditionFailed',
      message: 'Bucket POST must be of the enclosure-type multipart/form-data',
    };
  }
  const source = new Source(chunksOf(body));
  // The first delimiter may open the body without the CRLF every other one starts with.
  source.pending = CRLF.slice();
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const fields: [string, string][] = [];
  let budget = MAX_PRE_FILE_BYTES;
  /** Reads up to `needle` within what is left of the 20 KB; how many bytes come before it. */
  const upTo = async (needle: Uint8Array, what: string): Promise<number> => {
    const at = await source.find(needle, budget);
    if (at > budget || (at < 0 && source.pending.length > budget)) {
      throw new FormError(
        'MaxPostPreDataLengthExceeded',
        'Your POST request fields preceding the upload file were too large.',
      );
    }
    if (at < 0) malformed(what);
    budget -= at;
    return at;
  };
  try {
    // The preamble counts against the budget too: nothing unbounded is held before the file.
    source.take((await upTo(delimiter, 'no boundary')) + delimiter.length);
    while (await afterDelimiter(source)) {
      const headers = readPartHeaders(source.take(await upTo(HEADERS_END, 'a part has no end of headers')));
      source.take(HEADERS_END.length);
      if (headers.name.toLowerCase() === 'file') {
        const file = {
          filename: headers.filename ?? '',
          contentType: headers.contentType,
          content: fileChunks(source, delimiter),
        };
        return { ok: true, fields, file };
      }
      const bytes = source.take(await upTo(delimiter, `the field ${headers.name} has no closing boundary`));
      let value: string;
      try {
        value = utf8.decode(bytes);
      } catch {
        return malformed(`the field ${headers.name} is not UTF-8`);
      }
      fields.push([headers.name, value]);
      source.take(delimiter.length);
    }
    await source.release();
    return {
      ok: false,
      code: 'IncorrectNumberOfFilesInPostRequest',
      message: 'POST requires exactly one file upload per request.',
    };
  } catch (error) {
    await source.release();
    if (error instanceof FormError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'MalformedPOSTRequest', message: 'The body of your POST request could not be read' };
  }
}
