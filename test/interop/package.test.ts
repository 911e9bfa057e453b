/**
 * The published package, as users get it: `npm pack` from a fresh copy of the sources (prepack
 * builds), installed from the tarball into a consumer project outside the repository. There:
 * - the tarball holds dist/ and every file the README links to, and no sources, tests or maps;
 * - the README's TypeScript examples type-check strictly (TypeScript 7 and the oldest the README
 *   declares, 5.7, installed in the consumer as `typescript-oldest`) and run as ESM on Node, Deno
 *   and Bun; `require()` works on Node ≥ 20.19;
 * - the declarations compile with `lib: ["es2022"]` alone in node16, nodenext and bundler modes;
 * - every entry's declared value exports are exactly what the runtime that resolves those
 *   declarations exports (Node, Deno and Bun by the `node` condition, browsers by the default);
 * - `npx sigv4-presign` runs from the installed tarball.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignGetObject } from '../../src/index.js';
import { PROJECT } from '../support/cli-build.js';
import {
  consumerProject,
  packFreshClone,
  readmeSnippets,
  snippetModule,
  type PackedPackage,
} from '../support/package.js';

const pkg = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as {
  description: string;
  keywords: string[];
  exports: Record<string, string | Record<string, string | Record<string, string>>>;
  devDependencies: Record<string, string>;
};
const bin = (name: string) => join(PROJECT, 'node_modules', '.bin', name);
/** The oldest TypeScript the README declares, installed in the consumer under an npm alias. */
const OLDEST_TYPESCRIPT = '5.7.3';

/** Runs a command; returns its status and output (never throws). */
function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), NO_COLOR: '1', ...env },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    output: `${result.stdout}${result.stderr}`,
  };
}

/** A tsconfig for the consumer: strict, the given module mode and libraries, no ambient types. */
function tsconfig(dir: string, name: string, options: Record<string, unknown>, files: string[]): string {
  const path = join(dir, name);
  const compilerOptions = { strict: true, target: 'es2022', types: [], skipLibCheck: false, noEmit: true, ...options };
  writeFileSync(path, JSON.stringify({ compilerOptions, files }, null, 2));
  return path;
}

/** The package's import paths (`sigv4-presign`, `sigv4-presign/v4a`, …) and whether each has a `node` branch. */
const entries = Object.entries(pkg.exports)
  .filter(([path]) => path !== './package.json')
  .map(([path, target]) => ({
    specifier: 'sigv4-presign' + path.slice(1),
    target,
    nodeBranch: typeof target === 'object' && 'node' in target,
  }));

