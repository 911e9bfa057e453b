/**
 * Presigned POST against a real S3 server, Ceph RGW (required under CI): real multipart form
 * uploads made by presignPost are accepted and stored byte for byte, each violation is refused
 * with nothing stored, and forms made by botocore and by the AWS SDK are accepted too. Every
 * accepted and refused form is also put to verifyPresignedPost, which must reach S3's verdict.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { presignPost, verifyPresignedPost } from '../../src/index.js';
import { botocorePost, botocorePostVersion, sdkPost } from '../support/post-oracles.mjs';
import { POST_MATRIX, readBack, runCase, sendForm, xmlText, type PostTarget } from '../support/post-matrix.js';
import { cephConfigured, startCeph, type S3TestServer } from '../support/s3-servers.js';

const cephWanted = cephConfigured() || process.env['CI'] !== undefined;
if (!cephWanted) {
  console.warn(
    '\n*** SKIPPING test/interop/post-upload.test.ts: set CEPH=1 or CEPH_RGW_ENDPOINT/… (required under CI) ***\n',
  );
}

describe.runIf(cephWanted)('presigned POST to Ceph RGW', () => {
  let ceph: S3TestServer;
  let target: PostTarget;
  beforeAll(async () => {
    ceph = await startCeph();
    target = { name: 'ceph', location: ceph.location, credentials: ceph.credentials };
  });
  afterAll(() => ceph?.stop());

  test.each(POST_MATRIX.map((c) => [c.name, c] as const))('%s', async (_name, postCase) => {
    const { key, post, file, response } = await runCase(target, postCase);
    const expected = postCase.ceph ?? postCase.expect;
    expect(response.status, response.body).toBe(expected.status);
    if (expected.code !== undefined) expect(xmlText(response.body, 'Code')).toBe(expected.code);

    const storedAs = postCase.expect.storedAs?.(key);
    if (storedAs === undefined) {
      expect((await readBack(target, key)).status).toBe(404); // nothing stored
    } else {
      const stored = await readBack(target, storedAs);
      expect(stored.status).toBe(200);
      expect(Buffer.from(stored.bytes).equals(Buffer.from(file))).toBe(true);
      const contentType = post.fields['Content-Type'];
      if (contentType !== undefined) expect(stored.contentType).toBe(contentType);
      if (post.fields['x-amz-meta-author'] !== undefined) expect(stored.author).toBe('J. Doe');
      if (response.status === 201) expect(xmlText(response.body, 'Key')).toBe(storedAs);
      if (response.status === 303) {
        const location = new URL(response.headers.get('location')!);
        expect(location.searchParams.get('key')).toBe(storedAs);
        expect(location.searchParams.get('bucket')).toBe(target.location.bucket);
      }
    }
  });

  test('verifyPresignedPost reaches S3’s verdict on every case of the matrix', async () => {
    for (const postCase of POST_MATRIX) {
      const key = 'verdict/k';
      const post = presignPost(postCase.options(target, key));
      const fields = postCase.form ? postCase.form({ ...post.fields }, post) : post.fields;
      const verdict = await verifyPresignedPost(
        {
          bucket: target.location.bucket,
          fields,
          filename: postCase.filename ?? 'upload.bin',
          fileSize: postCase.size,
        },
        { secretFor: (id) => (id === ceph.credentials.accessKeyId ? ceph.credentials.secretAccessKey : undefined) },
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
    // S3 answers 412 PreconditionFailed; Ceph 16 answers 400 InvalidArgument.
    expect(response.status).toBe(400);
    expect(xmlText(await response.text(), 'Code')).toBe('InvalidArgument');
  });

  const peers = [
    ['botocore', botocorePostVersion() !== undefined || process.env['CI'] !== undefined],
    ['the AWS SDK', true],
  ] as const;
  test.each(peers)('a form made by %s is accepted, and by verifyPresignedPost too', async (peer, available) => {
    if (!available) {
      console.warn('\n*** SKIPPING the botocore form against Ceph: python3 with botocore is not installed ***\n');
      return;
    }
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
