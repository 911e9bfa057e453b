/**
 * The Node gateway over real HTTP on loopback: uploads and downloads through presigned URLs,
 * S3-style XML errors, keys that try to escape the directory, planted symlinks, and the
 * source-IP allow-list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directoryStorage, keyFileName, startGateway, type RunningGateway } from '../../../src/gateway/node.js';
import { chunks, rawRequest, text } from '../../support/gateway-http.js';
import { secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

let sandbox: string;
let directory: string;
let gateway: RunningGateway;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'sigv4-gateway-'));
  directory = join(sandbox, 'objects');
  gateway = await startGateway({ directory, secretFor, now: () => SIGNED_AT });
});
afterAll(async () => {
  await gateway.close();
  await rm(sandbox, { recursive: true, force: true });
});

/** Sends a request with its target written verbatim (fetch would resolve dot segments). */
const raw = (method: string, target: string, headers: Record<string, string> = {}, body?: string | Uint8Array) =>
  rawRequest(gateway.url, method, target, headers, body);

const presigned = (method: string, path: string, headers: Record<string, string> = {}) => {
  const signed = sign({ method, url: gateway.url + path, headers });
  return { target: signed.url.slice(gateway.url.length), headers: signed.headers };
};

async function put(path: string, body: string, contentType = 'text/plain') {
  const { target, headers } = presigned('PUT', path, { 'content-type': contentType });
  return raw('PUT', target, headers, body);
}
async function get(path: string, method = 'GET') {
  const { target } = presigned(method, path);
  return raw(method, target);
}
const errorCode = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

describe('serving through presigned URLs', () => {
  test('PUT then GET and HEAD an object', async () => {
    expect((await put('/photos/cat%20picture+1.jpg', 'meow', 'image/jpeg')).status).toBe(200);
    const got = await get('/photos/cat%20picture+1.jpg');
    expect(got).toMatchObject({ status: 200, body: 'meow' });
    expect(got.headers['content-type']).toBe('image/jpeg');
    const head = await get('/photos/cat%20picture+1.jpg', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('4');
  });

  test('fetch works as a client too', async () => {
    const url = sign({ method: 'PUT', url: `${gateway.url}/via-fetch`, headers: { 'content-type': 'text/plain' } });
    const put = await fetch(url.url, { method: 'PUT', body: 'hello', headers: url.headers });
    expect(put.status).toBe(200);
    const got = await fetch(sign({ url: `${gateway.url}/via-fetch` }).url);
    expect(await got.text()).toBe('hello');
  });

  test('errors are S3-style XML with the verifier’s codes', async () => {
    const missing = await get('/no/such/key');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/xml');
    expect(errorCode(missing.body)).toBe('NoSuchKey');
    expect(missing.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>.*<\/Message><Resource>\/no\/such\/key<\/Resource><RequestId>[0-9a-f-]{36}<\/RequestId><\/Error>$/,
    );

    const { target } = presigned('GET', '/photos/cat%20picture+1.jpg');
    const tampered = await raw('GET', target.replace('cat', 'dog'));
    expect([tampered.status, errorCode(tampered.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    const unsigned = await raw('GET', '/photos/cat%20picture+1.jpg');
    expect([unsigned.status, errorCode(unsigned.body)]).toEqual([400, 'AuthorizationQueryParametersError']);
    const expired = sign({ url: gateway.url + '/photos/x', signingDate: new Date(SIGNED_AT.getTime() - 901_000) });
    const late = await raw('GET', expired.url.slice(gateway.url.length));
    expect([late.status, errorCode(late.body)]).toEqual([403, 'AccessDenied']);
    const deleted = await get('/photos/cat%20picture+1.jpg', 'DELETE');
    expect([deleted.status, errorCode(deleted.body)]).toEqual([405, 'MethodNotAllowed']);
    const wrongMethod = await raw('HEAD', target);
    expect(wrongMethod.status).toBe(403);
  });

  test('an upload without its signed content-type is refused and stores nothing', async () => {
    const { target } = presigned('PUT', '/typed', { 'content-type': 'image/png' });
    const refused = await raw('PUT', target, { 'content-type': 'text/html' }, '<script>');
    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect((await get('/typed')).status).toBe(404);
  });

  test('a message in an error is XML-escaped', async () => {
    const bad = await raw('GET', '/k?X-Amz-Algorithm=%3Cscript%3E');
    expect(bad.body).not.toContain('<script>');
  });
});

describe('streaming', () => {
  /** Descriptors of this process open on files of the storage directory (sockets and the rest do not count). */
  const openObjects = async () => {
    const targets = await Promise.all(
      (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
    );
    return targets.filter((target) => target.startsWith(directory)).length;
  };
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  test('objects of every size around the read boundaries come back whole, with the right length', async () => {
    // One read takes 65 KiB of header and body; later reads take 256 KiB; uploads are written 256 KiB at a time.
    for (const size of [0, 1, 66_500, 66_600, 65 * 1024 + 256 * 1024, 3 * 1024 * 1024 + 7]) {
      const bytes = randomBytes(size);
      const { target, headers } = presigned('PUT', `/sized/${size}`, { 'content-type': 'application/x-test' });
      expect((await raw('PUT', target, headers, bytes)).status).toBe(200);
      const got = await fetch(sign({ url: `${gateway.url}/sized/${size}` }).url);
      expect(got.headers.get('content-length')).toBe(String(size));
      expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(bytes));
    }
  });

  test('every descriptor is released: after HEADs, and when a client leaves a download early', async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const { target, headers } = presigned('PUT', '/left-early', { 'content-type': 'application/x-test' });
    expect((await raw('PUT', target, headers, bytes)).status).toBe(200);
    expect(await openObjects()).toBe(0);
    for (let i = 0; i < 20; i++) expect((await get('/left-early', 'HEAD')).status).toBe(200);
    // Sixteen clients at once, each hanging up three times at a random point of the 4 MiB: while
    // the server waits for a drain, and while it reads the next chunk.
    const download = presigned('GET', '/left-early').target;
    const url = new URL(gateway.url);
    const leaveEarly = () =>
      new Promise<void>((resolve) => {
        const limit = Math.random() * bytes.length * 0.9;
        const outgoing = httpRequest(
          { host: url.hostname, port: url.port, path: download, agent: false },
          (incoming) => {
            let received = 0;
            incoming.on('data', (chunk: Buffer) => {
              received += chunk.length;
              if (received > limit) outgoing.destroy();
            });
          },
        );
        outgoing
          .on('close', () => resolve())
          .on('error', () => resolve())
          .end();
      });
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 3; i++) await leaveEarly();
      }),
    );
    // The server notices the closed sockets on its next turns.
    for (let wait = 0; wait < 150 && (await openObjects()) > 0; wait++) await new Promise((r) => setTimeout(r, 20));
    expect(await openObjects()).toBe(0);
  });
});

