/**
 * Where a presign's time goes: runs one contender's signing loop under `node --cpu-prof` in a
 * child process and prints the functions with the most self and total time, in µs per presign.
 *
 * Usage: `node bench/profile.mjs [contender-id] [workload-id] [calls]`
 * (defaults: ours-node get 300000). The raw profile stays in bench/results/ for Chrome DevTools.
 *
 * @example
 * ```sh
 * npm run build && node bench/profile.mjs ours-pure-js get-token
 * ```
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

/** Child side: sign `calls` times, nothing else. */
async function loop(contenderId, workloadId, calls) {
  const { CONTENDERS } = await import('./contenders/index.mjs');
  const { verifyPureJs, verifyNode } = await import('./contenders/verify.mjs');
  const { WORKLOADS } = await import('./workloads.mjs');
  const contender = [...CONTENDERS, verifyNode, verifyPureJs].find((c) => c.id === contenderId);
  const workload = WORKLOADS.find((w) => w.id === workloadId);
  if (!contender || !workload) throw new Error(`unknown contender or workload: ${contenderId} ${workloadId}`);
  const sign = contender.make(workload);
  const mask = workload.keys.length - 1;
  for (let i = 0; i < calls; i++) await sign(i & mask);
}

/** Self and total (inclusive) microseconds per call frame, from a V8 .cpuprofile. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const interval = new Map(); // node id -> µs of samples that hit it
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    interval.set(id, (interval.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const where = (url) => (url.startsWith('file:') ? relative(root, fileURLToPath(url)) : url);
  const frameName = ({ callFrame: f }) =>
    `${f.functionName || '(anonymous)'} ${f.url ? where(f.url) + ':' + (f.lineNumber + 1) : '(native)'}`;
  const total = new Map();
  function visit(node, onStack) {
    const name = frameName(node);
    let sum = interval.get(node.id) ?? 0;
    self.set(name, (self.get(name) ?? 0) + sum);
    for (const child of node.children ?? []) sum += visit(byId.get(child), new Set([...onStack, name]));
    // A recursive frame counts once, at its outermost call.
    if (!onStack.has(name)) total.set(name, (total.get(name) ?? 0) + sum);
    return sum;
  }
  visit(profile.nodes[0], new Set());
  return { self, total };
}

async function main() {
  const [contenderId = 'ours-node', workloadId = 'get', calls = '300000'] = process.argv.slice(2);
  const dir = join(here, 'results', 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const child = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--cpu-prof-interval',
      '50',
      fileURLToPath(import.meta.url),
      '--child',
      contenderId,
      workloadId,
      calls,
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`profiled child exited with ${child.status}`);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  const { self, total } = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const perCall = (us) => (us / Number(calls)).toFixed(3);
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`# Profile: ${contenderId} on ${workloadId}, ${calls} calls (µs per call)\n`);
  console.log('| self µs | function |\n|---:|---|');
  for (const [name, us] of top(self, 25)) console.log(`| ${perCall(us)} | \`${name}\` |`);
  console.log('\n| total µs | function |\n|---:|---|');
  for (const [name, us] of top(total, 25)) console.log(`| ${perCall(us)} | \`${name}\` |`);
  console.log(`\nraw profile: ${relative(root, join(dir, file))}`);
}

// Only as a script: bench/gateway-profile.mjs imports summarise from here.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await loop(process.argv[3], process.argv[4], Number(process.argv[5]));
  else await main();
}
