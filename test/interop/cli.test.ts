/**
 * The built `sigv4-presign` executable (shebang, execute bit, process streams and exit status)
 * against s3rver: uploads and downloads through the URLs it prints, one target or many on
 * standard input, with the endpoint from the environment as the AWS CLI reads it. The many
 * in-process cases are in test/unit/cli/.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../support/cli-build.js';
import { send, startS3rver, type S3TestServer } from '../support/s3-servers.js';

describe('the built executable', () => {
  let folder: string;
  let bin: string;
  let server: S3TestServer;
  let home: string;
  beforeAll(async () => {
    folder = buildPackage();
    bin = join(folder, 'dist', 'cli', 'bin.js');
    server = await startS3rver();
    home = mkdtempSync(join(tmpdir(), 'sigv4-cli-bin-home-'));
  });
  afterAll(async () => {
    await server?.stop();
    for (const dir of [folder, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the built bin file directly (through its shebang), with only the given environment. */
  const exec = (args: string[], env: Record<string, string>, input?: string) => {
    const run = spawnSync(bin, args, {
      encoding: 'utf8',
      input,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const serverEnv = () => ({
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_REGION: server.location.region,
    AWS_ENDPOINT_URL_S3: server.location.endpoint!,
  });

  it('has its shebang and execute bit, and prints its version', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
    const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string };
    expect(exec(['--version'], {})).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('uploads and downloads through URLs it prints, the endpoint from AWS_ENDPOINT_URL_S3', async () => {
    const target = `s3://${server.location.bucket}/cli upload/ü+1.txt`;
    const put = exec([target, '--method', 'PUT', '--content-type', 'text/plain', '--json'], serverEnv());
    expect(put.code, put.stderr).toBe(0);
    const { url, method, headers } = JSON.parse(put.stdout) as {
      url: string;
      method: string;
      headers: Record<string, string>;
    };
    expect((await send(url, { method, headers, body: 'hello from the CLI' })).status).toBe(200);

    const get = exec([target], serverEnv());
    expect(get.code, get.stderr).toBe(0);
    const res = await send(get.stdout.trim(), { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello from the CLI');
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('presigns every line of standard input; each URL works and a bad line leaves the others', async () => {
    const bucket = server.location.bucket;
    const keys = ['many/one.txt', 'many/two words.txt', 'many/3+3.txt'];
    const put = exec(['-', '--method', 'PUT'], serverEnv(), keys.map((key) => `s3://${bucket}/${key}`).join('\n'));
    expect(put.code, put.stderr).toBe(0);
    const putUrls = put.stdout.trimEnd().split('\n');
    expect(putUrls).toHaveLength(3);
    for (const [i, url] of putUrls.entries())
      expect((await send(url, { method: 'PUT', body: `body ${i}` })).status).toBe(200);

    const lines = [
      `s3://${bucket}/${keys[0]}`,
      'not a target',
      `s3://${bucket}/${keys[1]}`,
      `s3://${bucket}/${keys[2]}`,
    ];
    const get = exec(['-'], serverEnv(), lines.join('\n') + '\n');
    expect(get.code).toBe(2);
    expect(get.stderr).toMatch(/^sigv4-presign: line 2: the target must be s3:\/\/BUCKET\/KEY[^\n]*\n$/);
    const getUrls = get.stdout.trimEnd().split('\n');
    expect(getUrls).toHaveLength(3);
    for (const [i, url] of getUrls.entries()) {
      const res = await send(url, { method: 'GET' });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(`body ${i}`);
    }
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const input = Array.from({ length: 20_000 }, (_, i) => `s3://b-1/key-${i}`).join('\n');
    const run = spawnSync('sh', ['-c', `"${bin}" - | head -n 1`], {
      input,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: home, ...serverEnv() },
    });
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toBe('');
  });

  it('exits 2 on a usage error and 1 on missing credentials, with one line and no stack', () => {
    const usage = exec(['s3://b-1/k', '--method', 'PATCH'], { AWS_REGION: 'us-east-1' });
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
    const missing = exec(['s3://b-1/k'], { AWS_REGION: 'us-east-1' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^sigv4-presign: no credentials[^\n]*\n$/);
    const unknown = exec(['s3://b-1/k', '--nope'], {});
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'sigv4-presign: unknown option --nope (see --help)\n' });
  });
});
