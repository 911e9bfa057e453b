/**
 * The speed targets of issue 6, as ratios measured in one run, and the CI gate: a target fails
 * the build only when it is missed by a clear margin (the gate sits at 80% of the target),
 * because a shared 2-core machine is noisy.
 *
 * @example
 * ```js
 * const verdicts = judge(TARGETS, (taskId, round) => medians.get(taskId).rounds[round], 9);
 * verdicts.some((v) => v.status === 'fail'); // true: CI must fail
 * ```
 * @module
 */
import { median } from './measure.mjs';

/** How far short of a target a result may fall before CI fails: 80% of a target. */
export const GATE = 0.8;

/**
 * @typedef {object} Target
 * @property {string} id
 * @property {string} text             the target as the issue states it
 * @property {'at-least' | 'at-most'} kind
 * @property {number} goal
 * @property {(ns: (taskId: string) => number) => number} ratio  the measured ratio
 * @property {string} formula          how the ratio is computed, for the table
 * @property {number} [ciLimit]        a known miss's CI limit, in place of the 80% gate
 * @property {string} [why]            why a known miss is missed
 */

const eachWorkload = ['get', 'get-token', 'get-varying-key'];

/**
 * Targets that this engine does not meet, with the reason, and the CI limit that guards the level
 * reached instead of the 80% gate (which they would always fail). They are reported as missed in
 * every run. Nothing else gets a limit of its own.
 */
const KNOWN_MISSES = {
  aws4fetch: {
    ciLimit: 6.0,
    why:
      "not met on this project's machine since its reference of 2026-12-01 (7–10×, against 16–26× before): " +
      "aws4fetch's WebCrypto calls run on libuv's thread pool, on the second core, which that machine did not " +
      'slow while it ran every synchronous path about 2.3× slower (aws4 13.2 → 32.8 µs, aws4fetch 252 → 182 µs). ' +
      'Our pure-JS path kept its ratio to the @noble floor (1.1–1.2×), which is the target that guards its speed',
  },
  coldStart: {
    ciLimit: 3.0,
    why:
      'not met (about 2× under load, 1.3–1.8× on a quiet machine): the Node entry is 22 small ES modules where aws4 is ' +
      'one CommonJS file, and the first presign compiles its patterns (URL, AWS host table, encoders). One bundled ' +
      'file per entry would give each entry its own SigV4Error and caches (instanceof fails between sigv4-presign and ' +
      'sigv4-presign/gateway); code splitting measured 1.3× at +374 B on import { presign }',
  },
  tokenPureJs: {
    ciLimit: 2.0,
    why:
      'not met (about 1.6×), and out of reach by construction: the 740-character token makes the ' +
      'canonical request 18 SHA-256 blocks instead of 5, and the @noble floor itself grows as much (1.6–1.8×)',
  },
};

/** @type {Target[]} */
export const TARGETS = [
  ...eachWorkload.map((w) => ({
    id: `node-vs-aws4/${w}`,
    text: `default path in Node ≥ 4× aws4's throughput (${w})`,
    kind: 'at-least',
    goal: 4,
    formula: `aws4 / ours-node`,
    ratio: (ns) => ns(`aws4/${w}`) / ns(`ours-node/${w}`),
  })),
  ...eachWorkload.map((w) => ({
    id: `node-vs-floor/${w}`,
    text: `default path in Node within 1.6× of the node:crypto floor (${w})`,
    kind: 'at-most',
    goal: 1.6,
    formula: `ours-node / floor node`,
    ratio: (ns) => ns(`ours-node/${w}`) / ns(`node/${w}`),
  })),
  ...eachWorkload.map((w) => ({
    id: `pure-js-vs-floor/${w}`,
    text: `pure-JS path within 1.3× of the @noble floor (${w})`,
    kind: 'at-most',
    goal: 1.3,
    formula: `ours-pure-js / floor noble`,
    ratio: (ns) => ns(`ours-pure-js/${w}`) / ns(`noble/${w}`),
  })),
  ...eachWorkload.map((w) => ({
    id: `pure-js-vs-aws4fetch/${w}`,
    text: `pure-JS path ≥ 10× aws4fetch's throughput (${w})`,
    kind: 'at-least',
    goal: 10,
    formula: `aws4fetch / ours-pure-js`,
    ratio: (ns) => ns(`aws4fetch/${w}`) / ns(`ours-pure-js/${w}`),
    ...KNOWN_MISSES.aws4fetch,
  })),
  ...['node', 'pure-js'].flatMap((backend) =>
    eachWorkload.map((w) => ({
      id: `verify-vs-presign/${backend}/${w}`,
      text: `verify ≤ 1.2× the cost of a presign (${backend === 'node' ? 'default path' : 'pure JS'}, ${w})`,
      kind: 'at-most',
      goal: 1.2,
      formula: `verify-${backend} / ours-${backend}`,
      ratio: (ns) => ns(`verify-${backend}/${w}`) / ns(`ours-${backend}/${w}`),
    })),
  ),
  ...['node', 'pure-js'].map((backend) => ({
    id: `token-vs-none/${backend}`,
    text: `with a session token ≤ 1.3× the cost without one (${backend === 'node' ? 'default path' : 'pure JS'})`,
    kind: 'at-most',
    goal: 1.3,
    formula: `ours-${backend}/get-token / ours-${backend}/get`,
    ratio: (ns) => ns(`ours-${backend}/get-token`) / ns(`ours-${backend}/get`),
    ...(backend === 'pure-js' ? KNOWN_MISSES.tokenPureJs : {}),
  })),
];

