/**
 * The gateway items of issue 10, each under a test named after it, against the Node gateway over
 * real HTTP on loopback. Each of these failed on the gateway before its fix.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyFileName, startGateway, type RunningGateway } from '../../../src/gateway/node.js';
import { errorCode, rawRequest, type RawResponse } from '../../support/gateway-http.js';
import { ACCESS_KEY_ID, secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

let sandbox: string;
let directory: string;
let gateway: RunningGateway;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'sigv4-gateway-hardening-'));
  directory = join(sandbox, 'objects');
  gateway = await startGateway({ directory, secretFor, now: () => SIGNED_AT });
});
afterAll(async () => {
  await gateway.close();
  await rm(sandbox, { recursive: true, force: true });
});

/** A presigned request's target (path and query) and the headers it signed, for `origin`. */
function presigned(origin: string, method: string, path: string, headers: Record<string, string> = {}) {
  const signed = sign({ method, url: origin + path, headers });
  return { target: signed.url.slice(origin.length), headers: signed.headers };
}

async function put(path: string, body: string | Uint8Array, contentType = 'text/plain') {
  const { target, headers } = presigned(gateway.url, 'PUT', path, { 'content-type': contentType });
  return rawRequest(gateway.url, 'PUT', target, headers, body);
}
async function get(path: string, method = 'GET') {
  return rawRequest(gateway.url, method, presigned(gateway.url, method, path).target);
}

describe('issue 10.9: smaller things', () => {
  test('issue 10.9: messages that echo request text escape control characters', async () => {
    // The access key id is echoed in InvalidAccessKeyId's message, decoded from the query.
    const { target } = presigned(gateway.url, 'GET', '/log');
    const forged = target.replace(ACCESS_KEY_ID, 'AKID%0D%0A2026-03-01%20admin%20login%20ok%E2%80%A8%C2%85');
    const answer = await rawRequest(gateway.url, 'GET', forged);
    expect([answer.status, errorCode(answer.body)]).toEqual([403, 'InvalidAccessKeyId']);
    const message = /<Message>([^]*)<\/Message>/.exec(answer.body)![1]!;
    expect(message).toContain('AKID\\x0d\\x0a2026-03-01 admin login ok\\u2028\\x85');
    // The only line break in the whole answer is the one after the XML declaration.
    expect(answer.body.match(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g)).toEqual(['\n']);
  });

  test('issue 10.9: the source-IP allow-list is checked before the signature', async () => {
    let lookups = 0;
    const fenced = await startGateway({
      directory,
      now: () => SIGNED_AT,
      allowedSourceIps: ['192.0.2.0/24'],
      secretFor: (id) => (lookups++, secretFor(id)),
    });
    try {
      // Whatever the URL says (a bad signature, an unknown key, no signature at all), an address
      // outside the list gets the same answer, and no key is looked up.
      const { target } = presigned(fenced.url, 'GET', '/anything');
      const targets = [
        target,
        target.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        target.replace(ACCESS_KEY_ID, 'AKIDOTHER'),
        '/anything',
      ];
      for (const each of targets) {
        const answer = await rawRequest(fenced.url, 'GET', each);
        expect([answer.status, errorCode(answer.body)]).toEqual([403, 'SourceIpNotAllowed']);
      }
      expect(lookups).toBe(0);
    } finally {
      await fenced.close();
    }
  });

  test('issue 10.9: a FIFO at an object’s path cannot stall the server', async () => {
    expect((await put('/served', 'still served')).status).toBe(200);
    const fifo = join(directory, keyFileName('fifo'));
    execFileSync('mkfifo', [fifo]);
    try {
      // More requests than libuv has pool threads (4): blocking opens would hold them all, and
      // every later file access would wait behind them.
      const answers = Promise.all(Array.from({ length: 6 }, () => get('/fifo')));
      const served = answers.then(() => get('/served'));
      const stalled = new Promise<'stalled'>((resolve) => setTimeout(resolve, 3000, 'stalled').unref());
      expect(await Promise.race([served.then(() => 'answered'), stalled])).toBe('answered');
      for (const answer of await answers) expect([answer.status, errorCode(answer.body)]).toEqual([404, 'NoSuchKey']);
      expect((await served).body).toBe('still served');
    } finally {
      // Opens blocked on the FIFO hold the pool threads, so the writer that releases them is
      // opened on this thread.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: no reader is waiting, nothing to release.
      }
      await rm(fifo);
    }
  });

  test('issue 10.9: downloads carry x-content-type-options: nosniff', async () => {
    expect((await put('/page.html', '<script>alert(1)</script>', 'text/plain')).status).toBe(200);
    for (const method of ['GET', 'HEAD']) {
      const answer = await get('/page.html', method);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/plain');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await get('/missing')).headers['x-content-type-options']).toBe('nosniff');
  });
});

