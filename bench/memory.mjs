/**
 * The memory check: heap after a full GC, before and after many presigns with distinct object
 * keys, then with distinct secrets and regions (every one a new signing key, so the bounded key
 * cache keeps evicting). A leak of even a few bytes per presign shows as megabytes.
 *
 * Run it with `--expose-gc`; `runMemoryCheck` does that in a child process.
 *
 * @example
 * ```sh
 * node --expose-gc bench/memory.mjs 1000000 100000   # distinct keys, distinct secrets
 * ```
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Heap growth allowed per phase: far below one byte per presign at the full counts. */
export const MAX_GROWTH_BYTES = 1024 * 1024;

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];

function heapAfterGc() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Child side: runs both phases with the engine's default path and prints JSON. */
async function measureGrowth(keyCount, secretCount) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const { presign } = await import('../dist/node.js');
  const { KEY_CACHE_SIZE } = await import('../dist/stages.js');
  const { ACCESS_KEY_ID, HOST, SECRET_ACCESS_KEY, SIGNING_DATE } = await import('./workloads.mjs');
  const sign = (key, secret, region) =>
    presign({
      method: 'GET',
      url: `https://${HOST}/photos/${key}.jpg`,
      region,
      service: 's3',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: secret },
      expiresIn: 3600,
      signingDate: SIGNING_DATE,
      // The host is in us-east-1; other regions are signed for on purpose, to fill the key cache.
      regionFromHost: false,
    });
  let sink = 0;
  // Warm up past the cache's capacity, so the baseline already holds a full cache.
  for (let i = 0; i < 4 * KEY_CACHE_SIZE; i++)
    sink += sign(`warm-${i}`, `${SECRET_ACCESS_KEY}-${i}`, REGIONS[i % REGIONS.length]).length;
  for (let i = 0; i < 10_000; i++) sink += sign(`warm-${i}`, SECRET_ACCESS_KEY, 'us-east-1').length;

  const before = heapAfterGc();
  for (let i = 0; i < keyCount; i++) sink += sign(`key-${i}`, SECRET_ACCESS_KEY, 'us-east-1').length;
  const afterKeys = heapAfterGc();
  for (let i = 0; i < secretCount; i++)
    sink += sign(`s-${i}`, `${SECRET_ACCESS_KEY}/${i}`, REGIONS[i % REGIONS.length]).length;
  const afterSecrets = heapAfterGc();
  process.stdout.write(
    JSON.stringify({
      keyCount,
      secretCount,
      keyCacheSize: KEY_CACHE_SIZE,
      heapBefore: before,
      keysGrowth: afterKeys - before,
      secretsGrowth: afterSecrets - afterKeys,
      checksum: sink,
    }),
  );
}

/**
 * Runs the check in a fresh `node --expose-gc` and returns its numbers with a verdict: each
 * phase must grow the heap by less than {@link MAX_GROWTH_BYTES}.
 */
export function runMemoryCheck(keyCount, secretCount) {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), String(keyCount), String(secretCount)],
    {
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`memory check failed to run:\n${child.stderr}`);
  const result = JSON.parse(child.stdout);
  const ok = result.keysGrowth < MAX_GROWTH_BYTES && result.secretsGrowth < MAX_GROWTH_BYTES;
  return { ...result, maxGrowth: MAX_GROWTH_BYTES, status: ok ? 'met' : 'fail' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await measureGrowth(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 100_000));
}
