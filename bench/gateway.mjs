/**
 * The gateway workloads of issue 15: the Node gateway against a bare `node:http` file server
 * (`stat` + `createReadStream`), each in its own process (bench/gateway-server.mjs), driven by
 * autocannon from this process with the same connections, the same presigned request and the
 * same bytes.
 *
 * - **Small and medium objects**: GETs of 1 KiB, 64 KiB and 1 MiB objects at 16 keep-alive
 *   connections. Rounds alternate which server goes first; each round gives a ratio (gateway
 *   req/s over bare req/s), and the result is the median ratio. Every answer must be a 200:
 *   0 errors, 0 timeouts, 0 false rejects.
 * - **Large objects**: one 256 MiB PUT and one 256 MiB GET through each server, in MB/s, with
 *   the server's peak memory growth (heap, ArrayBuffers) sampled during the transfer.
 *
 * Usage: `node bench/gateway.mjs [--rounds N] [--seconds S] [--large-mib M] [--large-repeats R]`
 * after `npm run build`; `npm run bench` runs it too, and `npm run bench:ci` gates its ratios.
 *
 * @example
 * ```js
 * const results = await runGatewayBench({ rounds: 5, seconds: 1, largeMiB: 256, largeRepeats: 2 });
 * results.sizes[0]; // { id: 'get-1k', bytes: 1024, gateway: 5100, bare: 6200, ratio: 0.82, rounds: [...] }
 * ```
 * @module
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { presign } from '../dist/node.js';
import { median } from './measure.mjs';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './workloads.mjs';

export const CONNECTIONS = 16;
export const SIZES = [
  { id: 'get-1k', title: 'GET of a 1 KiB object', bytes: 1024 },
  { id: 'get-64k', title: 'GET of a 64 KiB object', bytes: 64 * 1024 },
  { id: 'get-1m', title: 'GET of a 1 MiB object', bytes: 1024 * 1024 },
];
export const SERVERS = ['gateway', 'bare'];
/**
 * The runs of `npm run bench` and `npm run bench:ci`: slices of 1 s (about 50 s of load in CI,
 * 70 s in the full run), and each 256 MiB transfer twice or three times.
 */
export const GATEWAY_SETTINGS = {
  ci: { rounds: 7, seconds: 1, largeMiB: 256, largeRepeats: 2 },
  full: { rounds: 11, seconds: 1, largeMiB: 256, largeRepeats: 3 },
};

const serverScript = fileURLToPath(new URL('./gateway-server.mjs', import.meta.url));

