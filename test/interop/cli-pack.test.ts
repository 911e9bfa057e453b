/**
 * `npx sigv4-presign` as users get it: in the package's own folder after a build, and installed
 * as a dependency from the `npm pack` tarball. Needs the npm registry (or npm's cache) for
 * @noble/hashes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignGetObject } from '../../src/index.js';
import { buildPackage, mustRun } from '../support/cli-build.js';

const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'eu-west-1',
};
const ARGS = ['s3://examplebucket/docs/read me.txt', '--date', '2013-05-24T00:00:00Z'];
const EXPECTED =
  presignGetObject({
    bucket: 'examplebucket',
    key: 'docs/read me.txt',
    region: 'eu-west-1',
    credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY },
    signingDate: new Date('2013-05-24T00:00:00Z'),
  }).url + '\n';

/** `npx --no-install sigv4-presign ...` in `cwd`, with only the variables it needs. */
function npx(cwd: string, args: readonly string[]) {
  const home = mkdtempSync(join(tmpdir(), 'sigv4-npx-home-'));
  try {
    const run = spawnSync('npx', ['--no-install', 'sigv4-presign', ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        npm_config_cache: join(process.env['HOME'] ?? home, '.npm'),
        npm_config_update_notifier: 'false',
        ...ENV,
      },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('npx sigv4-presign', () => {
  let packageFolder: string;
  let consumer: string;
  beforeAll(() => {
    packageFolder = buildPackage();
    mustRun('npm', ['pack', '--silent'], packageFolder);
    consumer = mkdtempSync(join(tmpdir(), 'sigv4-consumer-'));
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    const tarball = readdirSync(packageFolder).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack made no tarball');
    mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packageFolder, tarball)], consumer);
  }, 180_000);
  afterAll(() => {
    for (const folder of [packageFolder, consumer]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('runs in the package folder after a build', () => {
    expect(npx(packageFolder, ARGS)).toEqual({ code: 0, stdout: EXPECTED, stderr: '' });
  });

  it('runs when installed as a dependency from the packed tarball', () => {
    expect(npx(consumer, ARGS)).toEqual({ code: 0, stdout: EXPECTED, stderr: '' });
    const usage = npx(consumer, ['s3://examplebucket/k', '--method', 'PATCH']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^sigv4-presign: --method must be one of/);
  });
});
