/**
 * A bounded load test of the Node gateway on loopback: the gateway runs in its own process
 * (bundled by esbuild from test/support/verify-gateway-server.ts, stopped by PID), autocannon
 * from node_modules drives it for about 10 s at 16 connections with valid presigned GETs of
 * three objects, and the run must show 0 errors, 0 timeouts and 0 non-2xx answers (no false
 * rejects). Requests/s and latency are printed; they are measurements, not assertions.
 */
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCESS_KEY_ID, SECRET, sign } from '../support/verify-fixtures.js';

const DURATION_SECONDS = 10;
const CONNECTIONS = 16;

let sandbox: string;
let child: ChildProcess;
let origin: string;

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
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = once(child, 'exit');
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }
  await rm(sandbox, { recursive: true, force: true });
});

test(`gateway under load: ${DURATION_SECONDS} s at ${CONNECTIONS} connections, 0 errors, 0 false rejects`, async () => {
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
}, 60_000);