/**
 * The cold-start target, judged on `coldStartRatio`'s result: import plus first presign in a fresh
 * process, the Node entry over aws4.
 */
export function judgeColdStart(measured) {
  const { ciLimit: limit, why } = KNOWN_MISSES.coldStart;
  return {
    id: 'cold-start/node-vs-aws4',
    text: "import + first presign in a fresh process no slower than aws4's (Node entry)",
    formula: 'ours-node (import + first presign) / aws4 (import + first presign)',
    kind: 'at-most',
    goal: 1,
    limit,
    why,
    value: measured.value,
    perRound: measured.perRound,
    status: verdict('at-most', 1, measured.value, limit),
  };
}

/** The value past which CI fails: 80% of the goal, or a known miss's own limit. */
export function ciLimit(kind, goal, limit) {
  return limit ?? (kind === 'at-least' ? goal * GATE : goal / GATE);
}

/** Met, missed within the CI limit (reported, CI passes), or missed beyond it (CI fails). */
export function verdict(kind, goal, value, limit) {
  const met = kind === 'at-least' ? value >= goal : value <= goal;
  if (met) return 'met';
  const gate = ciLimit(kind, goal, limit);
  const withinGate = kind === 'at-least' ? value >= gate : value <= gate;
  return withinGate ? 'missed' : 'fail';
}

/**
 * Evaluates every target on a run: each ratio is computed within each round (`nsInRound(taskId,
 * round)`), where both sides ran seconds apart, and the median over rounds is judged.
 */
export function judge(targets, nsInRound, rounds) {
  return targets.map((target) => {
    const perRound = Array.from({ length: rounds }, (_, round) => target.ratio((taskId) => nsInRound(taskId, round)));
    const value = median(perRound);
    const { id, text, formula, kind, goal, ciLimit: limit, why } = target;
    return { id, text, formula, kind, goal, limit, why, value, perRound, status: verdict(kind, goal, value, limit) };
  });
}

const MIB = 2 ** 20;
const GATEWAY_SIZES = [
  ['get-1k', '1 KiB'],
  ['get-64k', '64 KiB'],
  ['get-1m', '1 MiB'],
];

/**
 * The gateway targets of issue 15, each judged on values from one run of bench/gateway.mjs: the
 * ratio to the bare `node:http` server in each round (or each transfer), and the heap growth of a
 * 256 MiB transfer. A ratio is the median over rounds; a growth, the largest of the transfers.
 */
export const GATEWAY_TARGETS = [
  ...GATEWAY_SIZES.map(([id, size]) => ({
    id: `gateway-vs-bare/${id}`,
    text: `Node gateway ≥ 0.8× a bare node:http file server's req/s (GET of ${size}, 16 connections)`,
    kind: 'at-least',
    goal: 0.8,
    formula: 'gateway req/s / bare req/s',
    values: (gateway) => gateway.sizes.find((size) => size.id === id).perRound.ratio,
  })),
  ...['put', 'get'].map((method) => ({
    id: `gateway-vs-bare/${method}-256m`,
    text: `Node gateway ≥ 0.8× the bare server's MB/s (256 MiB ${method.toUpperCase()})`,
    kind: 'at-least',
    goal: 0.8,
    formula: 'gateway MB/s / bare MB/s',
    values: ({ large }) => large.gateway[method].runs.map((mbps, i) => mbps / large.bare[method].runs[i]),
  })),
  ...['put', 'get'].map((method) => ({
    id: `gateway-heap/${method}-256m`,
    text: `Node gateway's heap grows ≤ 4 MiB during a 256 MiB ${method.toUpperCase()}`,
    kind: 'at-most',
    goal: 4,
    unit: ' MiB',
    largest: true,
    formula: 'peak heap in the transfer − heap before',
    values: ({ large }) => large.gateway[method].heapRuns.map((bytes) => bytes / MIB),
  })),
];

/** Judges {@link GATEWAY_TARGETS} on the results of `runGatewayBench`, in the form `judge` returns. */
export function judgeGateway(gateway) {
  return GATEWAY_TARGETS.map((target) => {
    const perRound = target.values(gateway);
    const value = target.largest ? Math.max(...perRound) : median(perRound);
    const { id, text, formula, kind, goal, unit } = target;
    return { id, text, formula, kind, goal, unit, value, perRound, status: verdict(kind, goal, value) };
  });
}