describe('the package as users get it', { timeout: 600_000 }, () => {
  let packed: PackedPackage;
  let consumer: string;
  beforeAll(() => {
    packed = packFreshClone();
    consumer = consumerProject(packed.tarball, {
      '@noble/curves': pkg.devDependencies['@noble/curves']!,
      'typescript-oldest': `npm:typescript@${OLDEST_TYPESCRIPT}`,
      '@types/node': pkg.devDependencies['@types/node']!,
    });
    mkdirSync(join(consumer, 'src'));
  }, 600_000);
  afterAll(() => {
    if (packed) rmSync(packed.clone, { recursive: true, force: true });
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });
  const installed = () => join(consumer, 'node_modules', 'sigv4-presign');
  // Compilers by path: two packages that both provide a `tsc` bin would race for node_modules/.bin.
  const compilers = (): Array<[string, string]> => [
    [`7 (${pkg.devDependencies['typescript']})`, join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc')],
    [OLDEST_TYPESCRIPT, join(consumer, 'node_modules', 'typescript-oldest', 'bin', 'tsc')],
  ];

  describe('the tarball', () => {
    it('is built by prepack from a fresh clone: dist/, no sources, tests or source maps', () => {
      for (const file of [
        'dist/index.js',
        'dist/index.d.ts',
        'dist/node.js',
        'dist/node.d.ts',
        'dist/cli/bin.js',
        'README.md',
        'LICENSE',
        'package.json',
      ]) {
        expect(packed.files, file).toContain(file);
      }
      expect(
        packed.files.filter((file) => /^(src|test|bench\/.*\.mjs|scripts|tools)\b|\.map$|\.tsbuildinfo$/.test(file)),
      ).toEqual([]);
      const dist = packed.files.filter((file) => file.startsWith('dist/'));
      for (const file of dist)
        expect(readFileSync(join(installed(), file), 'utf8'), file).not.toMatch(/sourceMappingURL/);
      expect(statSync(join(installed(), 'dist/cli/bin.js')).mode & 0o111).not.toBe(0);
    });

    it('holds every file the README links to; every anchor names a heading', () => {
      const readme = readFileSync(join(installed(), 'README.md'), 'utf8');
      const headings = new Set(
        [...readme.matchAll(/^#+ (.+)$/gm)].map((m) =>
          m[1]!
            .toLowerCase()
            .replace(/[^\w\- ]/g, '')
            .replace(/ /g, '-'),
        ),
      );
      const links = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThan(3);
      for (const link of links) {
        if (/^https?:\/\//.test(link)) continue;
        const [file, anchor] = link.split('#') as [string, string | undefined];
        if (file === '') expect(headings, link).toContain(anchor);
        else expect(packed.files, link).toContain(file);
      }
    });

    it('has a description and keywords that an npm search for presigned S3 URLs matches', () => {
      expect(pkg.description).toMatch(/presigned URLs/i);
      expect(pkg.description).toMatch(/Signature Version 4/);
      expect(pkg.description).toMatch(/\bS3\b/);
      for (const keyword of ['aws', 's3', 'sigv4', 'presigned-url', 'signature-v4', 'aws4'])
        expect(pkg.keywords).toContain(keyword);
    });
  });

  describe("the README's examples", () => {
    const snippets = readmeSnippets();
    const files = snippets.map((_, i) => `src/readme-${i + 1}.ts`);
    beforeAll(() => {
      snippets.forEach((snippet, i) => writeFileSync(join(consumer, files[i]!), snippetModule(snippet)));
    });

    it('are found', () => {
      expect(snippets.length).toBeGreaterThanOrEqual(6);
    });

    it('type-check strictly with TypeScript 7 and the oldest declared (lib es2022 and dom, nodenext)', () => {
      const options = { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'] };
      const config = tsconfig(consumer, 'tsconfig.readme.json', options, files);
      for (const [version, tsc] of compilers()) {
        const result = run(process.execPath, [tsc, '-p', config], consumer);
        expect(result.output, `TypeScript ${version}`).toBe('');
        expect(result.code, `TypeScript ${version}`).toBe(0);
      }
    });

    it('run as ESM on Node', () => {
      const config = tsconfig(
        consumer,
        'tsconfig.emit.json',
        {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2022', 'dom'],
          noEmit: false,
          outDir: 'out',
          rootDir: 'src',
        },
        files,
      );
      expect(run(process.execPath, [compilers()[0]![1], '-p', config], consumer).output).toBe('');
      for (const [i, file] of files.entries()) {
        const result = run(
          process.execPath,
          [join('out', file.replace(/^src\//, '').replace(/\.ts$/, '.js'))],
          consumer,
        );
        expect(result.stderr, `${file} (README line ${snippets[i]!.line})`).toBe('');
        expect(result.code, file).toBe(0);
        expect(result.stdout, file).toBe('README example ran\n');
      }
    });

    it.each([
      ['Deno', bin('deno'), ['run', '--allow-all', '--quiet']],
      ['Bun', bin('bun'), ['run']],
    ] as const)('run on %s', (_, runtime, args) => {
      for (const [i, file] of files.entries()) {
        const result = run(runtime, [...args, file], consumer, { DENO_NO_UPDATE_CHECK: '1' });
        expect(result.stderr, `${file} (README line ${snippets[i]!.line})`).toBe('');
        expect(result.code, file).toBe(0);
        expect(result.stdout, file).toBe('README example ran\n');
      }
    });
  });

  it('is ESM that require() loads on Node ≥ 20.19', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major > 20 || (major === 20 && minor >= 19), `Node ${process.versions.node}`).toBe(true);
    const script = [
      "const { presignGetObject } = require('sigv4-presign');",
      "for (const entry of ['sigv4-presign/v4a', 'sigv4-presign/stages', 'sigv4-presign/gateway']) require(entry);",
      "const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };",
      "process.stdout.write(presignGetObject({ bucket: 'examplebucket', key: 'k', region: 'us-east-1', credentials, signingDate: new Date('2013-05-24T00:00:00Z') }).url);",
    ].join('\n');
    writeFileSync(join(consumer, 'require.cjs'), script);
    const result = run(process.execPath, ['--no-warnings', 'require.cjs'], consumer);
    expect(result.stderr).toBe('');
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    expect(result.stdout).toBe(
      presignGetObject({
        bucket: 'examplebucket',
        key: 'k',
        region: 'us-east-1',
        credentials,
        signingDate: new Date('2013-05-24T00:00:00Z'),
      }).url,
    );
  });

  describe('types match the runtime', () => {
    const modes = [
      { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, node: true },
      { name: 'nodenext', options: { module: 'nodenext', moduleResolution: 'nodenext' }, node: true },
      { name: 'bundler', options: { module: 'esnext', moduleResolution: 'bundler' }, node: false },
      {
        name: 'bundler, customConditions node',
        options: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['node'] },
        node: true,
      },
    ];

    it('every entry compiles with lib es2022 alone, in every mode, with TypeScript 7 and the oldest declared', () => {
      // gateway-node serves node:http: its declarations name node:http's types, as any Node API's do.
      const nodeOnly = new Set(['sigv4-presign/gateway-node']);
      const everywhere = entries.filter(({ specifier }) => !nodeOnly.has(specifier));
      const imports = everywhere.map(({ specifier }, i) => `import * as entry${i} from '${specifier}';`);
      const all = `export const all = [${everywhere.map((_, i) => `entry${i}`).join(', ')}];`;
      writeFileSync(join(consumer, 'src/entries.ts'), [...imports, all].join('\n'));
      const nodeImports = [...nodeOnly].map((specifier, i) => `import * as node${i} from '${specifier}';`);
      writeFileSync(
        join(consumer, 'src/node-entries.ts'),
        [...nodeImports, `export const all = [${[...nodeOnly].map((_, i) => `node${i}`).join(', ')}];`].join('\n'),
      );
      writeFileSync(
        join(consumer, 'src/node-backend.ts'),
        "import { nodeBackend } from 'sigv4-presign';\nimport { nodeEcdsa } from 'sigv4-presign/v4a';\nexport const backends = [nodeBackend, nodeEcdsa];\n",
      );
      for (const [version, tsc] of compilers()) {
        for (const mode of modes) {
          const where = `TypeScript ${version}, ${mode.name}`;
          const options = { ...mode.options, lib: ['es2022'] };
          const config = tsconfig(consumer, 'tsconfig.entries.json', options, ['src/entries.ts']);
          expect(run(process.execPath, [tsc, '-p', config], consumer).output, where).toBe('');
          const withNode = tsconfig(consumer, 'tsconfig.node-entries.json', { ...options, types: ['node'] }, [
            'src/node-entries.ts',
          ]);
          expect(run(process.execPath, [tsc, '-p', withNode], consumer).output, `${where}, @types/node`).toBe('');
          // The Node entry's own exports: visible wherever the Node entry is what runs.
          const node = tsconfig(consumer, 'tsconfig.node.json', options, ['src/node-backend.ts']);
          const result = run(process.execPath, [tsc, '-p', node], consumer);
          if (mode.node) expect(result.output, where).toBe('');
          else
            expect(result.output, `${where}: a browser bundle has no nodeBackend`).toMatch(
              /has no exported member '?nodeBackend'?/,
            );
        }
      }
    });

    it('each entry declares exactly the values its runtime exports: Node, Deno and Bun by the node condition, browsers by the default', () => {
      // Declared value exports, read with TypeScript's API (TypeScript 7 has none; 5.7 does).
      const lister = [
        "const ts = require('typescript-oldest');",
        'const [file, options] = [process.argv[2], JSON.parse(process.argv[3])];',
        'const parsed = ts.convertCompilerOptionsFromJson(options, process.cwd()).options;',
        'const program = ts.createProgram([file], parsed);',
        'const checker = program.getTypeChecker();',
        'const out = {};',
        'for (const statement of program.getSourceFile(file).statements) {',
        '  if (!ts.isImportDeclaration(statement)) continue;',
        '  const module = checker.getSymbolAtLocation(statement.moduleSpecifier);',
        '  out[statement.moduleSpecifier.text] = checker.getExportsOfModule(module)',
        '    .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)',
        '    .map((s) => s.name).sort();',
        '}',
        'process.stdout.write(JSON.stringify(out));',
      ].join('\n');
      writeFileSync(join(consumer, 'list-exports.cjs'), lister);
      const imports = entries.map(({ specifier }, i) => `import * as entry${i} from '${specifier}';`);
      writeFileSync(join(consumer, 'src/all-entries.ts'), imports.join('\n') + '\n');
      const declared = (options: Record<string, unknown>) => {
        const result = run(
          process.execPath,
          ['list-exports.cjs', 'src/all-entries.ts', JSON.stringify({ ...options, lib: ['es2022'], types: ['node'] })],
          consumer,
        );
        expect(result.stderr).toBe('');
        return JSON.parse(result.stdout) as Record<string, string[]>;
      };
      const asNode = declared({ module: 'nodenext', moduleResolution: 'nodenext' });
      const asBrowser = declared({ module: 'esnext', moduleResolution: 'bundler' });

      // Run-time exports: by specifier (the node condition in Node, Deno and Bun), and the default files by path.
      const keysScript = (specifiers: string[]) =>
        `const out = {}; for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).sort(); console.log(JSON.stringify(out));`;
      const specifiers = entries.map((e) => e.specifier);
      writeFileSync(join(consumer, 'keys.mjs'), keysScript(specifiers));
      const defaults = entries.map(({ specifier, target }) => {
        const file = typeof target === 'string' ? target : (target['default'] as string);
        return { specifier, path: join(installed(), file) };
      });
      writeFileSync(join(consumer, 'default-keys.mjs'), keysScript(defaults.map((d) => d.path)));
      const runtime = (runtimeBin: string, args: string[], script: string) => {
        const result = run(runtimeBin, [...args, script], consumer, { DENO_NO_UPDATE_CHECK: '1' });
        expect(result.stderr, `${runtimeBin} ${script}`).toBe('');
        return JSON.parse(result.stdout) as Record<string, string[]>;
      };
      const inNode = runtime(process.execPath, [], 'keys.mjs');
      const inDeno = runtime(bin('deno'), ['run', '--allow-all', '--quiet'], 'keys.mjs');
      const inBun = runtime(bin('bun'), ['run'], 'keys.mjs');
      const inBrowser = runtime(process.execPath, [], 'default-keys.mjs');

      for (const { specifier, nodeBranch } of entries) {
        expect(inNode[specifier], `${specifier} in Node`).toEqual(asNode[specifier]);
        expect(inDeno[specifier], `${specifier} in Deno`).toEqual(asNode[specifier]);
        expect(inBun[specifier], `${specifier} in Bun`).toEqual(asNode[specifier]);
        const path = defaults.find((d) => d.specifier === specifier)!.path;
        expect(inBrowser[path], `${specifier}, default condition`).toEqual(asBrowser[specifier]);
        if (nodeBranch) expect(asNode[specifier]!.length, specifier).toBeGreaterThan(asBrowser[specifier]!.length);
      }
      expect(asNode['sigv4-presign']).toContain('nodeBackend');
      expect(asBrowser['sigv4-presign']).not.toContain('nodeBackend');
    });
  });

  it('runs `npx sigv4-presign` from the installed tarball', () => {
    const home = mkdtempSync(join(tmpdir(), 'sigv4-npx-home-'));
    try {
      const env = {
        HOME: home,
        npm_config_cache: join(process.env['HOME'] ?? home, '.npm'),
        npm_config_update_notifier: 'false',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        AWS_REGION: 'eu-west-1',
      };
      const result = run(
        'npx',
        ['--no-install', 'sigv4-presign', 's3://examplebucket/docs/read me.txt', '--date', '2013-05-24T00:00:00Z'],
        consumer,
        env,
      );
      const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
      const expected = presignGetObject({
        bucket: 'examplebucket',
        key: 'docs/read me.txt',
        region: 'eu-west-1',
        credentials,
        signingDate: new Date('2013-05-24T00:00:00Z'),
      });
      expect(result).toMatchObject({ code: 0, stdout: expected.url + '\n', stderr: '' });
      const version = run('npx', ['--no-install', 'sigv4-presign', '--version'], consumer, env);
      expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8')).version}\n`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the README names the Node, Deno, Bun and TypeScript versions tested, and says it is ESM-only', () => {
    const readme = readFileSync(join(PROJECT, 'README.md'), 'utf8');
    expect(readme).toMatch(/ESM-only/);
    expect(readme).toContain(`Node ${process.versions.node.split('.').slice(0, 2).join('.')}`);
    expect(readme).toContain(`Deno ${pkg.devDependencies['deno']}`);
    expect(readme).toContain(`Bun ${pkg.devDependencies['bun']}`);
    expect(readme).toContain(`TypeScript ${OLDEST_TYPESCRIPT}`);
    expect(readme).toContain(`TypeScript ${pkg.devDependencies['typescript']}`);
  });
});
