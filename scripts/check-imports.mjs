#!/usr/bin/env node
/**
 * Checks the import graph of src/: no cycle, and no upward edge between layers.
 *
 * Layers, lowest first: core (stages, hashing, the rule book) < sign (presign, S3, POST, SigV4a)
 * < verify < gateway < the entries (src/*.ts, which re-export the layers below) < cli (a program
 * on the public entries). A module may import its own layer or a lower one; `verify` imports
 * nothing from `sign` (what they share lives in core). Type-only imports count too.
 *
 *   npm run check:imports   # prints the graph's size; exit 1 on a cycle or an upward edge
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));
const LAYERS = ['core', 'sign', 'verify', 'gateway', 'entries', 'cli'];
/** Layer pairs that must not meet even though the direction is downward. */
const FORBIDDEN = [['verify', 'sign']];

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
const layerOf = (file) => {
  const parts = relative(src, file).split('/');
  return LAYERS.indexOf(parts.length === 1 ? 'entries' : parts[0]);
};
const nameOf = (file) => relative(src, file);

const graph = new Map();
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^(?:import|export)[^;]*?from '(\.{1,2}\/[^']+)'/gms)].map((m) =>
    resolve(dirname(file), m[1].replace(/\.js$/, '.ts')),
  );
  graph.set(file, targets);
}

const problems = [];
let edges = 0;
for (const [file, targets] of graph) {
  for (const target of targets) {
    edges++;
    if (!graph.has(target)) problems.push(`${nameOf(file)} imports ${nameOf(target)}, which is not in src/`);
    else if (layerOf(target) > layerOf(file)) problems.push(`upward: ${nameOf(file)} imports ${nameOf(target)}`);
    for (const [from, to] of FORBIDDEN) {
      if (LAYERS[layerOf(file)] === from && LAYERS[layerOf(target)] === to) {
        problems.push(`${nameOf(file)} imports ${nameOf(target)}: ${from} shares rules with ${to} through core only`);
      }
    }
  }
}

// Cycles: depth-first search, reporting each back edge's cycle once.
const state = new Map(); // 1 on the stack, 2 done
const stack = [];
function visit(file) {
  state.set(file, 1);
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    if (state.get(target) === 1)
      problems.push(`cycle: ${[...stack.slice(stack.indexOf(target)), target].map(nameOf).join(' -> ')}`);
    else if (!state.has(target) && graph.has(target)) visit(target);
  }
  stack.pop();
  state.set(file, 2);
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

console.log(`src/: ${graph.size} modules, ${edges} imports, layers ${LAYERS.join(' < ')}`);
for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