/** Starts one server process (with extra node flags, such as `--cpu-prof`) and waits for its URL. */
export async function startServer(kind, directory, flags = []) {
  const child = fork(serverScript, [kind, directory], { execArgv: ['--expose-gc', ...flags], stdio: 'inherit' });
  const [message] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the ${kind} server exited with ${code}`))),
  ]);
  return { kind, child, url: message.url };
}

export async function stopServer({ child }) {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

/** Sends `message` to a server and waits for its answer of type `type`. */
async function ask(server, message, type) {
  const answer = new Promise((resolve) => {
    const listener = (reply) => {
      if (reply.type !== type) return;
      server.child.off('message', listener);
      resolve(reply);
    };
    server.child.on('message', listener);
  });
  server.child.send(message);
  return answer;
}

/** A presigned URL for the gateway at `origin`; the bare server ignores its query. */
export function presigned(origin, method, key, headers = {}) {
  return presign({
    method,
    url: `${origin}/${key}`,
    region: 'us-east-1',
    service: 's3',
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    headers,
    expiresIn: 3600,
  });
}

/** Deterministic bytes, different for every size. */
export const bytesOf = (length) => Buffer.from(Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff));

/** Sends one request with a body from `chunks` (written with backpressure); resolves with status and bytes received. */
export function transfer(url, method, headers, length, chunk) {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method,
      headers: { ...headers, 'content-length': length ?? 0 },
      agent: false,
      timeout: 120_000, // a hung server fails the run instead of stalling it
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url.slice(0, 40)}… timed out`)));
    outgoing.on('response', (incoming) => {
      let received = 0;
      incoming.on('data', (data) => (received += data.length));
      incoming.on('end', () => resolve({ status: incoming.statusCode, received }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    (async () => {
      for (let sent = 0; length !== undefined && sent < length; sent += chunk.length) {
        if (!outgoing.write(chunk)) await once(outgoing, 'drain');
      }
      outgoing.end();
    })().catch(reject);
  });
}

/** GET load on one URL; throws unless every answer is a 200. */
export async function load(url, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  const failures = { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx };
  if (failures.errors + failures.timeouts + failures.non2xx > 0 || result.requests.total === 0) {
    throw new Error(`load on ${url.slice(0, 40)}…: ${JSON.stringify(failures)} in ${result.requests.total} requests`);
  }
  return { rps: result.requests.total / seconds, requests: result.requests.total, p99: result.latency.p99 };
}

/** A large transfer through one server: MB/s and the server's peak memory growth. */
async function large(server, method, url, headers, mib) {
  const chunk = bytesOf(1024 * 1024);
  await ask(server, { type: 'watch' }, 'watching');
  const started = process.hrtime.bigint();
  const length = mib * 1024 * 1024;
  const result = await transfer(url, method, headers, method === 'PUT' ? length : undefined, chunk);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { growth } = await ask(server, { type: 'peak' }, 'peak');
  const expected = method === 'PUT' ? 0 : length;
  if (result.status !== 200 || result.received !== expected) {
    throw new Error(`${method} of ${mib} MiB through ${server.kind}: ${result.status}, ${result.received} bytes`);
  }
  return { mbPerSecond: length / 1e6 / seconds, seconds, growth };
}

/**
 * Runs the gateway workloads; `onProgress(text)` reports progress. Results: per size, the median
 * req/s of each server and the median of the per-round ratios; the large transfers.
 */
export async function runGatewayBench({
  rounds = 9,
  seconds = 1,
  largeMiB = 256,
  largeRepeats = 3,
  onProgress = () => {},
} = {}) {
  const sandbox = await mkdtemp(join(tmpdir(), 'sigv4-gateway-bench-'));
  const servers = [];
  try {
    await mkdir(join(sandbox, 'bare'));
    for (const kind of SERVERS) servers.push(await startServer(kind, join(sandbox, kind)));
    const [gateway, bare] = servers;

    // The same bytes behind both: uploaded through the gateway, written as plain files for the bare server.
    const targets = new Map();
    for (const size of SIZES) {
      const key = `bench/${size.id}.bin`;
      const bytes = bytesOf(size.bytes);
      const upload = presigned(gateway.url, 'PUT', key);
      const stored = await transfer(upload, 'PUT', {}, bytes.length, bytes);
      if (stored.status !== 200) throw new Error(`uploading ${key} through the gateway: ${stored.status}`);
      await writeFile(join(sandbox, 'bare', `${size.id}.bin`), bytes);
      const url = presigned(gateway.url, 'GET', key);
      targets.set(size.id, url.slice(gateway.url.length));
    }

    // Warm both servers up (JIT, page cache) before anything counts.
    for (const server of servers) for (const size of SIZES) await load(server.url + targets.get(size.id), 1);

    // Short slices, the two servers back to back and the order swapped every round: load from
    // other processes comes in bursts of seconds, and lands on both sides of a ratio alike.
    const perRound = new Map(
      SIZES.map((size) => [size.id, { gateway: [], bare: [], ratio: [], gatewayCpu: [], bareCpu: [] }]),
    );
    for (let round = 0; round < rounds; round++) {
      for (const size of SIZES) {
        const order = round % 2 === 0 ? [gateway, bare] : [bare, gateway];
        const entry = perRound.get(size.id);
        for (const server of order) {
          const before = (await ask(server, { type: 'cpu' }, 'cpu')).micros;
          const { rps, requests } = await load(server.url + targets.get(size.id), seconds);
          const after = (await ask(server, { type: 'cpu' }, 'cpu')).micros;
          entry[server.kind].push(rps);
          entry[`${server.kind}Cpu`].push((after - before) / requests);
        }
        entry.ratio.push(entry.gateway.at(-1) / entry.bare.at(-1));
      }
      onProgress(`gateway: round ${round + 1}/${rounds} done`);
    }

    // Each large transfer `largeRepeats` times, alternating servers: the median MB/s, the largest growth.
    const largeResults = {};
    if (largeMiB > 0) {
      const key = `bench/large-${largeMiB}m.bin`;
      const urls = {
        gateway: {
          put: presigned(gateway.url, 'PUT', key, { 'content-type': 'application/octet-stream' }),
          get: presigned(gateway.url, 'GET', key),
        },
        bare: { put: `${bare.url}/large-${largeMiB}m.bin`, get: `${bare.url}/large-${largeMiB}m.bin` },
      };
      const runs = { gateway: { put: [], get: [] }, bare: { put: [], get: [] } };
      for (let repeat = 0; repeat < largeRepeats; repeat++) {
        for (const method of ['put', 'get']) {
          for (const server of repeat % 2 === 0 ? [gateway, bare] : [bare, gateway]) {
            const headers = method === 'put' ? { 'content-type': 'application/octet-stream' } : {};
            runs[server.kind][method].push(
              await large(server, method.toUpperCase(), urls[server.kind][method], headers, largeMiB),
            );
          }
        }
      }
      for (const kind of SERVERS) {
        largeResults[kind] = Object.fromEntries(
          ['put', 'get'].map((method) => {
            const each = runs[kind][method];
            const most = (field) => Math.max(...each.map((run) => run.growth[field]));
            return [
              method,
              {
                mbPerSecond: median(each.map((run) => run.mbPerSecond)),
                runs: each.map((run) => run.mbPerSecond),
                heapRuns: each.map((run) => run.growth.heapUsed),
                growth: { heapUsed: most('heapUsed'), arrayBuffers: most('arrayBuffers'), rss: most('rss') },
              },
            ];
          }),
        );
      }
      onProgress(`gateway: ${largeMiB} MiB PUT and GET done, ${largeRepeats} times each`);
    }

    return {
      connections: CONNECTIONS,
      rounds,
      seconds,
      sizes: SIZES.map(({ id, title, bytes }) => {
        const entry = perRound.get(id);
        return {
          id,
          title,
          bytes,
          gateway: median(entry.gateway),
          bare: median(entry.bare),
          ratio: median(entry.ratio),
          // Server CPU per request, µs: steadier than req/s on a busy machine, and where the gap is.
          gatewayCpu: median(entry.gatewayCpu),
          bareCpu: median(entry.bareCpu),
          perRound: entry,
        };
      }),
      large:
        largeMiB > 0
          ? {
              mib: largeMiB,
              ...largeResults,
              // The median of each transfer's ratio to the bare server's transfer next to it.
              ratio: Object.fromEntries(
                ['put', 'get'].map((method) => [
                  method,
                  median(largeResults.gateway[method].runs.map((mbps, i) => mbps / largeResults.bare[method].runs[i])),
                ]),
              ),
            }
          : undefined,
    };
  } finally {
    for (const server of servers) await stopServer(server);
    await rm(sandbox, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      'large-mib': { type: 'string' },
      'large-repeats': { type: 'string' },
    },
  });
  const results = await runGatewayBench({
    rounds: Number(values.rounds ?? 9),
    seconds: Number(values.seconds ?? 1),
    largeMiB: Number(values['large-mib'] ?? 256),
    largeRepeats: Number(values['large-repeats'] ?? 3),
    onProgress: (text) => process.stderr.write(text + '\n'),
  });
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1) + ' MiB';
  for (const size of results.sizes) {
    console.log(
      `${size.title}: gateway ${Math.round(size.gateway)} req/s, bare ${Math.round(size.bare)} req/s, ` +
        `ratio ${size.ratio.toFixed(2)} (rounds: ${size.perRound.ratio.map((r) => r.toFixed(2)).join(' ')}); ` +
        `server CPU per request: gateway ${size.gatewayCpu.toFixed(0)} µs, bare ${size.bareCpu.toFixed(0)} µs`,
    );
  }
  if (results.large) {
    for (const method of ['put', 'get']) {
      const [ours, theirs] = [results.large.gateway[method], results.large.bare[method]];
      console.log(
        `${results.large.mib} MiB ${method.toUpperCase()}: gateway ${ours.mbPerSecond.toFixed(0)} MB/s, bare ` +
          `${theirs.mbPerSecond.toFixed(0)} MB/s, ratio ${results.large.ratio[method].toFixed(2)}; ` +
          `gateway peak growth: heap ${mib(ours.growth.heapUsed)}, ArrayBuffers ${mib(ours.growth.arrayBuffers)}, ` +
          `RSS ${mib(ours.growth.rss)} (bare: heap ${mib(theirs.growth.heapUsed)}, ArrayBuffers ${mib(theirs.growth.arrayBuffers)})`,
      );
    }
  }
}
