/**
 * The bench's results as markdown: one speed table per workload, the targets with their CI gate,
 * the memory check, cold start and bundle sizes. The README quotes this output.
 *
 * @example
 * ```js
 * console.log(markdownReport(JSON.parse(readFileSync('bench/reference.json', 'utf8'))));
 * ```
 * @module
 */
import { ciLimit } from './targets.mjs';

const FLOOR_NAMES = { node: 'node:crypto', noble: '@noble/hashes', webcrypto: 'WebCrypto' };
const STATUS = { met: '✅ met', missed: '⚠️ missed (within the CI gate)', fail: '❌ missed beyond the CI gate' };

const thousands = (n) => Math.round(n).toLocaleString('en-US');
const ratio = (n) => n.toFixed(2) + '×';
const kib = (bytes) => (bytes / 1024).toFixed(1) + ' KiB';

function speedTable(results, workload) {
  const lines = [
    `### ${workload.title}`,
    '',
    '| contender | backend | ns/op (median) | ops/s | speed vs aws4 | cost vs floor |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const row of results.rows.filter((r) => r.workload === workload.id)) {
    const name =
      row.kind === 'floor'
        ? `*${row.label}*`
        : row.contender.startsWith('ours-') || row.kind === 'verify'
          ? `**${row.label}**`
          : row.label;
    const extras = row.extras.length === 0 ? '' : ` (signs extra: ${row.extras.map((e) => '`' + e + '`').join(', ')})`;
    const vsFloor = row.kind === 'floor' ? '1.00×' : row.vsFloor === null ? '—' : ratio(row.vsFloor);
    lines.push(
      `| ${name}${extras} | ${row.backend ?? FLOOR_NAMES[row.floor]} | ${thousands(row.ns)} | ${thousands(row.opsPerSec)} | ${ratio(row.vsAws4)} | ${vsFloor} |`,
    );
  }
  return lines.join('\n');
}

function targetTable(results) {
  const lines = ['| target | measured | ratio | target | CI fails at | status |', '|---|---|---:|---:|---:|---|'];
  for (const t of results.targets) {
    const sign = t.kind === 'at-least' ? '≥' : '≤';
    const unit = t.unit ?? '×';
    const limit = ciLimit(t.kind, t.goal, t.limit).toFixed(2);
    const gate = `${t.kind === 'at-least' ? '<' : '>'} ${limit}${unit}${t.why === undefined ? '' : ' (known miss)'}`;
    const value = t.value.toFixed(2) + unit;
    lines.push(`| ${t.text} | ${t.formula} | ${value} | ${sign} ${t.goal}${unit} | ${gate} | ${STATUS[t.status]} |`);
  }
  // Each known miss's reason, once.
  for (const why of new Set(results.targets.flatMap((t) => (t.why === undefined ? [] : [t.why])))) {
    lines.push(`| ↳ known miss: ${why} | | | | | |`);
  }
  const m = results.memory;
  lines.push(
    `| memory: no growth over ${thousands(m.keyCount)} presigns with distinct keys | heap after GC, after − before | ${thousands(m.keysGrowth)} B | < ${kib(m.maxGrowth)} | ≥ ${kib(m.maxGrowth)} | ${STATUS[m.keysGrowth < m.maxGrowth ? 'met' : 'fail']} |`,
    `| memory: no growth over ${thousands(m.secretCount)} distinct secrets and regions (key cache of ${m.keyCacheSize}) | heap after GC, after − before | ${thousands(m.secretsGrowth)} B | < ${kib(m.maxGrowth)} | ≥ ${kib(m.maxGrowth)} | ${STATUS[m.secretsGrowth < m.maxGrowth ? 'met' : 'fail']} |`,
  );
  return lines.join('\n');
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1) + ' MiB';

