/**
 * The gateway items of issue 10, each under a test named after it, against the Node gateway over
 * real HTTP on loopback. Each of these failed on the gateway before its fix.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyFileName, startGateway, type RunningGateway } from '../../../src/gateway/node.js';
import { errorCode, rawRequest } from '../../support/gateway-http.js';
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
