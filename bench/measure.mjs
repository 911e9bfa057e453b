/**
 * Interleaved timing on mitata's `measure`: every task runs once per round, in an order rotated
 * each round, and a task's result is the median over rounds of its per-round median. Machine
 * noise (another process, a frequency step) then lands on every contender alike instead of on
 * whichever ran at the wrong moment.
 *
 * @example
 * ```js
 * const medians = await measureInterleaved([{ id: 'a', run: () => f() }], { rounds: 5, msPerRound: 150 });
 * medians.get('a'); // ns per call
 * ```
 * @module
 */
import { measure } from 'mitata';

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times each task's `run` for `rounds` rounds of about `msPerRound` ms each (after one untimed
 * warm-up round) and returns task id -> median ns per call, plus every round's median.
 */
export async function measureInterleaved(tasks, { rounds, msPerRound, onRound = () => {} }) {
  const options = {
    // No collection before a measurement. Without --expose-gc, mitata's stand-in for one is a
    // 1 GiB allocation; on a heap full of aws4fetch's promises and buffers that slowed the next
    // contender by up to 20% (verify 3.3 -> 3.85 µs) and made results depend on task order. A
    // real collection (--expose-gc) is no better: it costs aws4 30% for the next 60 ms while V8
    // re-optimises. So each task runs on the heap as it finds it, as in a server.
    gc: false,
    min_cpu_time: msPerRound * 1e6,
    // 32 calls per sample instead of 4096 keep a fast contender's sample well under a scheduler
    // time slice, so the per-round median skips the samples that another process interrupted.
    batch_samples: 32,
    min_samples: 8,
  };
  const perRound = new Map(tasks.map((task) => [task.id, []]));
  for (let round = -1; round < rounds; round++) {
    const order = tasks.map((_, i) => tasks[(i + Math.max(round, 0) * 7) % tasks.length]);
    for (const task of order) {
      const stats = await measure(task.run, round < 0 ? { ...options, min_cpu_time: 20e6 } : options);
      if (round >= 0) perRound.get(task.id).push(stats.p50);
    }
    if (round >= 0) onRound(round + 1, rounds);
  }
  return new Map([...perRound].map(([id, samples]) => [id, { ns: median(samples), rounds: samples }]));
}