/** The gateway workloads: req/s and MB/s of both servers, the ratios, CPU per request and memory. */
function gatewayTable({ gateway: g }) {
  const lines = [
    '| workload | gateway | bare server | ratio | server CPU per request (gateway / bare) |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const size of g.sizes) {
    lines.push(
      `| ${size.title} | ${thousands(size.gateway)} req/s | ${thousands(size.bare)} req/s | ${ratio(size.ratio)} | ` +
        `${thousands(size.gatewayCpu)} µs / ${thousands(size.bareCpu)} µs |`,
    );
  }
  const memoryLines = [];
  if (g.large) {
    for (const method of ['put', 'get']) {
      const [ours, theirs] = [g.large.gateway[method], g.large.bare[method]];
      lines.push(
        `| ${g.large.mib} MiB ${method.toUpperCase()} | ${thousands(ours.mbPerSecond)} MB/s | ` +
          `${thousands(theirs.mbPerSecond)} MB/s | ${ratio(g.large.ratio[method])} | |`,
      );
      memoryLines.push(
        `| ${g.large.mib} MiB ${method.toUpperCase()} | ${mib(ours.growth.heapUsed)} | ${mib(ours.growth.arrayBuffers)} | ` +
          `${mib(theirs.growth.heapUsed)} | ${mib(theirs.growth.arrayBuffers)} |`,
      );
    }
  }
  const text = [
    `The Node gateway (\`startGateway\`) and a bare \`node:http\` file server (\`stat\`, then ` +
      `\`createReadStream(path).pipe(response)\`), each in its own process, serving the same bytes; autocannon ` +
      `from the bench process at ${g.connections} keep-alive connections sends both the same presigned GET, in ` +
      `${g.rounds} rounds of ${g.seconds} s per server, alternating which goes first. A ratio is the median of ` +
      `the per-round ratios; every answer must be a 200. Server CPU counts all of a server's threads.`,
    '',
    ...lines,
  ];
  if (g.large) {
    text.push(
      '',
      `Peak memory growth of each server during its ${g.large.mib} MiB transfers (sampled every 10 ms, over the ` +
        'heap after a full collection). Buffers are ArrayBuffers, outside the heap; both servers peak near 32 MiB of ' +
        'them whether 64 MiB or 256 MiB go through, which is garbage awaiting collection, not the transfer held.',
      '',
      '| transfer | gateway heap | gateway ArrayBuffers | bare heap | bare ArrayBuffers |',
      '|---|---:|---:|---:|---:|',
      ...memoryLines,
    );
  }
  return text.join('\n');
}

function coldStartTable(results) {
  const labels = new Map(results.rows.map((r) => [r.contender, r.label]));
  const lines = ['| contender | import (ms) | first presign after import (ms) |', '|---|---:|---:|'];
  for (const row of results.coldStart)
    lines.push(`| ${labels.get(row.id)} | ${row.importMs.toFixed(1)} | ${row.firstPresignMs.toFixed(2)} |`);
  return lines.join('\n');
}

function bundleTable(results) {
  const lines = ['| bundle | platform | minified | minified + gzip |', '|---|---|---:|---:|'];
  for (const row of results.bundles)
    lines.push(`| ${row.label} | ${row.platform} | ${kib(row.minBytes)} | ${kib(row.gzipBytes)} |`);
  return lines.join('\n');
}

/** Renders the JSON that `npm run bench` writes as markdown. */
export function markdownReport(results) {
  const s = results.settings;
  const sections = [
    `## Presign speed`,
    '',
    `${results.machine.node}, ${results.machine.cpus}, ${results.machine.platform}. Every contender in one process, ` +
      `${s.rounds} interleaved rounds of ${s.msPerRound} ms each (mitata), median of the per-round medians. ` +
      `"speed vs aws4" is aws4's time over this row's (higher is faster); "cost vs floor" is this row's time over one SHA-256 ` +
      `of the canonical request plus one HMAC with a cached key on the same backend (lower is better).`,
    '',
    ...results.workloads.flatMap((w) => [speedTable(results, w), '']),
    '## Targets',
    '',
    `Each ratio is computed inside each round, where both sides ran seconds apart, and the median over the ${s.rounds} rounds is judged. ` +
      `\`npm run bench:ci\` fails only on ❌: a ratio more than 20% short of its target.`,
    '',
    targetTable(results),
    '',
  ];
  if (results.gateway)
    sections.push('## The gateway against a bare node:http file server', '', gatewayTable(results), '');
  if (results.coldStart)
    sections.push('## Cold start (fresh `node` process, median of 7)', '', coldStartTable(results), '');
  if (results.bundles)
    sections.push('## Bundle size (esbuild --bundle --minify, gzip -9)', '', bundleTable(results), '');
  return sections.join('\n');
}

/**
 * bench/README.md: how to run the bench, how it measures, then the report of a reference run, so
 * that the page and bench/reference.json never disagree.
 */