describe('Expect: 100-continue', () => {
  /** Sends a request head with `Expect: 100-continue`; resolves with the first thing the server says, and the socket. */
  async function expectContinue(target: string, headers: Record<string, string>) {
    const url = new URL(gateway.url);
    const socket = connect(Number(url.port), url.hostname);
    const head = [`PUT ${target} HTTP/1.1`, `host: ${url.host}`, 'expect: 100-continue'];
    for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
    socket.write(head.join('\r\n') + '\r\n\r\n');
    const [first] = (await once(socket.setEncoding('utf8'), 'data')) as [string];
    return { first, socket };
  }

  test('a refused upload is answered before its body is sent; an accepted one is invited to send it', async () => {
    const signed = presigned('PUT', '/continued', { 'content-type': 'text/plain' });
    const forged = await expectContinue(
      signed.target.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      {
        ...signed.headers,
        'content-length': '5000000000',
      },
    );
    // Refused: the final answer comes first, and the server closes the connection.
    expect(forged.first).toMatch(/^HTTP\/1\.1 403 /);
    await once(forged.socket, 'close');
    const huge = await expectContinue(signed.target, { ...signed.headers, 'content-length': '5000000000000' });
    let answer = huge.first;
    huge.socket.on('data', (chunk: string) => (answer += chunk));
    await once(huge.socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400 [^]*<Code>EntityTooLarge<\/Code>/);

    const accepted = await expectContinue(signed.target, { ...signed.headers, 'content-length': '5' });
    expect(accepted.first).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    accepted.socket.write('hello');
    const [final] = (await once(accepted.socket, 'data')) as [string];
    expect(final).toMatch(/^HTTP\/1\.1 200 /);
    accepted.socket.destroy();
    expect((await raw('GET', presigned('GET', '/continued').target)).body).toBe('hello');
  });
});

