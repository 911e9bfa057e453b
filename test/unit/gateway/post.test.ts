/**
 * The gateway's POST route through its fetch adapter, on memory storage: form uploads stored
 * under `bucket/key` and read back through a presigned GET; every refusal with S3's code and
 * nothing stored; the size range, pinned digests and the 20 KB of fields enforced while the body
 * streams; S3's answers (204, 201 with XML, 200, 303 with bucket, key and ETag).
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createGateway, memoryStorage } from '../../../src/gateway/gateway.js';
import { presignGetObject, presignPost, type PresignPostOptions } from '../../../src/index.js';

const credentials = { accessKeyId: 'AKIDPOST', secretAccessKey: 'post/secret+key' };
const NOW = new Date('2024-05-01T10:00:00Z');
const ORIGIN = 'http://files.example.test';
const location = { bucket: 'uploads', region: 'us-east-1', endpoint: ORIGIN, forcePathStyle: true };

function gatewayFor(objects = new Map<string, { bytes: Uint8Array<ArrayBuffer>; contentType: string | undefined }>()) {
  const handle = createGateway({
    storage: memoryStorage(objects),
    secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
    hosts: ['files.example.test'],
    maxObjectSize: 1000,
    now: () => NOW,
  });
  return { handle, objects };
}

const sign = (options: Partial<PresignPostOptions> = {}) =>
  presignPost({ ...location, credentials, key: 'a/b.txt', signingDate: NOW, ...options } as PresignPostOptions);

function formOf(fields: Record<string, string>, file: Uint8Array | string | undefined, filename = 'f.txt') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) form.append('file', new Blob([file as BlobPart]), filename);
  return form;
}

async function post(
  handle: ReturnType<typeof gatewayFor>['handle'],
  url: string,
  body: BodyInit,
  headers?: HeadersInit,
) {
  const response = await handle(
    new Request(url, { method: 'POST', body, ...(headers === undefined ? {} : { headers }) }),
  );
  return { status: response.status, headers: response.headers, body: await response.text() };
}
const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

describe('form uploads through the gateway', () => {
  test('stored under bucket/key, read back by a presigned GET of /bucket/key; 204 with ETag and Location', async () => {
    const { handle, objects } = gatewayFor();
    const signed = sign({ contentType: 'text/plain', contentLengthRange: [1, 100] });
    expect(signed.url).toBe(`${ORIGIN}/uploads`);
    const response = await post(handle, signed.url, formOf(signed.fields, 'hello'));
    expect(response.status, response.body).toBe(204);
    expect(response.headers.get('etag')).toBe(`"${createHash('md5').update('hello').digest('hex')}"`);
    expect(response.headers.get('location')).toBe(`${ORIGIN}/uploads/a/b.txt`);
    expect([...objects.keys()]).toEqual(['uploads/a/b.txt']);
    const get = await handle(
      new Request(presignGetObject({ ...location, credentials, key: 'a/b.txt', signingDate: NOW }).url),
    );
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('hello');
    expect(get.headers.get('content-type')).toBe('text/plain');
  });

  test('201 answers S3’s PostResponse XML; 200 an empty body; ${filename} names the key', async () => {
    const { handle } = gatewayFor();
    const created = sign({ key: undefined, keyPrefix: 'in/', successActionStatus: 201 });
    const response = await post(handle, created.url, formOf(created.fields, 'x', 'C:\\tmp\\note & <1>.txt'));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/xml');
    // The folders a browser may send are dropped, as S3 drops them.
    expect(response.body).toContain('<Bucket>uploads</Bucket><Key>in/note &amp; &lt;1&gt;.txt</Key>');
    expect(response.body).toContain(`<Location>${ORIGIN}/uploads/in/note%20%26%20%3C1%3E.txt</Location>`);
    const ok = sign({ successActionStatus: 200 });
    expect(await post(handle, ok.url, formOf(ok.fields, 'x'))).toMatchObject({ status: 200, body: '' });
  });

  test('success_action_redirect answers 303 with bucket, key and etag added to its query', async () => {
    const { handle } = gatewayFor();
    const signed = sign({ successActionRedirect: 'https://app.example.com/done?from=form' });
    const response = await post(handle, signed.url, formOf(signed.fields, 'hi'));
    expect(response.status).toBe(303);
    const target = new URL(response.headers.get('location')!);
    expect(target.origin + target.pathname).toBe('https://app.example.com/done');
    expect(Object.fromEntries(target.searchParams)).toEqual({
      from: 'form',
      bucket: 'uploads',
      key: 'a/b.txt',
      etag: `"${createHash('md5').update('hi').digest('hex')}"`,
    });
  });

  test.each<[string, () => { url: string; body: BodyInit; headers?: HeadersInit }, number, string]>([
    [
      'too large',
      () => ({
        url: sign({ contentLengthRange: [1, 4] }).url,
        body: formOf(sign({ contentLengthRange: [1, 4] }).fields, 'hello'),
      }),
      400,
      'EntityTooLarge',
    ],
    [
      'too small',
      () => ({
        url: sign({ contentLengthRange: [6, 9] }).url,
        body: formOf(sign({ contentLengthRange: [6, 9] }).fields, 'hello'),
      }),
      400,
      'EntityTooSmall',
    ],
    [
      'over the gateway’s own limit',
      () => ({ url: sign().url, body: formOf(sign().fields, 'x'.repeat(1001)) }),
      400,
      'EntityTooLarge',
    ],
    [
      'an extra field',
      () => ({ url: sign().url, body: formOf({ ...sign().fields, acl: 'public-read' }, 'x') }),
      403,
      'AccessDenied',
    ],
    [
      'a bad signature',
      () => ({ url: sign().url, body: formOf({ ...sign().fields, 'x-amz-signature': '0'.repeat(64) }, 'x') }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'a policy for another bucket',
      () => ({ url: sign().url, body: formOf(sign({ bucket: 'others' }).fields, 'x') }),
      403,
      'AccessDenied',
    ],
    [
      'an expired policy',
      () => ({
        url: sign().url,
        body: formOf(sign({ signingDate: new Date(NOW.getTime() - 3600_000), expiresIn: 60 }).fields, 'x'),
      }),
      403,
      'AccessDenied',
    ],
    [
      'no key',
      () => ({
        url: sign().url,
        body: formOf(Object.fromEntries(Object.entries(sign().fields).filter(([n]) => n !== 'key')), 'x'),
      }),
      400,
      'InvalidArgument',
    ],
    [
      'no file',
      () => ({ url: sign().url, body: formOf(sign().fields, undefined) }),
      400,
      'IncorrectNumberOfFilesInPostRequest',
    ],
    ['not multipart', () => ({ url: sign().url, body: new URLSearchParams(sign().fields) }), 412, 'PreconditionFailed'],
    [
      'fields over 20 KB',
      () => ({ url: sign().url, body: formOf({ 'x-ignore-pad': 'p'.repeat(21_000), ...sign().fields }, 'x') }),
      400,
      'MaxPostPreDataLengthExceeded',
    ],
    [
      'a Content-MD5 field the file does not match',
      () => {
        const signed = sign({ fields: { 'Content-MD5': createHash('md5').update('other').digest('base64') } });
        return { url: signed.url, body: formOf(signed.fields, 'x') };
      },
      400,
      'BadDigest',
    ],
    [
      'an object path rather than a bucket',
      () => ({ url: `${ORIGIN}/uploads/a/b.txt`, body: formOf(sign().fields, 'x') }),
      400,
      'InvalidURI',
    ],
    [
      'another host',
      () => ({ url: 'http://other.example.test/uploads', body: formOf(sign().fields, 'x') }),
      403,
      'HostNotAllowed',
    ],
  ])('%s, nothing stored', async (_name, make, status, expected) => {
    const { handle, objects } = gatewayFor();
    const { url, body, headers } = make();
    const response = await post(handle, url, body, headers);
    expect(response.status, response.body).toBe(status);
    expect(code(response.body)).toBe(expected);
    expect(objects.size).toBe(0);
  });

  test('a body declared longer than any form the gateway takes is refused before it is read', async () => {
    const { handle, objects } = gatewayFor();
    const signed = sign();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request(signed.url, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        'content-type': 'multipart/form-data; boundary=b',
        'content-length': String(1000 + 20 * 1024 + 64 * 1024 + 1),
      },
    } as RequestInit);
    const response = await handle(request);
    expect(response.status).toBe(400);
    expect(code(await response.text())).toBe('EntityTooLarge');
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pull once when built; the gateway read nothing
    expect(objects.size).toBe(0);
  });

  test('a form that changes nothing of a stored object when refused', async () => {
    const { handle, objects } = gatewayFor();
    const first = sign();
    expect((await post(handle, first.url, formOf(first.fields, 'one'))).status).toBe(204);
    const capped = sign({ contentLengthRange: [1, 2] });
    expect((await post(handle, capped.url, formOf(capped.fields, 'three'))).status).toBe(400);
    expect(new TextDecoder().decode(objects.get('uploads/a/b.txt')!.bytes)).toBe('one');
  });

  test('a presigned POST URL (CreateMultipartUpload) is not taken for a form', async () => {
    const { handle } = gatewayFor();
    const response = await post(handle, `${ORIGIN}/uploads/k?uploads&X-Amz-Signature=${'0'.repeat(64)}`, 'x');
    expect(response.status).toBe(400);
    expect(code(response.body)).toBe('AuthorizationQueryParametersError');
  });
});
