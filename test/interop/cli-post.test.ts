/**
 * `sigv4-presign post … --curl` against real servers: the command line it prints is run as it is
 * by /bin/sh with curl, with only FILE (and CONTENT_TYPE) set, against the gateway and Ceph RGW
 * (required under CI); the file is read back byte for byte, and a file over --max-size is refused
 * with nothing stored. The JSON form's fields, posted with fetch, are accepted too.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { startGateway } from '../../src/gateway/node.js';
import { readBack, sendForm, type PostTarget } from '../support/post-matrix.js';
import { cephConfigured, startCeph } from '../support/s3-servers.js';

const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' }).status === 0;
if (!curl) {
  if (process.env['CI'] !== undefined) throw new Error('curl is needed for test/interop/cli-post.test.ts under CI');
  console.warn('\n*** SKIPPING test/interop/cli-post.test.ts: curl is not installed ***\n');
}
const cephWanted = cephConfigured() || process.env['CI'] !== undefined;

async function gatewayTarget() {
  const directory = mkdtempSync(join(tmpdir(), 'sigv4-cli-post-'));
  const credentials = { accessKeyId: 'AKIDCLIPOST', secretAccessKey: 'cli/post+secret' };
  const gateway = await startGateway({
    directory,
    secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  });
  const target: PostTarget = {
    name: 'gateway',
    location: { bucket: 'cli-bucket', region: 'us-east-1', endpoint: gateway.url },
    credentials,
  };
  return {
    target,
    stop: async () => {
      await gateway.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function cephTarget() {
  const ceph = await startCeph();
  const target: PostTarget = { name: 'ceph', location: ceph.location, credentials: ceph.credentials };
  return { target, stop: () => ceph.stop() };
}

const servers: [string, () => Promise<{ target: PostTarget; stop: () => Promise<void> }>][] = [
  ['the gateway', gatewayTarget],
];
if (cephWanted) servers.push(['Ceph RGW', cephTarget]);
else console.warn('\n*** SKIPPING sigv4-presign post against Ceph RGW: set CEPH=1 or CEPH_RGW_ENDPOINT/… ***\n');

describe.runIf(curl).each(servers)('sigv4-presign post against %s', (_name, start) => {
  let target: PostTarget;
  let stop: () => Promise<void>;
  let folder: string;
  beforeAll(async () => {
    ({ target, stop } = await start());
    folder = mkdtempSync(join(tmpdir(), 'sigv4-cli-post-files-'));
  });
  afterAll(async () => {
    await stop?.();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Runs the command line in-process with the server's keys and endpoint in the environment. */
  async function post(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['post', ...args], {
      env: {
        AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
        AWS_REGION: target.location.region,
        AWS_ENDPOINT_URL_S3: target.location.endpoint!,
      },
      homedir: folder,
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    expect(code, stderr).toBe(0);
    return stdout;
  }

  /**
   * Runs a printed curl line with /bin/sh, FILE and CONTENT_TYPE in its environment. Asynchronously:
   * the gateway answers from this very process.
   */
  function sh(line: string, env: Record<string, string>) {
    return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        '/bin/sh',
        ['-c', line],
        { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } },
        (error, stdout, stderr) => resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
  }
  function runCurl(line: string, file: Buffer, name: string, contentType?: string) {
    const path = join(folder, name);
    writeFileSync(path, file);
    const env: Record<string, string> = {
      FILE: path,
      ...(contentType === undefined ? {} : { CONTENT_TYPE: contentType }),
    };
    return sh(`${line.trimEnd()} -sS -w '\\n%{http_code}'`, env);
  }

  test('the printed curl line uploads the file under the prefix, with the type given', async () => {
    const prefix = `cli/${Date.now().toString(36)}/`;
    const line = await post([
      `s3://${target.location.bucket}/${prefix}`,
      '--max-size',
      '1MB',
      '--content-type-prefix',
      'image/',
      '--curl',
    ]);
    const file = randomBytes(5000);
    const run = await runCurl(line, file, 'photo.png', 'image/png');
    expect(run.stdout.trim().split('\n').at(-1), run.stderr + run.stdout).toBe('204');
    const stored = await readBack(target, `${prefix}photo.png`);
    expect(Buffer.from(stored.bytes).equals(file)).toBe(true);
    expect(stored.contentType).toBe('image/png');
  });

  test('a file over --max-size is refused by the server, and nothing is stored', async () => {
    const prefix = `cli/${Date.now().toString(36)}-big/`;
    const line = await post([`s3://${target.location.bucket}/${prefix}`, '--max-size', '1KiB', '--curl']);
    const run = await runCurl(line, randomBytes(1025), 'big.bin');
    expect(run.stdout).toContain('<Code>EntityTooLarge</Code>');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('400');
    expect(run.status).not.toBe(0); // --fail-with-body
    expect((await readBack(target, `${prefix}big.bin`)).status).toBe(404);
  });

  test('without $FILE the line stops before sending anything', async () => {
    const line = await post([`s3://${target.location.bucket}/cli/`, '--curl']);
    const run = await sh(line, {});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('set FILE to the path of the file to upload');
  });

  test('the JSON form, posted with fetch and FormData', async () => {
    const key = `cli/${Date.now().toString(36)}/exact.txt`;
    const { url, fields } = JSON.parse(
      await post([`s3://${target.location.bucket}/${key}`, '--content-type', 'text/plain', '--json']),
    ) as {
      url: string;
      fields: Record<string, string>;
    };
    const response = await sendForm(
      url,
      Object.entries(fields),
      new TextEncoder().encode('from the JSON form'),
      'x.txt',
    );
    expect(response.status, response.body).toBe(204);
    expect(Buffer.from((await readBack(target, key)).bytes).toString()).toBe('from the JSON form');
  });
});
