/**
 * Edge-clean by construction: the default entry, bundled for the browser, pulls in no Node
 * built-in, while Node's entry does pull in node:crypto (which shows that the check can see one).
 */
import { builtinModules } from 'node:module';
import * as esbuild from 'esbuild';
import { beforeAll, expect, test } from 'vitest';
import { buildPackage, repoRoot } from './conformance/build.js';

const BUILTINS = new Set(builtinModules);
const isBuiltin = (path: string) => path.startsWith('node:') || BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]!);

/** Bundles the whole public API as a user's bundler would and lists the built-ins it imports. */
async function bundleEverything(platform: 'browser' | 'node') {
  const builtins: string[] = [];
  const result = await esbuild.build({
    stdin: { contents: "export * from 'sigv4-presign';", resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (!isBuiltin(args.path)) return undefined;
            builtins.push(`${args.path} (from ${args.importer.slice(repoRoot.length + 1)})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return { builtins, inputs: Object.keys(result.metafile.inputs) };
}

beforeAll(() => buildPackage());

test('the default entry, bundled for the browser, imports no Node built-in', async () => {
  const { builtins, inputs } = await bundleEverything('browser');
  expect(builtins).toEqual([]);
  expect(inputs).toContain('dist/index.js');
  expect(inputs.filter((input) => input.includes('hash-node') || input.endsWith('dist/node.js'))).toEqual([]);
});

test("Node's entry (the `node` condition) is where node:crypto lives", async () => {
  const { builtins, inputs } = await bundleEverything('node');
  expect(builtins).toEqual(['node:crypto (from dist/hash-node.js)']);
  expect(inputs).toContain('dist/node.js');
});
