/**
 * Presigned POST against real servers: Ceph RGW (required under CI) and the project's gateway on
 * node:http over a directory. Real multipart form uploads made by presignPost are accepted and
 * stored byte for byte, each violation is refused with nothing stored, forms made by botocore and
 * by the AWS SDK are accepted, and the gateway reaches Ceph's verdict on every case of the same
 * matrix (S3's verdict, where Ceph's differs in a declared way). Every case is also put to
 * verifyPresignedPost alone, which must reach S3's verdict.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/node.js';
import { presignPost, verifyPresignedPost } from '../../src/index.js';
import { botocorePost, botocorePostVersion, sdkPost } from '../support/post-oracles.mjs';
import {
  POST_MATRIX,
  readBack,
  runCase,
  sendForm,
  xmlText,
  type PostCase,
  type PostTarget,
} from '../support/post-matrix.js';
import { cephConfigured, startCeph, type S3TestServer } from '../support/s3-servers.js';

const cephWanted = cephConfigured() || process.env['CI'] !== undefined;
if (!cephWanted) {
  console.warn(
    '\n*** SKIPPING the Ceph RGW half of test/interop/post-upload.test.ts: set CEPH=1 or CEPH_RGW_ENDPOINT/… (required under CI) ***\n',
  );
}
const botocoreWanted = botocorePostVersion() !== undefined || process.env['CI'] !== undefined;
if (!botocoreWanted) console.warn('\n*** SKIPPING the botocore forms: python3 with botocore is not installed ***\n');

/** A server under test: how to start it, what it keeps, and where it answers otherwise than S3. */
interface Server {
  readonly name: 'ceph' | 'gateway';
  readonly start: () => Promise<{ target: PostTarget; stop: () => Promise<void> }>;
  /** Whether it keeps x-amz-meta-* (the gateway stores bytes and content type only). */
  readonly keepsMetadata: boolean;
  /** Its answer to a case: S3's, or the declared difference. */
  readonly expected: (postCase: PostCase) => { status: number; code?: string | undefined };
  /** Its answer to a body that is not multipart/form-data. */
  readonly notMultipart: { status: number; code: string };
}

async function startCephTarget() {
  const ceph: S3TestServer = await startCeph();
  return { target: { name: 'ceph', location: ceph.location, credentials: ceph.credentials }, stop: () => ceph.stop() };
}

