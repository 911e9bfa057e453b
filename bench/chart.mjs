/**
 * Draws the bench's JSON as an SVG bar chart: one panel per workload, one bar per contender
 * (µs per presign, log scale, shorter is faster), crypto floors in grey.
 *
 * Usage: `node bench/chart.mjs [results.json] [out.svg]` (defaults: bench/reference.json,
 * bench/chart.svg).
 *
 * @example
 * ```js
 * writeFileSync('chart.svg', renderChart(JSON.parse(readFileSync('bench/reference.json', 'utf8'))));
 * ```
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WIDTH = 880;
const LABEL_WIDTH = 330;
const BAR_HEIGHT = 16;
const GAP = 5;
const PANEL_TITLE = 28;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 90;

const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const formatUs = (ns) => (ns >= 100_000 ? (ns / 1000).toFixed(0) : (ns / 1000).toFixed(ns >= 10_000 ? 1 : 2)) + ' µs';

/** Renders `results` (the JSON `npm run bench` writes) as an SVG document. */
export function renderChart(results) {
  const rows = results.rows;
  const all = rows.map((row) => row.ns);
  const lo = Math.log10(Math.min(...all) / 2);
  const hi = Math.log10(Math.max(...all) * 1.2);
  const x = (ns) => ((Math.log10(ns) - lo) / (hi - lo)) * PLOT_WIDTH;
  const parts = [];
  let y = 40;
  for (const workload of results.workloads) {
    parts.push(`<text x="10" y="${y + 18}" class="title">${escapeXml(workload.title)}</text>`);
    y += PANEL_TITLE;
    for (const row of rows.filter((r) => r.workload === workload.id)) {
      const width = Math.max(1, x(row.ns));
      const cls =
        row.kind === 'floor' ? 'floor' : row.contender.startsWith('ours-') || row.kind === 'verify' ? 'ours' : 'peer';
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 12}" text-anchor="end">${escapeXml(row.label.replace(/`/g, ''))}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" class="${cls}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 12}">${formatUs(row.ns)}</text>`,
      );
      y += BAR_HEIGHT + GAP;
    }
    y += 10;
  }
  // Decade gridlines, so the log scale reads as such.
  const grid = [];
  for (let decade = Math.ceil(lo); decade <= hi; decade++) {
    const gx = LABEL_WIDTH + x(10 ** decade);
    grid.push(`<line x1="${gx.toFixed(1)}" y1="30" x2="${gx.toFixed(1)}" y2="${y}" class="grid"/>`);
    grid.push(`<text x="${gx.toFixed(1)}" y="${y + 14}" text-anchor="middle" class="axis">${10 ** decade} µs</text>`);
  }
  const height = y + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, sans-serif" font-size="12">
<style>
  text { fill: #24292f; } .title { font-weight: 600; font-size: 13px; } .axis { fill: #57606a; font-size: 11px; }
  .ours { fill: #1f883d; } .peer { fill: #0969da; } .floor { fill: #8c959f; } .grid { stroke: #d0d7de; stroke-dasharray: 3 3; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="10" y="20" class="title">${escapeXml(`µs per presigned URL, median (log scale; shorter is faster) — ${results.machine.node}, ${results.machine.cpus}`)}</text>
${grid.join('\n')}
${parts.join('\n')}
</svg>
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input = 'bench/reference.json', output = 'bench/chart.svg'] = process.argv.slice(2);
  writeFileSync(output, renderChart(JSON.parse(readFileSync(input, 'utf8'))));
  console.log(`wrote ${output}`);
}
