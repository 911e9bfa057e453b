/**
 * Edge-clean by construction: the default entry, bundled for the browser, pulls in no Node
 * built-in, while Node's entry does pull in node:crypto (which shows that the check can see one).
 */
import { builtinModules } from 'node:module';
import * as esbuild from 'esbuild';
import { expect, test } from 'vitest';
import { withBuiltPackage } from './conformance/build.js';

const BUILTINS = new Set(builtinModules);
const isBuiltin = (path: string) => path.startsWith('node:') || BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]!);

/** Bundles the whole public API as a user's bundler would and lists the built-ins it imports. */
function bundleEverything(platform: 'browser' | 'node', entry = 'sigv4-presign') {
  return withBuiltPackage(async (folder) => {
    const builtins: string[] = [];
    const recordBuiltins: esbuild.Plugin = {
      name: 'record-node-builtins',
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (!isBuiltin(args.path)) return undefined;
          builtins.push(`${args.path} (from ${args.importer.slice(folder.length + 1)})`);
          return { path: args.path, external: true };
        });
      },
    };
    const result = await esbuild.build({
      stdin: { contents: `export * from '${entry}';`, resolveDir: folder, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform,
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [recordBuiltins],
    });
    // Inputs are relative to the working directory; keep the part inside the package.
    const inputs = Object.keys(result.metafile.inputs).map((input) => input.replace(/^.*?(?=dist\/)/, ''));
    return { builtins, inputs };
  });
}

test('the default entry, bundled for the browser, imports no Node built-in', async () => {
  const { builtins, inputs } = await bundleEverything('browser');
  expect(builtins).toEqual([]);
  expect(inputs).toContain('dist/index.js');
  expect(inputs.filter((input) => input.includes('hash-node') || input.endsWith('dist/node.js'))).toEqual([]);
});

test("Node's entry (the `node` condition) is where node:crypto lives", async () => {
  const { builtins, inputs } = await bundleEverything('node');
  expect(builtins).toEqual(['node:crypto (from dist/core/hash-node.js)']);
  expect(inputs).toContain('dist/node.js');
});

test('sigv4-presign/v4a, bundled for the browser, imports no Node built-in (WebCrypto does the ECDSA)', async () => {
  const { builtins, inputs } = await bundleEverything('browser', 'sigv4-presign/v4a');
  expect(builtins).toEqual([]);
  expect(inputs).toContain('dist/v4a.js');
  expect(inputs.filter((input) => /ecdsa-node|hash-node|v4a-node/.test(input))).toEqual([]);
});

test("sigv4-presign/v4a's Node entry takes ECDSA, SHA-256 and HMAC from node:crypto", async () => {
  const { builtins, inputs } = await bundleEverything('node', 'sigv4-presign/v4a');
  expect(builtins.sort()).toEqual([
    'node:crypto (from dist/core/ecdsa-node.js)',
    'node:crypto (from dist/core/hash-node.js)',
  ]);
  expect(inputs).toContain('dist/v4a-node.js');
});
