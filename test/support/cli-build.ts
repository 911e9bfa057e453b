/**
 * Builds the package into a throwaway folder (package.json + dist, as `npm run build` makes it),
 * so that CLI tests run the real built executable without touching the shared dist/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command to completion and throws with its output when it fails. */
export function mustRun(command: string, args: readonly string[], cwd: string): string {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}${run.stdout}`);
  return run.stdout;
}

/**
 * A folder holding package.json and a fresh build in dist/, post-build step included. It lies in
 * the project's git-ignored tmp/, so that the build finds @noble/hashes in node_modules above it.
 */
export function buildPackage(): string {
  mkdirSync(join(PROJECT, 'tmp'), { recursive: true });
  const folder = mkdtempSync(join(PROJECT, 'tmp', 'cli-build-'));
  copyFileSync(join(PROJECT, 'package.json'), join(folder, 'package.json'));
  const dist = join(folder, 'dist');
  try {
    mustRun(
      join(PROJECT, 'node_modules/.bin/tsc'),
      ['-p', join(PROJECT, 'tsconfig.build.json'), '--outDir', dist],
      PROJECT,
    );
    mustRun(process.execPath, [join(PROJECT, 'scripts/postbuild.mjs'), dist], PROJECT);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return folder;
}
