/**
 * `npm run bench`: every contender in one process, interleaved, each checked to produce this
 * engine's signature before it is timed; crypto floors in the same run; the targets of issue 6
 * judged on ratios; the memory check; cold start and bundle sizes. Prints markdown, writes JSON
 * to bench/results/.
 *
 * Flags:
 * - `--ci`: about 90 s (a minute of it the gateway's workloads); skips cold start and bundle
 *   sizes; exits 1 when a target misses its CI gate (80% of the target) or the heap grows.
 * - `--reference`: also writes bench/reference.json, bench/chart.svg and bench/README.md (committed).
 * - `--rounds N`, `--ms N`: rounds of interleaving and milliseconds per task per round.
 *
 * @example
 * ```sh
 * npm run bench            # the full run, about 4 minutes with the gateway
 * npm run bench:ci         # the CI gate
 * ```
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBackend, presignDetailed } from '../dist/node.js';
import { deriveSigningKey } from '../dist/stages.js';
import { measureBundles } from './bundle-size.mjs';
import { renderChart } from './chart.mjs';
import { coldStartRatio, measureColdStarts } from './cold-start.mjs';
import { CONTENDERS } from './contenders/index.mjs';
import { presignOptions } from './contenders/ours.mjs';
import { checkVerifier, verifyPureJs, verifyNode } from './contenders/verify.mjs';
import { checkSignatures } from './equality.mjs';
import { FLOORS } from './floors.mjs';
import { measureInterleaved } from './measure.mjs';
import { runMemoryCheck } from './memory.mjs';
import { benchReadme, markdownReport } from './report.mjs';
import { GATEWAY_SETTINGS, runGatewayBench } from './gateway.mjs';
import { judge, judgeColdStart, judgeGateway, TARGETS } from './targets.mjs';
import { v4aBench, v4aReport } from './v4a.mjs';
import { REGION, SECRET_ACCESS_KEY, WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    ci: { type: 'boolean', default: false },
    reference: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    ms: { type: 'string' },
  },
});
const settings = {
  ci: flags.ci,
  rounds: Number(flags.rounds ?? (flags.ci ? 17 : 15)),
  msPerRound: Number(flags.ms ?? (flags.ci ? 40 : 100)),
  memoryKeys: flags.ci ? 200_000 : 1_000_000,
  memorySecrets: flags.ci ? 20_000 : 100_000,
};
const log = (message) => process.stderr.write(message + '\n');
// The CI run times only what a target reads, so that it fits in about 30 s.
const CI_TASKS = new Set(['ours-node', 'ours-pure-js', 'aws4', 'aws4fetch', 'node', 'noble']);
const contenders = settings.ci ? CONTENDERS.filter((c) => CI_TASKS.has(c.id)) : CONTENDERS;
const floors = settings.ci ? FLOORS.filter((f) => CI_TASKS.has(f.id)) : FLOORS;

/** Builds the timed tasks: each checked first, so nothing is timed that signs differently. */
async function prepareTasks() {
  const tasks = [];
  const rows = [];
  const add = (row, run) => {
    const mask = row.keys - 1;
    let i = 0;
    tasks.push({ id: `${row.contender}/${row.workload}`, run: row.keys === 1 ? () => run(0) : () => run(i++ & mask) });
    rows.push(row);
  };
  const key = deriveSigningKey(nodeBackend, SECRET_ACCESS_KEY, '20240315', REGION, 's3');
  for (const workload of WORKLOADS) {
    const base = { workload: workload.id, keys: workload.keys.length };
    for (const contender of contenders) {
      const sign = contender.make(workload);
      const { extras } = await checkSignatures(contender.label, workload, sign);
      add(
        {
          ...base,
          kind: 'presign',
          contender: contender.id,
          label: contender.label,
          floor: contender.floor,
          backend: contender.backend,
          extras,
        },
        sign,
      );
    }
    for (const verifier of [verifyNode, verifyPureJs]) {
      const verify = verifier.make(workload);
      checkVerifier(verifier.label, workload, verify);
      add(
        {
          ...base,
          kind: 'verify',
          contender: verifier.id,
          label: verifier.label,
          floor: verifier.floor,
          backend: verifier.backend,
          extras: [],
        },
        verify,
      );
    }
    // The floors hash this workload's real canonical request and sign its real string to sign.
    const detailed = presignDetailed(presignOptions(workload, 0));
    for (const floor of floors) {
      const run = floor.make(detailed.canonicalRequest, detailed.stringToSign, key);
      if ((await run()) !== detailed.signature) throw new Error(`${floor.label} computed a different signature`);
      add({ ...base, kind: 'floor', contender: floor.id, label: floor.label, floor: floor.id, extras: [] }, run);
    }
  }
  return { tasks, rows };
}

