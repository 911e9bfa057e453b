/**
 * The same gateway handler as a Cloudflare Worker on workerd (miniflare): bundled by esbuild from
 * test/support/verify-gateway-worker.ts, with the key pair in bindings, called with fetch over
 * miniflare's loopback HTTP server. (`dispatchFetch` is not used: it rewrites Host to the
 * loopback address while keeping the URL, which no production Worker sees.)
 */
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { presignPost } from '../../src/index.js';
import { ACCESS_KEY_ID, SECRET, sign } from '../support/verify-fixtures.js';

let worker: Miniflare;
let origin: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../support/verify-gateway-worker.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  });
  worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    compatibilityDate: '2026-04-01',
    bindings: { ACCESS_KEY_ID, SECRET_ACCESS_KEY: SECRET },
  });
  origin = (await worker.ready).origin;
});
afterAll(async () => {
  await worker?.dispose();
});

// The worker checks against the real clock: sign now.
const now = () => new Date();

describe('gateway on workerd', () => {
  test('PUT then GET through presigned URLs', async () => {
    const upload = sign({
      method: 'PUT',
      url: `${origin}/notes/hello%20world.txt`,
      headers: { 'content-type': 'text/plain' },
      signingDate: now(),
    });
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'hi from workerd' });
    expect(put.status).toBe(200);
    await put.arrayBuffer();
    const got = await fetch(sign({ url: `${origin}/notes/hello%20world.txt`, signingDate: now() }).url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(await got.text()).toBe('hi from workerd');
  });

  test('refusals are S3 XML with the verifier’s codes', async () => {
    const url = sign({ url: `${origin}/notes/hello%20world.txt`, signingDate: now() }).url;
    const tampered = await fetch(url.replace('hello', 'jello'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const unknownKey = await fetch(url.replace(ACCESS_KEY_ID, 'AKIDUNKNOWN'));
    expect(await unknownKey.text()).toContain('<Code>InvalidAccessKeyId</Code>');
    const missing = await fetch(sign({ url: `${origin}/none`, signingDate: now() }).url);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');
    const expired = await fetch(
      sign({ url: `${origin}/notes/hello%20world.txt`, signingDate: new Date(Date.now() - 3_600_000) }).url,
    );
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
  });

  test('a pinned body is checked on workerd too, with the pure-JS digests', async () => {
    const body = 'pinned on workerd';
    const md5 = createHash('md5').update(body).digest('base64');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const pinned = (headers: Record<string, string>) =>
      sign({ method: 'PUT', url: `${origin}/pinned`, headers, signingDate: now() });
    const wrongHash = pinned({ 'x-amz-content-sha256': sha256 });
    const refused = await fetch(wrongHash.url, { method: 'PUT', headers: wrongHash.headers, body: body + '!' });
    expect([refused.status, await refused.text()]).toEqual([
      400,
      expect.stringContaining('<Code>XAmzContentSHA256Mismatch</Code>'),
    ]);
    const wrongMd5 = pinned({ 'content-md5': md5 });
    const bad = await fetch(wrongMd5.url, { method: 'PUT', headers: wrongMd5.headers, body: 'something else' });
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringContaining('<Code>BadDigest</Code>')]);
    expect((await fetch(sign({ url: `${origin}/pinned`, signingDate: now() }).url)).status).toBe(404);
    const both = pinned({ 'content-md5': md5, 'x-amz-content-sha256': sha256 });
    const stored = await fetch(both.url, { method: 'PUT', headers: both.headers, body });
    expect(stored.status).toBe(200);
    await stored.arrayBuffer();
    expect(await (await fetch(sign({ url: `${origin}/pinned`, signingDate: now() }).url)).text()).toBe(body);
  });

  test('a presigned POST form uploads on workerd, streamed, and a file over its size range is refused', async () => {
    const post = (max: number) =>
      presignPost({
        bucket: 'forms',
        region: 'us-east-1',
        endpoint: origin,
        forcePathStyle: true,
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
        keyPrefix: 'in/',
        contentLengthRange: [1, max],
        successActionStatus: 201,
      });
    const small = post(4);
    const large = post(100);
    const send = (fields: Record<string, string>, body: string) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', new Blob([body]), 'note.txt'); // last
      return fetch(small.url, { method: 'POST', body: form }); // both policies post to the bucket /forms
    };
    const refused = await send(small.fields, 'too long for it');
    expect([refused.status, await refused.text()]).toEqual([
      400,
      expect.stringContaining('<Code>EntityTooLarge</Code>'),
    ]);
    const stored = await send(large.fields, 'posted on workerd');
    expect(stored.status).toBe(201);
    expect(await stored.text()).toContain('<Key>in/note.txt</Key>');
    const got = await fetch(sign({ url: `${origin}/forms/in/note.txt`, signingDate: now() }).url);
    expect(await got.text()).toBe('posted on workerd');
  });
});