export function benchReadme(results) {
  return [
    '# Benchmarks',
    '',
    'Every presigner that JavaScript users reach for, signing the same S3 GET in one Node process, interleaved,',
    'next to the crypto floors of the backends they run on. Written by `npm run bench -- --reference` from',
    `the run of ${results.date.slice(0, 10)} at commit ${results.commit} (bench/reference.json); where the time goes is in [PROFILE.md](PROFILE.md), and the gateway's in [GATEWAY-PROFILE.md](GATEWAY-PROFILE.md).`,
    '',
    '![µs per presigned URL, per contender and workload](chart.svg)',
    '',
    '## Run it',
    '',
    '```sh',
    'npm run bench                  # the full run (~4 min): all contenders, cold start, bundle sizes, gateway; writes bench/results/',
    'npm run bench -- --reference   # the same, and rewrites bench/reference.json, bench/chart.svg and this page',
    'npm run bench:ci               # the CI gate (~2 min, half of it the gateway): what the targets read; exits 1 on a clear miss',
    'node bench/breakdown.mjs       # one presign, stage by stage (after npm run build)',
    'node bench/profile.mjs ours-node get   # node --cpu-prof of one contender, summarised',
    'node bench/footprint.mjs       # verify / presign with 64, 512 and 4,096 distinct URLs',
    'node bench/gateway.mjs         # the gateway workloads alone: the Node gateway against a bare node:http server',
    'node bench/gateway-profile.mjs gateway 1024 10   # node --cpu-prof of the gateway (or bare) under load',
    'node bench/chart.mjs bench/results/latest.json out.svg',
    '```',
    '',
    '## How it measures',
    '',
    '- **Same work.** Before anything is timed, each contender signs the workload and its URL must carry the',
    '  signature this engine computes, with the same `X-Amz-*` values. A contender that adds parameters (the SDK',
    "  adds `x-id`, `x-amz-checksum-mode` and `X-Amz-Content-Sha256`; smithy, given the SDK's",
    '  `x-amz-content-sha256: UNSIGNED-PAYLOAD` header, hoists it) is compared with this engine signing the',
    '  same extras, and the table names them.',
    '- **Workloads.** Bucket `examplebucket`, key `photos/2024/cat picture+1.jpg`, us-east-1, 3600 s, fixed',
    '  date; the same with a 740-character session token holding `+ / =`; and a key that changes on every',
    '  call (4,096 keys in turn), so that nothing per URL can be cached.',
    "- **Interleaved.** mitata's `measure` runs every task once per round, the order rotating each round; a",
    '  row is the median of its per-round medians, and each target ratio is the median of the ratios',
    '  computed inside each round. Samples are 32 calls long, shorter than a scheduler slice, so a noisy',
    "  neighbour moves the median little. No collection runs before a measurement: mitata's stand-in",
    '  without `--expose-gc` (a 1 GiB allocation) slowed whatever followed aws4fetch by up to 20%, and a',
    '  real one costs aws4 30% for the next 60 ms while V8 re-optimises it (see `bench/measure.mjs`).',
    "- **Floors.** One SHA-256 of the workload's real canonical request plus one HMAC of its real string to",
    '  sign under an already-derived key, hex out: node:crypto (`hash()` + `createHmac`), @noble/hashes',
    '  (HMAC state with both pads absorbed, cloned per message) and WebCrypto (`subtle.digest` +',
    "  `subtle.sign`, awaited). Each must output the workload's signature.",
    '- **Memory.** A fresh `node --expose-gc` presigns 1,000,000 distinct keys (200,000 in CI), then signs',
    '  with 100,000 distinct secrets across six regions (20,000 in CI), so the 256-entry key cache evicts',
    '  all the time; heap after a full GC must not grow by 1 MiB in either phase (a cache without its',
    '  bound grows 11 MB in the CI phase).',
    '- **Cold start.** A fresh `node` per sample imports one contender, then presigns once; median of 7.',
    '- **Bundle size.** esbuild `--bundle --minify` of the smallest entry that presigns, then gzip -9.',
    '- **Gateway.** The Node gateway and a bare `node:http` file server (`stat`, then',
    '  `createReadStream().pipe()`), each in its own process, serve the same bytes to autocannon (16 keep-alive',
    '  connections, the same presigned GET) in 1-second slices, the two back to back and the order swapped every',
    '  round; each target is the median of the per-round ratios, and any answer but a 200 fails the run. Then',
    '  256 MiB PUT and GET through each, with the server process sampling its own memory every 10 ms.',
    '',
    markdownReport(results),
  ].join('\n');
}
