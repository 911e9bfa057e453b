/**
 * Where the gateway's time goes under load: runs the gateway (or the bare server) under
 * `node --cpu-prof`, drives it with autocannon (16 connections, GETs of one object), and prints
 * the share of samples per function, idle included.
 *
 * Usage: `node bench/gateway-profile.mjs [gateway|bare] [bytes] [seconds]` after `npm run build`
 * (defaults: gateway 1024 10). The raw profile stays in bench/results/gateway-profile/.
 *
 * @example
 * ```sh
 * npm run build && node bench/gateway-profile.mjs gateway 1024 10
 * ```
 * @module
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesOf, load, presigned, startServer, stopServer, transfer } from './gateway.mjs';
import { summarise } from './profile.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [kind = 'gateway', bytes = '1024', seconds = '10'] = process.argv.slice(2);
const profiles = join(here, 'results', 'gateway-profile');
await rm(profiles, { recursive: true, force: true });
await mkdir(profiles, { recursive: true });
const sandbox = await mkdtemp(join(tmpdir(), 'sigv4-gateway-profile-'));
const directory = join(sandbox, 'objects');
await mkdir(directory);
const server = await startServer(kind, directory, [
  '--cpu-prof',
  '--cpu-prof-dir',
  profiles,
  '--cpu-prof-interval',
  '100',
]);
try {
  const body = bytesOf(Number(bytes));
  let path = '/object.bin';
  if (kind === 'gateway') {
    const upload = await transfer(presigned(server.url, 'PUT', 'object.bin'), 'PUT', {}, body.length, body);
    if (upload.status !== 200) throw new Error(`upload: ${upload.status}`);
    path = presigned(server.url, 'GET', 'object.bin').slice(server.url.length);
  } else {
    await writeFile(join(directory, 'object.bin'), body);
  }
  const { rps } = await load(server.url + path, Number(seconds));
  console.log(`# ${kind}, GET of ${bytes} bytes, 16 connections, ${seconds} s: ${Math.round(rps)} req/s\n`);
} finally {
  await stopServer(server);
  await rm(sandbox, { recursive: true, force: true });
}
const file = (await readdir(profiles)).find((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(await readFile(join(profiles, file), 'utf8'));
const { self, total } = summarise(profile);
const all = [...self.values()].reduce((a, b) => a + b, 0);
const share = (us) => ((100 * us) / all).toFixed(1).padStart(5) + ' %';
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log('| self | function |\n|---:|---|');
for (const [name, us] of top(self, 30)) console.log(`| ${share(us)} | \`${name}\` |`);
console.log('\n| total | function |\n|---:|---|');
for (const [name, us] of top(total, 30)) console.log(`| ${share(us)} | \`${name}\` |`);
console.log(`\nraw profile: ${relative(dirname(here), join(profiles, file))}`);