describe('keys map safely to files', () => {
  const hostile = [
    '..',
    '.',
    '../escape',
    '../../etc/passwd',
    '/etc/passwd',
    'a/../../escape',
    '..\\..\\escape',
    'nul\u0000byte',
    'C:\\Windows\\win.ini',
    '~/.ssh/authorized_keys',
    '%2e%2e%2fescape',
    'x'.repeat(1024),
    '€/😀/ключ',
  ];

  test('each key is one file name of the form k<hex> or h<sha-256>', () => {
    for (const key of hostile) expect(keyFileName(key)).toMatch(/^(k[0-9a-f]{0,200}|h[0-9a-f]{64})$/);
    expect(new Set(hostile.map(keyFileName)).size).toBe(hostile.length);
  });

  test('storage writes every hostile key inside its directory, and reads it back', async () => {
    const root = join(sandbox, 'direct');
    const storage = await directoryStorage(root);
    for (const key of hostile) await storage.put(key, chunks(`body of ${key}`), 'text/plain');
    for (const key of hostile) {
      const object = await storage.get(key);
      expect(await text(object!.body)).toBe(`body of ${key}`);
    }
    // Nothing but the storage directory appeared in the sandbox, and only k/h files in it.
    expect((await readdir(sandbox)).sort()).toEqual(['direct', 'objects']);
    const names = await readdir(root);
    expect(names).toHaveLength(hostile.length);
    for (const name of names) expect(name).toMatch(/^[kh][0-9a-f]*$/);
  });

  test('over HTTP, encoded separators and dot segments stay inside one key', async () => {
    const paths = ['/..%2F..%2Fescape', '/%2E%2E%2Fescape', '//etc/passwd', '/a%00b', '/..%5C..%5Cescape'];
    for (const path of paths) {
      const { target, headers } = presigned('PUT', path, { 'content-type': 'text/plain' });
      const stored = await raw('PUT', target, headers, path);
      const { target: readTarget } = presigned('GET', path);
      const read = await raw('GET', readTarget);
      // Either stored and served back under the same key, or refused before storage: never elsewhere.
      if (stored.status === 200) expect(read.body).toBe(path);
      else expect(read.status).not.toBe(200);
    }
    expect((await readdir(sandbox)).sort()).toEqual(['direct', 'objects']);
  });

  test('raw dot segments name a key like any other (as in S3), stored inside the directory', async () => {
    // The Node adapter hands the handler the target as it arrived, which is what was signed.
    const { target, headers } = presigned('PUT', '/../escape', { 'content-type': 'text/plain' });
    expect(target.startsWith('/../escape?')).toBe(true);
    expect((await raw('PUT', target, headers, 'dotted')).status).toBe(200);
    expect((await readdir(sandbox)).sort()).toEqual(['direct', 'objects']);
    expect(await readdir(directory)).toContain(keyFileName('../escape'));
    expect((await raw('GET', presigned('GET', '/../escape').target)).body).toBe('dotted');
  });

  test('a planted symlink is neither read through nor written through', async () => {
    const outside = join(sandbox, 'outside-secret.txt');
    await writeFile(outside, 'outside content');
    await symlink(outside, join(directory, keyFileName('planted')));
    const read = await get('/planted');
    expect(read.status).toBe(404);
    expect(read.body).not.toContain('outside content');
    expect((await put('/planted', 'new content')).status).toBe(200);
    expect(await readFile(outside, 'utf8')).toBe('outside content');
    expect((await get('/planted')).body).toBe('new content');
    await rm(outside);
  });
});

describe('source-IP allow-list (aws:SourceIp)', () => {
  const servers: RunningGateway[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  async function fetchFrom(allowedSourceIps: string[], host = '127.0.0.1') {
    const server = await startGateway({ directory, secretFor, now: () => SIGNED_AT, allowedSourceIps, host });
    servers.push(server);
    const response = await fetch(sign({ url: `${server.url}/photos/cat%20picture+1.jpg` }).url);
    return { status: response.status, code: errorCode(await response.text()) };
  }

  test('a client inside the list is served; one outside gets SourceIpNotAllowed', async () => {
    expect(await fetchFrom(['127.0.0.0/8'])).toEqual({ status: 200, code: undefined });
    expect(await fetchFrom(['10.0.0.0/8', '2001:db8::/32'])).toEqual({ status: 403, code: 'SourceIpNotAllowed' });
  });

  test('IPv6 loopback', async () => {
    expect(await fetchFrom(['::1/128'], '::1')).toEqual({ status: 200, code: undefined });
    expect(await fetchFrom(['::2/127', '127.0.0.1/32'], '::1')).toEqual({ status: 403, code: 'SourceIpNotAllowed' });
  });

  test('a malformed allow-list is refused at start', async () => {
    await expect(startGateway({ directory, secretFor, allowedSourceIps: ['10.0.0.0/33'] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});
