/**
 * Cold start: in a fresh `node` process, how long importing a contender takes and how long its
 * first presign takes after that (no JIT warm-up, no key cache). Each contender runs in its own
 * process several times; the medians are reported.
 *
 * @example
 * ```js
 * const rows = measureColdStarts(CONTENDERS.map((c) => c.id), 5);
 * rows[0]; // { id: 'ours-node', importMs: 3.1, firstPresignMs: 0.9 }
 * ```
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';

/** Which module holds each contender, so the child imports that library alone. */
const MODULES = {
  'ours-node': ['./contenders/ours.mjs', 'oursNode'],
  'ours-pure-js': ['./contenders/ours.mjs', 'oursPureJs'],
  aws4: ['./contenders/aws4.mjs', 'aws4Contender'],
  aws4fetch: ['./contenders/aws4fetch.mjs', 'aws4fetchContender'],
  'smithy-hash-node': ['./contenders/smithy.mjs', 'smithyNode'],
  'smithy-sha256-js': ['./contenders/smithy.mjs', 'smithyPureJs'],
  minio: ['./contenders/minio.mjs', 'minioContender'],
  'aws-sdk-v3': ['./contenders/sdk.mjs', 'sdkContender'],
};

/** Child side: time the import, then the first presign, and print them as JSON. */
async function coldStart(id) {
  const { WORKLOADS } = await import('./workloads.mjs'); // fixtures only, not timed
  const [module, name] = MODULES[id];
  const t0 = performance.now();
  const contender = (await import(module))[name];
  const t1 = performance.now();
  const url = await contender.make(WORKLOADS[0])(0);
  const t2 = performance.now();
  if (!url.includes('X-Amz-Signature=')) throw new Error(`${id} did not presign`);
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstPresignMs: t2 - t1 }));
}

/** Spawns `runs` fresh processes per contender and returns the median import and first-presign times. */
export function measureColdStarts(ids, runs) {
  return ids.map((id) => {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const child = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), id], {
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`cold start of ${id} failed:\n${child.stderr}`);
      samples.push(JSON.parse(child.stdout));
    }
    return {
      id,
      importMs: median(samples.map((s) => s.importMs)),
      firstPresignMs: median(samples.map((s) => s.firstPresignMs)),
    };
  });
}

/**
 * The cold-start target: import plus first presign in a fresh process, ours (Node entry) over
 * aws4's, measured in alternating pairs of processes so that both meet the same machine load;
 * the median of the per-pair ratios.
 *
 * @example
 * ```js
 * coldStartRatio(9); // { value: 0.97, perRound: [...], ours: {...}, aws4: {...} }
 * ```
 */
export function coldStartRatio(pairs) {
  const sample = (id) => {
    const child = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), id], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`cold start of ${id} failed:\n${child.stderr}`);
    const { importMs, firstPresignMs } = JSON.parse(child.stdout);
    return importMs + firstPresignMs;
  };
  const ours = [];
  const aws4 = [];
  for (let i = 0; i < pairs; i++) {
    ours.push(sample('ours-node'));
    aws4.push(sample('aws4'));
  }
  const perRound = ours.map((ms, i) => ms / aws4[i]);
  return { value: median(perRound), perRound, oursMs: median(ours), aws4Ms: median(aws4) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await coldStart(process.argv[2]);
