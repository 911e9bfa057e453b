/**
 * The package as users get it: packed with `npm pack` from a fresh copy of the sources (no dist/,
 * so prepack must build), and installed from the tarball into a throwaway consumer project
 * outside the repository. Also reads the README's TypeScript snippets into runnable files.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mustRun, PROJECT } from './cli-build.js';

export interface PackedPackage {
  /** The fresh copy the tarball was packed from. */
  readonly clone: string;
  readonly tarball: string;
  /** Paths in the tarball, relative to the package folder. */
  readonly files: readonly string[];
}

/**
 * Copies the working tree's files (tracked, and untracked but not ignored: what a fresh clone of
 * this state holds) into the project's git-ignored tmp/, so that build tools resolve from the
 * project's node_modules, and packs it there.
 */
export function packFreshClone(): PackedPackage {
  mkdirSync(join(PROJECT, 'tmp'), { recursive: true });
  const clone = mkdtempSync(join(PROJECT, 'tmp', 'fresh-clone-'));
  const listed = mustRun('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], PROJECT);
  for (const path of listed.split('\0').filter(Boolean)) {
    const from = join(PROJECT, path);
    if (spawnSync('test', ['-f', from]).status !== 0) continue; // deleted but still in the index
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    copyFileSync(from, join(clone, path));
  }
  const out = mustRun('npm', ['pack', '--json', '--pack-destination', clone], clone);
  const [report] = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return { clone, tarball: join(clone, report!.filename), files: report!.files.map((file) => file.path) };
}

/**
 * A consumer project in the system's temporary folder (no node_modules above it), with the
 * tarball and the given packages installed from npm's cache.
 */
export function consumerProject(tarball: string, more: Readonly<Record<string, string>> = {}): string {
  const consumer = mkdtempSync(join(tmpdir(), 'sigv4-consumer-'));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies: { 'sigv4-presign': `file:${tarball}`, ...more },
      },
      null,
      2,
    ),
  );
  mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], consumer);
  return consumer;
}

/** One runnable README example: its imports, and the code that runs inside an async function. */
export interface Snippet {
  /** The README line where the example starts. */
  readonly line: number;
  readonly imports: readonly string[];
  readonly body: string;
}

/**
 * The README's ```ts blocks. A block without an import continues the block before it (the README
 * shows a form after the presigned POST that fills it, for instance).
 */
export function readmeSnippets(readme = readFileSync(join(PROJECT, 'README.md'), 'utf8')): Snippet[] {
  const snippets: Array<{ line: number; imports: string[]; body: string[] }> = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const code: string[] = [];
    for (i++; lines[i] !== '```'; i++) code.push(lines[i]!);
    const imports = code.filter((line) => /^import .* from '[^']+';$/.test(line));
    const body = code.filter((line) => !imports.includes(line));
    if (imports.length === 0 && snippets.length > 0) snippets.at(-1)!.body.push(...body);
    else snippets.push({ line: i - code.length, imports, body });
  }
  return snippets.map(({ line, imports, body }) => ({ line, imports, body: body.join('\n') }));
}

/**
 * The names README examples use without defining them, with values that need no network: the
 * credentials of AWS's examples, a fetch that answers 200, a KV store, an incoming request.
 */
const PRELUDE: ReadonlyArray<readonly [name: string, declaration: string]> = [
  ['accessKeyId', "const accessKeyId = 'AKIDEXAMPLE';"],
  ['secretAccessKey', "const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';"],
  ['sessionToken', "const sessionToken = 'session-token-example';"],
  ['credentials', 'const credentials = { accessKeyId, secretAccessKey };'],
  [
    'options',
    "const options = { method: 'GET', url: 'https://examplebucket.s3.us-east-1.amazonaws.com/k', region: 'us-east-1', service: 's3', credentials };",
  ],
  ['body', "const body = new TextEncoder().encode('report');"],
  ['file', "const file = new File(['png'], 'cat.png', { type: 'image/png' });"],
  ['fieldsBeforeTheFile', 'const fieldsBeforeTheFile: Record<string, string> = {};'],
  // Cloudflare KV's shape: a missing key is null.
  ['kv', 'const kv = { get: async (key: string): Promise<string | null> => null };'],
  ['request', "const request = new Request('https://examplebucket.s3.us-east-1.amazonaws.com/k?x=1');"],
  // No network: every request a snippet makes is answered here.
  [
    'fetch',
    'const fetch = async (url: string, init?: RequestInit): Promise<Response> => new Response(init?.method ?? url);',
  ],
];

/**
 * A module that runs the snippet: its imports, the names it uses without defining them, and its
 * code inside an async function (README examples may `return` a Response, as a handler does).
 */
export function snippetModule(snippet: Snippet): string {
  const defines = (name: string) =>
    new RegExp(
      `\\b(?:const|let|var|function|class)\\s+${name}\\b|\\b(?:const|let)\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`,
    ).test(snippet.body);
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(snippet.body);
  const needed = new Set<string>();
  // A name is needed if the body uses it, or a needed declaration does (credentials uses the keys).
  for (const [name] of [...PRELUDE].reverse()) {
    const usedByNeeded = PRELUDE.some(
      ([other, declaration]) =>
        needed.has(other) && new RegExp(`\\b${name}\\b`).test(declaration.replace(/^const \w+/, '')),
    );
    if (!defines(name) && (uses(name) || usedByNeeded)) needed.add(name);
  }
  return [
    `// README.md line ${snippet.line}`,
    ...snippet.imports,
    ...PRELUDE.filter(([name]) => needed.has(name)).map(([, declaration]) => declaration),
    'export async function run() {',
    snippet.body,
    '}',
    'await run();',
    "console.log('README example ran');",
    '',
  ].join('\n');
}
