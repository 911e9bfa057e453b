// npm run demo: presigned S3 upload and download against an embedded S3 server on loopback,
// with the library (PUT) and the built command line (GET). No AWS account needed; the server
// is stopped and its folder removed before exit. Exit status 0 only if every step worked.
import S3rver from '@20minutes/s3rver';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presignPutObject } from 'sigv4-presign';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const bucket = 'demo-bucket';
const key = 'shared/hello world ü+1.txt';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }; // s3rver's built-in key pair
const region = 'us-east-1';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const step = (text) => console.log(`\n== ${text}`);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const work = mkdtempSync(join(tmpdir(), 'sigv4-demo-'));
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: join(work, 's3'),
  configureBuckets: [{ name: bucket }],
});
let failed = false;
try {
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  console.log(`S3 server (s3rver) on ${endpoint}, bucket ${bucket}`);

  const file = join(work, 'upload.txt');
  writeFileSync(file, `Shared with a presigned URL at ${new Date().toISOString()} ✓\n`);
  const body = readFileSync(file);

  step('library: presignPutObject (content-type signed, so the uploader cannot change it)');
  const put = presignPutObject({
    bucket,
    key,
    region,
    endpoint,
    credentials,
    contentType: 'text/plain; charset=utf-8',
    expiresIn: 300,
  });
  console.log(`PUT ${put.url}`);
  console.log(`headers to send: ${JSON.stringify(put.headers)}`);
  const uploaded = await fetch(put.url, { method: put.method, headers: put.headers, body });
  console.log(`upload of ${body.length} bytes (sha256 ${sha256(body)}…): HTTP ${uploaded.status}`);
  check(uploaded.status === 200, `upload failed: ${await uploaded.text()}`);

  step('command line: sigv4-presign s3://… (GET)');
  const args = [`s3://${bucket}/${key}`, '--endpoint', endpoint, '--region', region, '--expires-in', '300'];
  console.log(`$ sigv4-presign ${args.map((a) => (/[\s+ü]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const cli = spawnSync(BIN, args, {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: work,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
  });
  check(cli.status === 0, `the CLI failed (${cli.status}): ${cli.stderr}`);
  const getUrl = cli.stdout.trim();
  console.log(`GET ${getUrl}`);
  const downloaded = Buffer.from(await (await fetch(getUrl)).arrayBuffer());
  const same = downloaded.equals(body);
  console.log(
    `download: ${downloaded.length} bytes (sha256 ${sha256(downloaded)}…): round trip ${same ? 'OK, byte for byte' : 'MISMATCH'}`,
  );
  check(same, 'the downloaded bytes differ from the uploaded file');

  step('tampered URLs are refused');
  const tamperedSignature = getUrl.replace(/X-Amz-Signature=(.)/, (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
  const tamperedExpiry = getUrl.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000');
  for (const [what, url] of [
    ['signature changed', tamperedSignature],
    ['expiry stretched', tamperedExpiry],
  ]) {
    const res = await fetch(url);
    const code = /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
    console.log(`${what}: HTTP ${res.status} ${code ?? ''}`);
    check(res.status === 403, `a tampered URL (${what}) was accepted`);
  }
  const wrongType = await fetch(put.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body });
  console.log(`upload with another content-type: HTTP ${wrongType.status}`);
  check(wrongType.status === 403, 'an upload with another content-type was accepted');

  console.log('\ndemo OK');
} catch (error) {
  failed = true;
  console.error(`\ndemo FAILED: ${error instanceof Error ? error.message : error}`);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
