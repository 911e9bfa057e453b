/**
 * A bounded load test of the Node gateway on loopback: the gateway runs in its own process
 * (bundled by esbuild from test/support/verify-gateway-server.ts, stopped by PID), autocannon
 * from node_modules drives it for about 10 s at 16 connections with valid presigned GETs of
 * three objects, and the run must show 0 errors, 0 timeouts and 0 non-2xx answers (no false
 * rejects). Then, in the same run, a bare `node:http` file server (bench/gateway-server.mjs:
 * `stat` + `createReadStream().pipe()`) serves the same bytes to the same requests for 5 s.
 * Requests/s, latency and the ratio are printed; they are measurements, not assertions (the
 * ratio is gated by `npm run bench:ci`).
 */
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCESS_KEY_ID, SECRET, sign } from '../support/verify-fixtures.js';

const DURATION_SECONDS = 10;
const CONNECTIONS = 16;
const BARE_SECONDS = 5;

let sandbox: string;
let child: ChildProcess;
let origin: string;
let bare: ChildProcess | undefined;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'sigv4-gateway-load-'));
  const server = join(sandbox, 'gateway-server.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../support/verify-gateway-server.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: server,
  });
  child = spawn(process.execPath, [server, join(sandbox, 'objects')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GATEWAY_ACCESS_KEY_ID: ACCESS_KEY_ID, GATEWAY_SECRET_ACCESS_KEY: SECRET },
  });
  const started = once(createInterface({ input: child.stdout! }), 'line') as Promise<[string]>;
  const failed = once(child, 'exit').then(([code]) =>
    Promise.reject(new Error(`the gateway process exited with ${code}`)),
  );
  const [line] = await Promise.race([started, failed]);
  origin = line.trim();
});

afterAll(async () => {
  for (const each of [child, bare]) {
    if (each?.pid !== undefined && each.exitCode === null) {
      const exited = once(each, 'exit');
      process.kill(each.pid, 'SIGTERM');
      await exited;
    }
  }
  await rm(sandbox, { recursive: true, force: true });
});

test(`gateway under load: ${DURATION_SECONDS} s at ${CONNECTIONS} connections, 0 errors, 0 false rejects, next to a bare node:http server`, async () => {
  const keys = ['load/a.bin', 'load/b%20c.bin', 'load/%E2%82%AC.bin'];
  for (const key of keys) {
    const upload = sign({ method: 'PUT', url: `${origin}/${key}`, signingDate: new Date(), expiresIn: 3600 });
    const response = await fetch(upload.url, { method: 'PUT', body: new Uint8Array(1024).fill(7) });
    expect(response.status).toBe(200);
  }
  const requests = keys.map((key) => {
    const url = sign({ url: `${origin}/${key}`, signingDate: new Date(), expiresIn: 3600 }).url;
    return { method: 'GET' as const, path: url.slice(origin.length) };
  });

  const result = await autocannon({ url: origin, connections: CONNECTIONS, duration: DURATION_SECONDS, requests });
  const summary = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    '2xx': result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  console.log(`gateway-load: ${JSON.stringify(summary)}`);
  expect(result.requests.total).toBeGreaterThan(0);
  expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }).toEqual({
    errors: 0,
    timeouts: 0,
    non2xx: 0,
  });
  expect(result['2xx']).toBe(result.requests.total);

  // The bare node:http server, same bytes (a file per key, named as its last segment), same requests.
  const files = join(sandbox, 'bare');
  await mkdir(files);
  for (const key of keys)
    await writeFile(join(files, decodeURIComponent(key.split('/').pop()!)), new Uint8Array(1024).fill(7));
  bare = fork(fileURLToPath(new URL('../../bench/gateway-server.mjs', import.meta.url)), ['bare', files]);
  const [{ url: bareOrigin }] = (await once(bare, 'message')) as [{ url: string }];
  const baseline = await autocannon({ url: bareOrigin, connections: CONNECTIONS, duration: BARE_SECONDS, requests });
  expect(baseline.non2xx + baseline.errors).toBe(0);
  const ratio = result.requests.average / baseline.requests.average;
  console.log(
    `gateway-load: bare node:http server ${baseline.requests.average} req/s in the same run; ` +
      `gateway / bare = ${ratio.toFixed(2)}`,
  );
}, 60_000);
