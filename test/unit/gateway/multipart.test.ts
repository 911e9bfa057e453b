/**
 * The streaming multipart reader: bodies as fetch's FormData writes them, cut into chunks of
 * every size, files that hold near-delimiters, S3's 20 KB cap on what precedes the file, and
 * each malformed body with its code. The file is streamed: its first bytes arrive before the
 * body has ended.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formBoundary, MAX_PRE_FILE_BYTES, readUploadForm } from '../../../src/gateway/multipart.js';

const encoder = new TextEncoder();

/** A body cut into the given chunk sizes (the last chunk takes the rest). */
function chunked(bytes: Uint8Array, sizes: readonly number[] = []): ReadableStream<Uint8Array> {
  let offset = 0;
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = Math.max(1, sizes[index++ % Math.max(1, sizes.length)] ?? bytes.length);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** What fetch sends for a FormData: its bytes and content type. */
async function encode(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = new Response(form);
  return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return concatBytes(...parts);
}

function formOf(fields: [string, string][], file?: Uint8Array, filename = 'f.bin', after: [string, string][] = []) {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (file !== undefined)
    form.append('file', new Blob([file as Uint8Array<ArrayBuffer>], { type: 'image/png' }), filename);
  for (const [name, value] of after) form.append(name, value);
  return form;
}

describe('readUploadForm', () => {
  test('fields in order, then the file as a stream; parts after the file are not read', async () => {
    const file = encoder.encode('PNG\r\n--not-the-boundary\r\n\r\nbytes');
    const { bytes, contentType } = await encode(
      formOf(
        [
          ['key', 'user/42/${filename}'],
          ['Content-Type', 'image/png'],
          ['x-amz-meta-note', 'héllo "quoted"\r\nline'],
        ],
        file,
        'ca"t.png',
        [['after', 'ignored']],
      ),
    );
    const form = await readUploadForm(chunked(bytes), contentType);
    expect(form.ok).toBe(true);
    if (!form.ok) return;
    expect(form.fields).toEqual([
      ['key', 'user/42/${filename}'],
      ['Content-Type', 'image/png'],
      ['x-amz-meta-note', 'héllo "quoted"\r\nline'],
    ]);
    expect(form.file.filename).toBe('ca%22t.png'); // browsers and undici escape quotes in file names
    const windows = await encode(formOf([], file, 'C:\\Users\\me\\cat.png'));
    const read = await readUploadForm(chunked(windows.bytes), windows.contentType);
    expect(read.ok && read.file.filename).toBe('C:\\Users\\me\\cat.png'); // a backslash is no escape
    expect(form.file.contentType).toBe('image/png');
    expect(await drain(form.file.content)).toEqual(file);
  });

  test('any cut of the body into chunks reads the same, near-delimiters in the file included (property)', async () => {
    const boundary = 'XyZ-boundary-123';
    // Bytes that start like the delimiter, in the file and in the values.
    const near = fc.constantFrom(
      '\r\n--XyZ-boundary-12',
      '\r\n--XyZ',
      '\r\n-',
      '\r',
      '--XyZ-boundary-123',
      '\r\n--XyZ-boundary-124',
    );
    const piece = fc.oneof(fc.string({ maxLength: 20 }), near);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.stringMatching(/^[a-z-]{1,12}$/),
            fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
          ),
          {
            maxLength: 5,
          },
        ),
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            near.map((t) => encoder.encode(t)),
          ),
          { maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
        async (fields, fileParts, sizes) => {
          const file = concatBytes(...fileParts);
          const text = fields
            .map(
              ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
            )
            .join('');
          const body = concatBytes(
            encoder.encode(`${text}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n`),
            file,
            encoder.encode(`\r\n--${boundary}--\r\n`),
          );
          const form = await readUploadForm(chunked(body, sizes), `multipart/form-data; boundary=${boundary}`);
          const delimiter = `\r\n--${boundary}`;
          if (fields.some(([, value]) => value.includes(delimiter))) return; // such a value would end its own part
          expect(form.ok).toBe(true);
          if (!form.ok) return;
          expect(form.fields).toEqual(fields);
          const sent = new TextDecoder('latin1').decode(file);
          const expected = sent.includes(delimiter) ? file.subarray(0, sent.indexOf(delimiter)) : file;
          expect(await drain(form.file.content)).toEqual(new Uint8Array(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the file streams: its first bytes arrive before the body ends', async () => {
    const head = encoder.encode('--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--b\r\n');
    const fileHeaders = encoder.encode('Content-Disposition: form-data; name="file"; filename="big"\r\n\r\n');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        step++;
        if (step === 1) controller.enqueue(head);
        else if (step === 2) controller.enqueue(fileHeaders);
        else if (step === 3) controller.enqueue(new Uint8Array(64 * 1024).fill(7));
        else {
          await held; // the rest of the body waits until the reader has seen file bytes
          controller.enqueue(encoder.encode('\r\n--b--\r\n'));
          controller.close();
        }
      },
    });
    const form = await readUploadForm(body, 'multipart/form-data; boundary=b');
    expect(form.ok).toBe(true);
    if (!form.ok) return;
    const chunks = form.file.content[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.value!.length).toBeGreaterThan(60 * 1024);
    release();
    let total = first.value!.length;
    for (let chunk = await chunks.next(); chunk.done !== true; chunk = await chunks.next()) total += chunk.value.length;
    expect(total).toBe(64 * 1024);
  });

  test('preamble, transport padding, a quoted boundary and lower-case headers', async () => {
    const body = encoder.encode(
      'preamble\r\n--b c\r\n' +
        'content-disposition: form-data; name=key\r\n\r\nk\r\n--b c  \t\r\n' +
        'CONTENT-DISPOSITION: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--b c--',
    );
    const form = await readUploadForm(chunked(body, [3]), 'multipart/form-data; charset=utf-8; boundary="b c"');
    expect(form.ok && form.fields).toEqual([['key', 'k']]);
    expect(form.ok && new TextDecoder().decode(await drain(form.file.content))).toBe('hello');
  });

  test('S3’s 20 KB before the file, part headers included: at the limit read, one byte over refused', async () => {
    const fieldHeaders = 'Content-Disposition: form-data; name="x-amz-meta-a"';
    const fileHeaders = 'Content-Disposition: form-data; name="file"; filename="f"';
    const body = (length: number) =>
      encoder.encode(`--b\r\n${fieldHeaders}\r\n\r\n${'v'.repeat(length)}\r\n--b\r\n${fileHeaders}\r\n\r\nX\r\n--b--`);
    const limit = MAX_PRE_FILE_BYTES - fieldHeaders.length - fileHeaders.length;
    const type = 'multipart/form-data; boundary=b';
    expect(await readUploadForm(chunked(body(limit), [1000]), type)).toMatchObject({ ok: true });
    expect(await readUploadForm(chunked(body(limit + 1), [1000]), type)).toMatchObject({
      ok: false,
      code: 'MaxPostPreDataLengthExceeded',
    });
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(4096).fill(0x61)) });
    expect(await readUploadForm(endless, type)).toMatchObject({ code: 'MaxPostPreDataLengthExceeded' });
  });

  test.each<[string, string | null, string, string]>([
    ['not multipart', 'application/x-www-form-urlencoded', 'key=a', 'PreconditionFailed'],
    ['no boundary', 'multipart/form-data', '--b--', 'PreconditionFailed'],
    ['no content type', null, '--b--', 'PreconditionFailed'],
    [
      'no file',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--b--',
      'IncorrectNumberOfFilesInPostRequest',
    ],
    ['no boundary line', 'multipart/form-data; boundary=b', 'nothing here', 'MalformedPOSTRequest'],
    [
      'no end of headers',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="key"',
      'MalformedPOSTRequest',
    ],
    [
      'no name',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data\r\n\r\nk\r\n--b--',
      'MalformedPOSTRequest',
    ],
    [
      'not form-data',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: attachment; name="k"\r\n\r\nk\r\n--b--',
      'MalformedPOSTRequest',
    ],
    [
      'a field cut short',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nk',
      'MalformedPOSTRequest',
    ],
    [
      'a bad boundary line',
      'multipart/form-data; boundary=b',
      '--bx\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--b--',
      'MalformedPOSTRequest',
    ],
    [
      'a header line without a name',
      'multipart/form-data; boundary=b',
      '--b\r\n: x\r\n\r\nk\r\n--b--',
      'MalformedPOSTRequest',
    ],
  ])('%s: %s', async (_name, contentType, body, code) => {
    expect(await readUploadForm(chunked(encoder.encode(body), [2]), contentType)).toMatchObject({ ok: false, code });
  });

  test('an async-iterable body reads like a stream; leaving the file early, even unread, releases the body', async () => {
    const body = encoder.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nabc\r\n--b--');
    let released = 0;
    const iterable = (): AsyncIterable<Uint8Array> => ({
      [Symbol.asyncIterator]: () => {
        let sent = false;
        return {
          next: async () => (sent ? { done: true, value: undefined } : ((sent = true), { done: false, value: body })),
          return: async () => (released++, { done: true, value: undefined }),
        };
      },
    });
    const form = await readUploadForm(iterable(), 'multipart/form-data; boundary=b');
    expect(form.ok && new TextDecoder().decode(await drain(form.file.content))).toBe('abc');
    const unread = await readUploadForm(iterable(), 'multipart/form-data; boundary=b');
    const before = released;
    await (unread.ok && unread.file.content[Symbol.asyncIterator]().return!());
    expect(released).toBe(before + 1);
    expect(await readUploadForm(iterable(), 'text/plain')).toMatchObject({ code: 'PreconditionFailed' });
    expect(released).toBe(before + 2);
  });

  test('formBoundary reads plain and quoted boundaries, of 1 to 70 characters', () => {
    expect(formBoundary('multipart/form-data; boundary=----WebKitFormBoundaryABC')).toBe('----WebKitFormBoundaryABC');
    expect(formBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(formBoundary(`multipart/form-data; boundary=${'x'.repeat(70)}`)).toBe('x'.repeat(70));
    expect(formBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeUndefined();
    expect(formBoundary('multipart/mixed; boundary=b')).toBeUndefined();
    expect(formBoundary(undefined)).toBeUndefined();
  });

  test('a field that is not UTF-8', async () => {
    const body = concatBytes(
      encoder.encode('--b\r\nContent-Disposition: form-data; name="key"\r\n\r\n'),
      new Uint8Array([0xff, 0xfe]),
      encoder.encode('\r\n--b--'),
    );
    expect(await readUploadForm(chunked(body), 'multipart/form-data; boundary=b')).toMatchObject({
      code: 'MalformedPOSTRequest',
    });
  });

  test('a body cut inside the file: the file stream errors', async () => {
    const body = encoder.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\npartial data');
    const form = await readUploadForm(chunked(body, [5]), 'multipart/form-data; boundary=b');
    expect(form.ok).toBe(true);
    if (form.ok) await expect(drain(form.file.content)).rejects.toThrow(/ends inside the file/);
  });
});

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
