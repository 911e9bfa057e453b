/**
 * One server of the gateway benchmark, in its own process (started by bench/gateway.mjs with
 * `fork`, stopped by PID): `node --expose-gc bench/gateway-server.mjs <gateway|bare> <directory>`.
 *
 * - `gateway`: `startGateway` from dist/ over `directory`, with the benchmark's key pair.
 * - `bare`: the baseline of issue 15, a plain `node:http` file server: GET does `stat` and then
 *   `createReadStream(path).pipe(response)`; PUT writes the body to a temporary file and renames
 *   it into place. It checks nothing: no signature, no size, no digest.
 *
 * Over IPC it reports its URL; on request its CPU time so far (`{ type: 'cpu' }`, in µs); and its
 * memory: `{ type: 'watch' }` takes a baseline
 * after a full collection and starts sampling every 10 ms; `{ type: 'peak' }` stops and answers
 * with the peak growth of the heap, of the ArrayBuffers (where Buffers live) and of the RSS.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, rename, stat } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './workloads.mjs';

const [kind, directory] = process.argv.slice(2);

async function startBare() {
  const server = createServer((request, response) => {
    const path = join(directory, basename(decodeURIComponent(request.url.split('?')[0])));
    const answer = (status) => {
      response.writeHead(status);
      response.end();
    };
    if (request.method === 'PUT') {
      const temporary = `${path}.upload-${randomUUID()}`;
      pipeline(request, createWriteStream(temporary), (error) =>
        error ? answer(500) : rename(temporary, path, (failed) => answer(failed ? 500 : 200)),
      );
      return;
    }
    stat(path, (error, stats) => {
      if (error || !stats.isFile()) return answer(404);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stats.size });
      // pipe, not pipeline: pipeline's AbortSignal costs the bare server a tenth of its time.
      createReadStream(path)
        .on('error', () => response.destroy())
        .pipe(response);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

async function startOurs() {
  const { startGateway } = await import('../dist/gateway/node.js');
  const gateway = await startGateway({
    directory,
    secretFor: (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
  });
  return gateway.url;
}

let watch;
function memory() {
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
}
process.on('message', (message) => {
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ type: 'cpu', micros: user + system });
  } else if (message.type === 'watch') {
    for (let i = 0; i < 3; i++) globalThis.gc();
    const baseline = memory();
    const peak = { ...baseline };
    const timer = setInterval(() => {
      const now = memory();
      for (const field of Object.keys(peak)) peak[field] = Math.max(peak[field], now[field]);
    }, 10);
    watch = { baseline, peak, timer };
    process.send({ type: 'watching' });
  } else if (message.type === 'peak') {
    clearInterval(watch.timer);
    const growth = Object.fromEntries(Object.keys(watch.peak).map((f) => [f, watch.peak[f] - watch.baseline[f]]));
    process.send({ type: 'peak', growth });
  }
});

// An orderly exit on SIGTERM, so that `--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));

const url = kind === 'bare' ? await startBare() : await startOurs();
process.send({ type: 'ready', url });
