/**
 * The gateway items of issue 10, each under a test named after it, against the Node gateway over
 * real HTTP on loopback. Each of these failed on the gateway before its fix.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createGateway, memoryStorage } from '../../../src/gateway/gateway.js';
import { keyFileName, startGateway, type RunningGateway } from '../../../src/gateway/node.js';
import { errorCode, rawRequest, type RawResponse } from '../../support/gateway-http.js';
import { ACCESS_KEY_ID, secretFor, sign, signPayloadHashHeader, SIGNED_AT } from '../../support/verify-fixtures.js';

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
    expect(message).toContain('AKID\\u000d\\u000a2026-03-01 admin login ok\\u2028\\u0085');
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

/** Sends a request's head only (no body yet) on a raw socket; resolves with all the server sent once it closes. */
function headOnly(origin: string, method: string, target: string, headers: Record<string, string>) {
  const url = new URL(origin);
  const socket = connect(Number(url.port), url.hostname);
  const lines = [
    `${method} ${target} HTTP/1.1`,
    `host: ${url.host}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return new Promise<string>((resolve, reject) => {
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    setTimeout(() => (socket.destroy(), reject(new Error(`no close; received: ${received}`))), 3000).unref();
  });
}

describe('issue 10.4: uploads are bounded', () => {
  let capped: RunningGateway;
  beforeAll(async () => {
    capped = await startGateway({ directory, secretFor, now: () => SIGNED_AT, maxObjectSize: 1000 });
  });
  afterAll(() => capped.close());

  const cappedPut = (path: string, body: string | undefined, headers: Record<string, string> = {}) => {
    const signed = presigned(capped.url, 'PUT', path, { 'content-type': 'text/plain' });
    return rawRequest(capped.url, 'PUT', signed.target, { ...signed.headers, ...headers }, body);
  };

  test('issue 10.4: a body over maxObjectSize is refused with EntityTooLarge and never stored', async () => {
    expect((await cappedPut('/limit', 'x'.repeat(1000))).status).toBe(200);
    const over = await cappedPut('/limit', 'y'.repeat(1001));
    expect([over.status, errorCode(over.body)]).toEqual([400, 'EntityTooLarge']);
    // Without a declared length (chunked), counted as it arrives.
    const { target, headers } = presigned(capped.url, 'PUT', '/limit', { 'content-type': 'text/plain' });
    const chunked = await new Promise<RawResponse>((resolve, reject) => {
      const url = new URL(capped.url);
      const outgoing = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: target,
        headers,
        agent: false,
      });
      outgoing.on('response', (incoming) => {
        let body = '';
        incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }));
      });
      outgoing.on('error', reject);
      for (let i = 0; i < 3; i++) outgoing.write('z'.repeat(600));
      outgoing.end();
    });
    expect([chunked.status, errorCode(chunked.body)]).toEqual([400, 'EntityTooLarge']);
    expect(await seen('/limit')).toBe('text/plain:1000:x');
    expect(await temporaries()).toEqual([]);
  });

  test('issue 10.4: a declared content-length over the limit is refused before the body, and the connection closed', async () => {
    for (const [origin, length] of [
      [capped.url, '1001'],
      [gateway.url, String(5 * 2 ** 30 + 1)], // the default limit: S3's 5 GiB
    ] as const) {
      const { target, headers } = presigned(origin, 'PUT', '/declared', { 'content-type': 'text/plain' });
      const answer = await headOnly(origin, 'PUT', target, { ...headers, 'content-length': length });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/connection: close/i);
      expect(errorCode(answer)).toBe('EntityTooLarge');
    }
    expect(await temporaries()).toEqual([]);
  });

  test('issue 10.4: memoryStorage does not buffer beyond the limit', async () => {
    const handler = createGateway({ storage: memoryStorage(), secretFor, now: () => SIGNED_AT, maxObjectSize: 1000 });
    let pulled = 0;
    // 100 KB offered in 100-byte chunks, pulled one at a time.
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= 100_000) return controller.close();
          pulled += 100;
          controller.enqueue(new Uint8Array(100).fill(0x61));
        },
      },
      { highWaterMark: 0 },
    );
    const url = sign({ method: 'PUT', url: 'http://gateway.test/memory' }).url;
    const answer = await handler(new Request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit));
    expect([answer.status, errorCode(await answer.text())]).toEqual([400, 'EntityTooLarge']);
    expect(pulled).toBeLessThanOrEqual(1100);
    const read = await handler(new Request(sign({ url: 'http://gateway.test/memory' }).url));
    expect(read.status).toBe(404);
  });
});

describe('issue 10.1: the body must match what was signed', () => {
  const body = '123456789';
  const wrong = '123456780';
  const digest = (algorithm: string, data: string, encoding: 'hex' | 'base64') =>
    createHash(algorithm).update(data).digest(encoding);
  const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  // Expected values from independent sources: node:crypto, node:zlib, and the CRC catalogue's
  // check values for "123456789" (CRC-32/ISCSI, CRC-64/NVME).
  const pinned: [name: string, header: string, value: string, code: string][] = [
    ['x-amz-content-sha256', 'x-amz-content-sha256', digest('sha256', body, 'hex'), 'XAmzContentSHA256Mismatch'],
    ['content-md5', 'content-md5', digest('md5', body, 'base64'), 'BadDigest'],
    ['crc32', 'x-amz-checksum-crc32', base64(zlibCrc32(body).toString(16).padStart(8, '0')), 'BadDigest'],
    ['crc32c', 'x-amz-checksum-crc32c', base64('e3069283'), 'BadDigest'],
    ['crc64nvme', 'x-amz-checksum-crc64nvme', base64('ae8b14860a799888'), 'BadDigest'],
    ['sha1', 'x-amz-checksum-sha1', digest('sha1', body, 'base64'), 'BadDigest'],
    ['sha256', 'x-amz-checksum-sha256', digest('sha256', body, 'base64'), 'BadDigest'],
  ];

  test.each(pinned)(
    'issue 10.1: a body that does not match its signed %s is refused, and nothing of it is visible',
    async (_, header, value, code) => {
      const path = `/pinned-${header}`;
      expect((await put(path, 'old', 'text/old')).status).toBe(200);
      const signed = presigned(gateway.url, 'PUT', path, { 'content-type': 'text/new', [header]: value });
      const signedHeaders = new URL(gateway.url + signed.target).searchParams.get('X-Amz-SignedHeaders')!;
      expect(signedHeaders.split(';')).toContain(header);
      const refused = await rawRequest(gateway.url, 'PUT', signed.target, signed.headers, wrong);
      expect([refused.status, errorCode(refused.body)]).toEqual([400, code]);
      expect(await seen(path)).toBe('text/old:3:old');
      expect(await temporaries()).toEqual([]);
      // The body that was signed is stored.
      expect((await rawRequest(gateway.url, 'PUT', signed.target, signed.headers, body)).status).toBe(200);
      const stored = await get(path);
      expect([stored.status, stored.body, stored.headers['content-type']]).toEqual([200, body, 'text/new']);
    },
  );

  test('issue 10.1: values that cannot be checked are refused before the body is stored', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ 'x-amz-content-sha256': 'not-a-digest' }, 400, 'InvalidArgument'],
      [{ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }, 501, 'NotImplemented'],
      [{ 'content-md5': 'short==' }, 400, 'InvalidDigest'],
      // CRC32 of the body is y/Q5Jg==: the same bytes with a stray bit set after them are not canonical.
      [{ 'x-amz-checksum-crc32': 'y/Q5Jh==' }, 400, 'InvalidRequest'],
      [{ 'x-amz-checksum-sha256': 'AAAA' }, 400, 'InvalidRequest'],
      [
        { 'x-amz-checksum-crc32': base64('cbf43926'), 'x-amz-checksum-crc32c': base64('e3069283') },
        400,
        'InvalidRequest',
      ],
    ];
    for (const [headers, status, code] of cases) {
      const { 'x-amz-content-sha256': payloadHash, ...others } = headers;
      // This engine refuses to sign a malformed x-amz-content-sha256; another signer might not.
      const signed =
        payloadHash === undefined
          ? presigned(gateway.url, 'PUT', '/unchecked', { 'content-type': 'text/plain', ...others })
          : (({ url, headers: sent }) => ({ target: url.slice(gateway.url.length), headers: sent }))(
              signPayloadHashHeader(gateway.url + '/unchecked', 'PUT', payloadHash, { 'content-type': 'text/plain' }),
            );
      const answer = await rawRequest(gateway.url, 'PUT', signed.target, signed.headers, body);
      expect([answer.status, errorCode(answer.body)]).toEqual([status, code]);
    }
    expect((await get('/unchecked')).status).toBe(404);
    expect(await temporaries()).toEqual([]);
  });
});

describe('issue 10.2: a URL works only at the host it was signed for', () => {
  test('issue 10.2: a URL signed for real S3 or for another gateway is refused, even with a forged Host header', async () => {
    expect((await put('/bound', 'bound object')).status).toBe(200);
    const other = await startGateway({ directory, secretFor, now: () => SIGNED_AT });
    try {
      const s3 = 'http://examplebucket.s3.us-east-1.amazonaws.com';
      for (const origin of [s3, other.url]) {
        const { target } = presigned(origin, 'GET', '/bound');
        const forged = await rawRequest(gateway.url, 'GET', target, { host: new URL(origin).host });
        expect([forged.status, errorCode(forged.body)]).toEqual([403, 'HostNotAllowed']);
      }
      // The same object through a URL signed for this gateway, and for the other one there.
      expect((await get('/bound')).body).toBe('bound object');
      const there = presigned(other.url, 'GET', '/bound').target;
      expect((await rawRequest(other.url, 'GET', there)).body).toBe('bound object');
    } finally {
      await other.close();
    }
  });

  test('issue 10.2: createGateway takes the list: host[:port], case-insensitive, default port elided', async () => {
    const handler = createGateway({
      storage: memoryStorage(),
      secretFor,
      now: () => SIGNED_AT,
      hosts: ['Files.Example.COM', 'files.example.com:8443', '[2001:DB8::1]:443'],
    });
    const status = async (url: string) => (await handler(new Request(sign({ url }).url))).status;
    // Answered (404: no such object yet), or refused (403 HostNotAllowed).
    expect(await status('https://files.example.com/k')).toBe(404);
    expect(await status('http://FILES.example.com:80/k')).toBe(404);
    expect(await status('https://files.example.com:8443/k')).toBe(404);
    expect(await status('https://[2001:db8::1]/k')).toBe(404);
    expect(await status('https://files.example.com:8080/k')).toBe(403);
    expect(await status('https://evil.example.com/k')).toBe(403);
    expect(() => createGateway({ storage: memoryStorage(), secretFor, hosts: ['files.example.com/path'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  test('issue 10.2: startGateway answers to the address it listens on, and needs the list on a wildcard address', async () => {
    const named = await startGateway({ directory, secretFor, now: () => SIGNED_AT, host: 'localhost' });
    try {
      const port = new URL(named.url).port;
      for (const origin of [named.url, `http://localhost:${port}`]) {
        const { target } = presigned(origin, 'GET', '/bound');
        expect((await rawRequest(named.url, 'GET', target, { host: new URL(origin).host })).status).toBe(200);
      }
      const { target } = presigned(`http://127.0.0.2:${port}`, 'GET', '/bound');
      expect((await rawRequest(named.url, 'GET', target, { host: `127.0.0.2:${port}` })).status).toBe(403);
    } finally {
      await named.close();
    }
    // Refused before it listens (so this test listens on loopback only).
    for (const host of ['0.0.0.0', '::']) {
      await expect(startGateway({ directory, secretFor, host })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    // Behind a reverse proxy that forwards the client's Host: the public name only.
    const proxied = await startGateway({ directory, secretFor, now: () => SIGNED_AT, hosts: ['files.example.com'] });
    try {
      const { target } = presigned('https://files.example.com', 'GET', '/bound');
      const answer = await rawRequest(proxied.url, 'GET', target, { host: 'files.example.com' });
      expect([answer.status, answer.body]).toEqual([200, 'bound object']);
      const direct = presigned(proxied.url, 'GET', '/bound').target;
      expect((await rawRequest(proxied.url, 'GET', direct)).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});