async function startGatewayTarget() {
  const directory = mkdtempSync(join(tmpdir(), 'sigv4-post-gateway-'));
  const credentials = { accessKeyId: 'AKIDGATEWAYPOST', secretAccessKey: 'gateway/post+secret' };
  const gateway: RunningGateway = await startGateway({
    directory,
    secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  });
  return {
    target: {
      name: 'gateway',
      location: { bucket: 'post-bucket', region: 'us-east-1', endpoint: gateway.url },
      credentials,
    },
    stop: async () => {
      await gateway.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const SERVERS: Server[] = [
  {
    name: 'gateway',
    start: startGatewayTarget,
    keepsMetadata: false,
    expected: (c) => c.expect,
    notMultipart: { status: 412, code: 'PreconditionFailed' },
  },
];
if (cephWanted) {
  SERVERS.unshift({
    name: 'ceph',
    start: startCephTarget,
    keepsMetadata: true,
    expected: (c) => c.ceph ?? c.expect,
    // S3 answers 412 PreconditionFailed; Ceph 16 answers 400 InvalidArgument.
    notMultipart: { status: 400, code: 'InvalidArgument' },
  });
}

/** Each server's answer to each case of the matrix, compared across servers at the end. */
const verdicts = new Map<string, Map<string, { status: number; code: string | undefined }>>();

describe.each(SERVERS.map((s) => [s.name, s] as const))('presigned POST to %s', (name, server) => {
  let target: PostTarget;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ target, stop } = await server.start());
    verdicts.set(name, new Map());
  });
  afterAll(() => stop?.());

  test.each(POST_MATRIX.map((c) => [c.name, c] as const))('%s', async (_name, postCase) => {
    const { key, post, file, response } = await runCase(target, postCase);
    const expected = server.expected(postCase);
    const code = xmlText(response.body, 'Code');
    verdicts.get(name)!.set(postCase.name, { status: response.status, code });
    expect(response.status, response.body).toBe(expected.status);
    if (expected.code !== undefined) expect(code).toBe(expected.code);

    const storedAs = postCase.expect.storedAs?.(key);
    if (storedAs === undefined) {
      expect((await readBack(target, key)).status).toBe(404); // nothing stored
      return;
    }
    const stored = await readBack(target, storedAs);
    expect(stored.status).toBe(200);
    expect(Buffer.from(stored.bytes).equals(Buffer.from(file))).toBe(true);
    const contentType =
      post.fields['Content-Type'] ?? (postCase.form ? postCase.form({}, post)['Content-Type'] : undefined);
    if (contentType !== undefined) expect(stored.contentType).toBe(contentType);
    if (server.keepsMetadata && post.fields['x-amz-meta-author'] !== undefined) expect(stored.author).toBe('J. Doe');
    if (response.status === 201) {
      expect(xmlText(response.body, 'Key')).toBe(storedAs);
      expect(xmlText(response.body, 'Bucket')).toBe(target.location.bucket);
    }
    if (response.status === 303) {
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('key')).toBe(storedAs);
      expect(location.searchParams.get('bucket')).toBe(target.location.bucket);
      expect(location.searchParams.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    }
  });

  test('verifyPresignedPost alone reaches S3’s verdict on every case of the matrix', async () => {
    for (const postCase of POST_MATRIX) {
      const post = presignPost(postCase.options(target, 'verdict/k'));
      const fields = postCase.form ? postCase.form({ ...post.fields }, post) : post.fields;
      const { credentials } = target;
      const verdict = await verifyPresignedPost(
        {
          bucket: target.location.bucket,
          fields,
          filename: postCase.filename ?? 'upload.bin',
          fileSize: postCase.size,
        },
        { secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined) },
      );
      if (postCase.expect.storedAs) expect(verdict, postCase.name).toMatchObject({ ok: true });
      else expect(verdict, postCase.name).toMatchObject({ ok: false, code: postCase.expect.code });
    }
  });

  test('a body that is not multipart/form-data is refused', async () => {
    const post = presignPost({ ...target.location, credentials: target.credentials, key: 'not-multipart' });
    const response = await fetch(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(post.fields),
    });
    expect(response.status).toBe(server.notMultipart.status);
    expect(xmlText(await response.text(), 'Code')).toBe(server.notMultipart.code);
  });

  test.each(['botocore', 'the AWS SDK'] as const)('a form made by %s is accepted', async (peer) => {
    if (peer === 'botocore' && !botocoreWanted) return;
    const key = `peer/${peer.replace(/\W/g, '')}-${Date.now().toString(36)}/\${filename}`;
    const postCase = {
      name: peer,
      description: 'live',
      bucket: target.location.bucket,
      key,
      region: target.location.region,
      credentials: target.credentials as { accessKeyId: string; secretAccessKey: string },
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      expiresIn: 300,
      endpoint: target.location.endpoint!,
      forcePathStyle: true,
      fields: { 'Content-Type': 'text/plain' },
      contentLengthRange: [1, 1000] as const,
    };
    const [form] = peer === 'botocore' ? botocorePost([postCase]) : await sdkPost([postCase]);
    const file = new TextEncoder().encode(`made by ${peer}`);
    const verdict = await verifyPresignedPost(
      { bucket: target.location.bucket, fields: form!.fields, filename: 'note.txt', fileSize: file.length },
      { secretFor: () => target.credentials.secretAccessKey },
    );
    expect(verdict).toMatchObject({ ok: true, key: key.replace('${filename}', 'note.txt') });
    const response = await sendForm(form!.url, Object.entries(form!.fields), file, 'note.txt', 'text/plain');
    expect(response.status, response.body).toBe(204);
    const stored = await readBack(target, key.replace('${filename}', 'note.txt'));
    expect(Buffer.from(stored.bytes).toString()).toBe(`made by ${peer}`);
    expect(stored.contentType).toBe('text/plain');
  });
});

describe.runIf(cephWanted)('the gateway and Ceph RGW', () => {
  test('reach the same verdict on every case of the matrix (codes too, but where Ceph is known to differ)', () => {
    const ceph = verdicts.get('ceph')!;
    const gateway = verdicts.get('gateway')!;
    expect(ceph.size).toBe(POST_MATRIX.length);
    expect(gateway.size).toBe(POST_MATRIX.length);
    for (const postCase of POST_MATRIX) {
      const [a, b] = [ceph.get(postCase.name)!, gateway.get(postCase.name)!];
      expect(b.status, postCase.name).toBe(a.status);
      if (postCase.ceph === undefined) expect(b.code, postCase.name).toBe(a.code);
    }
  });
});
