#!/usr/bin/env node
/**
 * Writes the API reference, one page per package entry (docs/api/<entry>.md) and an index
 * (docs/API.md), from the built declarations (dist/**\/*.d.ts) and their TSDoc comments (module
 * overviews from src/). (typedoc needs the TypeScript 5 compiler API, which TypeScript 7 lacks;
 * tsc's declaration output is regular enough to read line by line.)
 *
 *   node scripts/api-docs.mjs           # build, then write docs/API.md and docs/api/*.md
 *   node scripts/api-docs.mjs --check   # build, then exit 1 if a page is stale, an export lacks
 *                                       # TSDoc, or a function or class is in no @example
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// A top-level declaration as tsc prints it; overloads repeat the name.
const DECLARATION = /^export (?:declare )?(function|const|let|class|abstract class|interface|type|enum) (\w+)/;
const REEXPORT = /^export (?:type )?(?:\{([^}]*)\}|\*) from '(\.{1,2}\/[\w/.-]+)\.js';$/;

/** Reads one declaration file (a module path under dist, without .d.ts) into name -> { kind, doc, code }. */
function readDeclarations(module) {
  const lines = readFileSync(join(dist, `${module}.d.ts`), 'utf8').split('\n');
  const found = new Map();
  const starts = [];
  lines.forEach((line, index) => DECLARATION.test(line) && starts.push(index));
  starts.forEach((start, i) => {
    const [, kind, name] = DECLARATION.exec(lines[start]);
    // The declaration runs until the next one's TSDoc, or the end of the exports.
    let end = i + 1 < starts.length ? starts[i + 1] : lines.length;
    end = docStart(lines, end) ?? end;
    while (end > start + 1 && /^(\/\/#|\s*$|export (?:type )?\{)/.test(lines[end - 1])) end--;
    const code = lines.slice(start, end).join('\n');
    const docFrom = docStart(lines, start);
    const doc = docFrom === undefined ? '' : renderDoc(lines.slice(docFrom, start));
    const previous = found.get(name);
    if (previous) previous.code += '\n' + code;
    else found.set(name, { kind, doc, code, module });
  });
  return found;
}

/** The line where the TSDoc block right above `line` begins, if there is one. */
function docStart(lines, line) {
  const last = line === 0 ? '' : lines[line - 1].trimEnd();
  // tsc prints a top-level comment's end as ' */' (members are indented further).
  if (!(last === ' */' || (last.startsWith('/**') && last.endsWith('*/')))) return undefined;
  for (let i = line - 1; i >= 0; i--) if (lines[i].startsWith('/**')) return i;
  return undefined;
}

/** TSDoc to Markdown: the comment's text, `{@link x}` as code, `@example` as a heading. */
function renderDoc(block) {
  return block
    .map((line) => line.replace(/^\s*\/\*\*\s?|\s*\*\/\s*$|^\s*\*( |$)/g, ''))
    .join('\n')
    .replace(/\{@link\s+(?:"[^"]*"\s*\|\s*)?([^}|]+?)\s*(?:\|[^}]*)?\}/g, '`$1`')
    .replace(/^@example\s*/gm, '\n**Example**\n\n')
    .replace(/^@module\s*$/gm, '')
    .trim();
}

/** The re-export lines of a module: [names or undefined for `*`, target module]. */
function reexports(module) {
  const out = [];
  for (const line of readFileSync(join(dist, `${module}.d.ts`), 'utf8').split('\n')) {
    const match = REEXPORT.exec(line.trim());
    if (!match) continue;
    const target = normalize(join(dirname(module), match[2])).replaceAll('\\', '/');
    const names =
      match[1] === undefined
        ? undefined
        : match[1]
            .split(',')
            .map((name) => name.trim().replace(/^type /, ''))
            .filter(Boolean);
    out.push([names, target]);
  }
  return out;
}

/** Where `name` is declared, following re-exports from `module`. */
function resolve(module, name, seen = new Set()) {
  if (seen.has(module)) return undefined;
  seen.add(module);
  const own = readDeclarations(module).get(name);
  if (own) return own;
  for (const [names, target] of reexports(module)) {
    if (names === undefined || names.includes(name)) {
      const found = resolve(target, name, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every name a module exports: its own declarations and what it re-exports. */
function exportedNames(module) {
  const names = [...readDeclarations(module).keys()];
  for (const [list, target] of reexports(module)) names.push(...(list ?? exportedNames(target)));
  return names;
}

/** Every public name of an entry module, grouped by the module that declares it. */
function entryExports(entry) {
  const names = exportedNames(entry);
  const byModule = new Map();
  for (const name of new Set(names)) {
    const declaration = resolve(entry, name) ?? { kind: 'missing', doc: '', code: '', module: entry };
    if (!byModule.has(declaration.module)) byModule.set(declaration.module, []);
    byModule.get(declaration.module).push({ name, ...declaration });
  }
  return byModule;
}

/**
 * The module's own TSDoc (its `@module` block) as Markdown. Read from src/: tsc drops the block
 * from a declaration file whose first import it elides.
 */
function moduleDoc(module) {
  const text = readFileSync(join(root, 'src', `${module}.ts`), 'utf8');
  const match = /^\/\*\*(?:(?!\*\/)[\s\S])*@module[\s\S]*?\*\//m.exec(text);
  return match ? renderDoc(match[0].split('\n')) : '';
}

/** The package's entries, from its exports map: import path, dist module, and condition. */
function packageEntries() {
  const entries = [];
  for (const [path, target] of Object.entries(pkg.exports)) {
    if (path === './package.json') continue;
    const specifier = 'sigv4-presign' + path.slice(1);
    const add = (file, condition) =>
      entries.push({ specifier, condition, module: relative(dist, join(root, file)).replace(/\.js$/, '') });
    if (typeof target === 'string') add(target);
    else {
      if (target.node) add(typeof target.node === 'string' ? target.node : target.node.default, 'node');
      add(typeof target.default === 'string' ? target.default : target.default.default);
    }
  }
  return entries.reverse().sort((a, b) => a.specifier.localeCompare(b.specifier) || (a.condition ? 1 : -1));
}

const pageName = ({ specifier, condition }) =>
  (specifier === 'sigv4-presign' ? 'index' : specifier.slice('sigv4-presign/'.length)) +
  (condition ? `-${condition}` : '');

function renderPage(entry, byModule, skip) {
  const title = `\`${entry.specifier}\`` + (entry.condition ? ` under the \`${entry.condition}\` condition` : '');
  const out = [
    '# ' + title,
    '',
    '<!-- Generated by `node scripts/api-docs.mjs` from dist/**/*.d.ts and their TSDoc. Do not edit by hand. -->',
    '',
  ];
  out.push(moduleDoc(entry.module), '');
  if (skip) out.push(`Everything in [\`${entry.specifier}\`](index.md), plus:`, '');
  for (const [module, exports] of byModule) {
    const shown = exports.filter(({ name }) => !skip?.has(name));
    if (shown.length === 0) continue;
    out.push(`## ${module}`, '');
    if (module !== entry.module) {
      const about = moduleDoc(module);
      if (about) out.push(about, '');
    }
    for (const { name, kind, doc, code } of shown) {
      out.push(`### \`${name}\` (${kind})`, '');
      if (doc) out.push(doc, '');
      out.push('```ts', code, '```', '');
    }
  }
  return out.join('\n');
}

/** Markdown of the examples in a doc (the text after its **Example** headings). */
const examplesOf = (doc) => doc.split('**Example**').slice(1).join('\n');

/** Exports without TSDoc, and functions or classes that no example shows. */
function undocumented(byModule) {
  const problems = [];
  for (const [module, exports] of byModule) {
    const moduleExamples = examplesOf(moduleDoc(module));
    for (const { name, kind, doc } of exports) {
      const shown = examplesOf(doc) !== '' || new RegExp(`\\b${name}\\b`).test(moduleExamples);
      if (kind === 'missing') problems.push(`${module}: ${name}: declaration not found`);
      else if (doc === '') problems.push(`${module}: ${name} (${kind}): no TSDoc`);
      else if ((kind === 'function' || kind.endsWith('class')) && !shown)
        problems.push(`${module}: ${name} (${kind}): no @example`);
    }
  }
  return problems;
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const pages = new Map();
const problems = [];
const index = [
  '# API reference',
  '',
  '<!-- Generated by `node scripts/api-docs.mjs`. Do not edit by hand. -->',
  '',
  '| entry | exports | page |',
  '|---|---:|---|',
];
const plainNames = new Map();
for (const entry of packageEntries()) {
  const byModule = entryExports(entry.module);
  const names = new Set([...byModule.values()].flat().map(({ name }) => name));
  if (!entry.condition) plainNames.set(entry.specifier, names);
  const skip = entry.condition ? plainNames.get(entry.specifier) : undefined;
  const page = pageName(entry);
  pages.set(`docs/api/${page}.md`, renderPage(entry, byModule, skip));
  problems.push(...undocumented(byModule));
  const label = `\`${entry.specifier}\`` + (entry.condition ? ` (\`${entry.condition}\`)` : '');
  index.push(
    `| ${label} | ${skip ? `+${[...names].filter((n) => !skip.has(n)).length}` : names.size} | [${page}.md](api/${page}.md) |`,
  );
}
pages.set('docs/API.md', index.join('\n') + '\n');
const unique = [...new Set(problems)];

/**
 * The README's error table (between its `error-codes` markers) against `SigV4ErrorCode`: every
 * code listed once, and nothing else. A message per difference.
 */
function errorTableProblems() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = /<!-- error-codes: start -->([\s\S]*?)<!-- error-codes: end -->/.exec(readme)?.[1];
  if (table === undefined) return ['README.md has no error-codes table'];
  const listed = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  const declaration = readFileSync(join(dist, 'core/errors.d.ts'), 'utf8');
  const union = /export type SigV4ErrorCode =([^;]*);/.exec(declaration)[1];
  const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  return [
    ...codes.filter((code) => !listed.includes(code)).map((code) => `README.md's error table lacks ${code}`),
    ...listed
      .filter((code) => !codes.includes(code))
      .map((code) => `README.md's error table lists ${code}, not a SigV4ErrorCode`),
    ...listed
      .filter((code, i) => listed.indexOf(code) !== i)
      .map((code) => `README.md's error table lists ${code} twice`),
  ];
}

if (process.argv.includes('--check')) {
  let stale = false;
  for (const problem of errorTableProblems()) {
    console.error(problem);
    stale = true;
  }
  for (const [file, text] of pages) {
    if (!existsSync(join(root, file)) || readFileSync(join(root, file), 'utf8') !== text) {
      console.error(`${file} is stale: run node scripts/api-docs.mjs`);
      stale = true;
    }
  }
  for (const file of readdirSync(join(root, 'docs/api'))) {
    if (!pages.has(`docs/api/${file}`)) {
      console.error(`docs/api/${file} belongs to no entry: run node scripts/api-docs.mjs`);
      stale = true;
    }
  }
  for (const problem of unique) console.error(`undocumented: ${problem}`);
  process.exit(stale || unique.length > 0 ? 1 : 0);
}
rmSync(join(root, 'docs/api'), { recursive: true, force: true });
mkdirSync(join(root, 'docs/api'), { recursive: true });
for (const [file, text] of pages) writeFileSync(join(root, file), text);
console.log(`wrote docs/API.md and ${pages.size - 1} entry pages`);
for (const problem of unique) console.warn(`undocumented: ${problem}`);
