/**
 * Verify's cost against a presign's as the set of distinct URLs grows: the varying-key workload
 * cycles through 4,096 keys, and the verifier reads each one's whole 350-byte URL where presign
 * reads a 90-byte one, so past the L2 cache the verifier waits on memory that a server, which
 * verifies the URL it has just received, would find in cache.
 *
 * Usage: `npm run build && node bench/footprint.mjs` (about 7 s).
 *
 * @example
 * ```sh
 * node bench/footprint.mjs
 * # | distinct URLs | presign µs | verify µs | verify / presign |
 * # | 64 | 2.88 | 3.27 | 1.13× | ...
 * ```
 * @module
 */
import { oursNode } from './contenders/ours.mjs';
import { verifyNode } from './contenders/verify.mjs';
import { measureInterleaved } from './measure.mjs';
import { VARYING_KEYS, WORKLOADS } from './workloads.mjs';

const workload = WORKLOADS.find((w) => w.id === 'get-varying-key');
const sizes = [64, 512, VARYING_KEYS];
const tasks = [];
for (const contender of [oursNode, verifyNode]) {
  const run = contender.make(workload);
  for (const size of sizes) {
    let i = 0;
    tasks.push({ id: `${contender.id}/${size}`, run: () => run(i++ & (size - 1)) });
  }
}
const medians = await measureInterleaved(tasks, { rounds: 9, msPerRound: 100 });
const us = (id) => medians.get(id).ns / 1000;
console.log('| distinct URLs | presign µs | verify µs | verify / presign |\n|---:|---:|---:|---:|');
for (const size of sizes) {
  const presign = us(`ours-node/${size}`);
  const verify = us(`verify-node/${size}`);
  console.log(`| ${size} | ${presign.toFixed(2)} | ${verify.toFixed(2)} | ${(verify / presign).toFixed(2)}× |`);
}