const started = Date.now();
log(
  `bench: checking ${contenders.length} contenders, 2 verifiers and ${floors.length} floors on ${WORKLOADS.length} workloads`,
);
const { tasks, rows } = await prepareTasks();
// SigV4a's tasks run interleaved with the rest; its targets are judged and gated like the others.
const v4a = await v4aBench();
tasks.push(...v4a.tasks);
log(`bench: ${tasks.length} tasks, ${settings.rounds} interleaved rounds of ${settings.msPerRound} ms each`);
const medians = await measureInterleaved(tasks, {
  rounds: settings.rounds,
  msPerRound: settings.msPerRound,
  onRound: (round, rounds) =>
    log(`bench: round ${round}/${rounds} done (${((Date.now() - started) / 1000).toFixed(0)} s)`),
});
const ns = (taskId) => {
  const result = medians.get(taskId);
  if (result === undefined) throw new Error(`no measurement for ${taskId}`);
  return result.ns;
};
for (const row of rows) {
  const { ns: median, rounds } = medians.get(`${row.contender}/${row.workload}`);
  Object.assign(row, {
    ns: median,
    opsPerSec: 1e9 / median,
    vsAws4: ns(`aws4/${row.workload}`) / median,
    // The CI run leaves out the WebCrypto floor, which no target reads.
    vsFloor: medians.has(`${row.floor}/${row.workload}`) ? median / ns(`${row.floor}/${row.workload}`) : null,
    roundsNs: rounds,
  });
}
const targets = judge(
  [...TARGETS, ...v4a.targets],
  (taskId, round) => medians.get(taskId).rounds[round],
  settings.rounds,
);

log(`bench: memory check (${settings.memoryKeys} distinct keys, ${settings.memorySecrets} distinct secrets)`);
const memory = runMemoryCheck(settings.memoryKeys, settings.memorySecrets);
log('bench: cold start against aws4 (pairs of fresh node processes)');
targets.push(judgeColdStart(coldStartRatio(settings.ci ? 9 : 15)));
let coldStart;
let bundles;
if (!settings.ci) {
  log('bench: cold starts (fresh node processes)');
  coldStart = measureColdStarts(
    contenders.map((c) => c.id),
    7,
  );
  log('bench: bundle sizes (esbuild --minify, gzip -9)');
  bundles = await measureBundles();
}

// The gateway's workloads run in their own processes, after everything timed in this one.
log('bench: gateway workloads (the Node gateway against a bare node:http file server, autocannon)');
const gateway = await runGatewayBench({ ...GATEWAY_SETTINGS[settings.ci ? 'ci' : 'full'], onProgress: log });
targets.push(...judgeGateway(gateway));

/** The commit the engine was built from, marked `+dirty` when src/ has uncommitted changes. */
function sourceCommit() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', '../src') === '' ? '' : '+dirty');
  } catch {
    return 'unknown';
  }
}

const results = {
  date: new Date().toISOString(),
  commit: sourceCommit(),
  machine: {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    platform: `${process.platform} ${process.arch}`,
  },
  settings,
  workloads: WORKLOADS.map(({ id, title }) => ({ id, title })),
  rows: rows.map(({ keys, ...row }) => row),
  targets,
  memory,
  gateway,
  ...(coldStart === undefined ? {} : { coldStart }),
  ...(bundles === undefined ? {} : { bundles }),
  seconds: (Date.now() - started) / 1000,
};

console.log(markdownReport(results));
console.log('\n' + v4aReport(ns));
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = results.date.replace(/[:.]/g, '-');
const json = JSON.stringify(results, null, 2) + '\n';
writeFileSync(join(resultsDir, `${settings.ci ? 'ci' : 'bench'}-${stamp}.json`), json);
writeFileSync(join(resultsDir, 'latest.json'), json);
writeFileSync(join(resultsDir, 'chart.svg'), renderChart(results));
if (flags.reference) {
  writeFileSync(join(here, 'reference.json'), json);
  writeFileSync(join(here, 'chart.svg'), renderChart(results));
  writeFileSync(join(here, 'README.md'), benchReadme(results));
  log('bench: wrote bench/reference.json, bench/chart.svg and bench/README.md');
}
log(`bench: wrote bench/results/latest.json and bench/results/chart.svg (${results.seconds.toFixed(0)} s)`);

const failed = targets.filter((t) => t.status === 'fail').map((t) => t.id);
if (memory.status === 'fail') failed.push('memory');
if (settings.ci && failed.length > 0) {
  log(`bench:ci FAILED: ${failed.join(', ')} missed the gate (80% of the target)`);
  process.exitCode = 1;
}