/** Temporary upload files in the storage directory. */
const temporaries = async () => (await readdir(directory)).filter((name) => name.startsWith('.upload-'));

/** Waits until `condition` holds, checking every 10 ms, for at most `ms`. */
async function until(condition: () => Promise<boolean>, ms = 3000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition());) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An upload whose body the test sends piece by piece, on its own connection. */
function slowPut(path: string, contentType: string, length: number) {
  const { target, headers } = presigned(gateway.url, 'PUT', path, { 'content-type': contentType });
  const url = new URL(gateway.url);
  const outgoing = httpRequest({
    host: url.hostname,
    port: url.port,
    method: 'PUT',
    path: target,
    headers: { ...headers, 'content-length': String(length) },
    agent: false,
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    outgoing.on('response', (incoming) => {
      let body = '';
      incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }));
    });
    outgoing.on('error', reject);
  });
  outgoing.flushHeaders();
  return {
    send: (part: string) => new Promise<void>((resolve) => outgoing.write(part, () => resolve())),
    finish: (part: string) => (outgoing.end(part), response),
    abort: () => {
      response.catch(() => {}); // the test cut the connection: its error is expected
      outgoing.destroy();
    },
  };
}

/** What a GET of `path` returns, as `type:body-length:first-letter` (bodies here are one letter repeated). */
async function seen(path: string): Promise<string> {
  const answer = await get(path);
  if (answer.status !== 200) return `status ${answer.status}`;
  const letters = new Set(answer.body);
  return `${String(answer.headers['content-type'])}:${answer.body.length}:${[...letters].join('')}`;
}

describe('issue 10.3: uploads are all or nothing', () => {
  test('issue 10.3: a GET during a PUT sees the old object or the new one, whole, with its own content type', async () => {
    expect((await put('/swap', 'A'.repeat(100_000), 'text/a')).status).toBe(200);
    const upload = slowPut('/swap', 'text/b', 150_000);
    await upload.send('B'.repeat(50_000));
    await until(async () => (await temporaries()).length === 1);
    // Readers run while the rest of the body arrives in pieces.
    let sending = true;
    const readers = Array.from({ length: 4 }, async () => {
      const views: string[] = [];
      while (sending) views.push(await seen('/swap'));
      return views;
    });
    for (let i = 0; i < 4; i++) {
      await upload.send('B'.repeat(20_000));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await upload.finish('B'.repeat(20_000))).status).toBe(200);
    for (let i = 0; i < 3; i++) await seen('/swap'); // readers overlap the rename too
    sending = false;
    const views = new Set((await Promise.all(readers)).flat());
    expect(views).toContain('text/a:100000:A');
    for (const view of views) expect(['text/a:100000:A', 'text/b:150000:B']).toContain(view);
    expect(await seen('/swap')).toBe('text/b:150000:B');
    expect(await temporaries()).toEqual([]);
  });

  test('issue 10.3: an aborted PUT changes nothing', async () => {
    expect((await put('/kept', 'K'.repeat(1000), 'text/kept')).status).toBe(200);
    const upload = slowPut('/kept', 'text/lost', 100_000);
    await upload.send('L'.repeat(40_000));
    await until(async () => (await temporaries()).length === 1);
    upload.abort();
    await until(async () => (await temporaries()).length === 0);
    expect(await seen('/kept')).toBe('text/kept:1000:K');
  });

  test('issue 10.3: of two concurrent PUTs, one wins entirely', async () => {
    const first = slowPut('/race', 'text/x', 60_000);
    await first.send('X'.repeat(30_000));
    await until(async () => (await temporaries()).length === 1);
    const second = slowPut('/race', 'text/y', 80_000);
    await second.send('Y'.repeat(40_000));
    await until(async () => (await temporaries()).length === 2);
    // The second starts later and finishes first; the first, finishing last, wins whole.
    expect((await second.finish('Y'.repeat(40_000))).status).toBe(200);
    expect((await first.finish('X'.repeat(30_000))).status).toBe(200);
    expect(await seen('/race')).toBe('text/x:60000:X');

    // And eight at once, with readers alongside: every view is one upload, whole.
    const letters = 'CDEFGHIJ';
    const uploads = [...letters].map((letter, i) => put('/race', letter.repeat(10_000 + i), `text/${letter}`));
    const views = await Promise.all(Array.from({ length: 8 }, () => seen('/race')));
    for (const answer of await Promise.all(uploads)) expect(answer.status).toBe(200);
    const whole = new Set(['text/x:60000:X', ...[...letters].map((l, i) => `text/${l}:${10_000 + i}:${l}`)]);
    for (const view of [...views, await seen('/race')]) expect(whole).toContain(view);
    expect(await temporaries()).toEqual([]);
  });
});
