// @ts-check
/**
 * Presigned POST forms made by the peers, as oracles: botocore's `generate_presigned_post`
 * (test/support/botocore_post.py, one python process per batch, `signature_version='s3v4'`) and
 * `@aws-sdk/s3-presigned-post`'s `createPresignedPost`, both at a fixed date. Types:
 * post-oracles.d.mts.
 *
 * A case is neutral: `fields` are exact fields that must also be conditions (the SDK adds those
 * conditions itself; botocore is given them), `conditions` are extra raw conditions, and
 * `contentLengthRange` becomes a `content-length-range` condition for both.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./botocore_post.py', import.meta.url));
const PYTHON = process.env['SIGV4_ORACLE_PYTHON'] ?? 'python3';

/** botocore's version, or undefined when python3 or botocore is missing. */
export function botocorePostVersion() {
  const run = spawnSync(PYTHON, [SCRIPT, '--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** @param {import('./post-oracles.d.mts').PostCase} c */
function extraConditions(c) {
  return [
    ...(c.conditions ?? []),
    ...(c.contentLengthRange ? [['content-length-range', ...c.contentLengthRange]] : []),
  ];
}

/**
 * The forms botocore makes for the cases, in order.
 * @param {readonly import('./post-oracles.d.mts').PostCase[]} cases
 * @returns {import('./post-oracles.d.mts').PeerForm[]}
 */
export function botocorePost(cases) {
  const input = cases.map((c) => ({
    bucket: c.bucket,
    key: c.key,
    region: c.region,
    accessKeyId: c.credentials.accessKeyId,
    secretAccessKey: c.credentials.secretAccessKey,
    ...(c.credentials.sessionToken === undefined ? {} : { sessionToken: c.credentials.sessionToken }),
    date: c.date,
    expiresIn: c.expiresIn,
    addressing: c.forcePathStyle ? 'path' : 'virtual',
    ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
    fields: c.fields ?? {},
    // botocore does not turn Fields into conditions: the caller writes them.
    conditions: [...Object.entries(c.fields ?? {}).map(([name, value]) => ({ [name]: value })), ...extraConditions(c)],
  }));
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`botocore_post.py exited with ${run.status}: ${run.stderr}`);
  /** @type {Array<import('./post-oracles.d.mts').PeerForm | { error: string }>} */
  const forms = JSON.parse(run.stdout);
  return forms.map((form, i) => {
    if ('error' in form) throw new Error(`botocore refused POST case ${cases[i]?.name}: ${form.error}`);
    return form;
  });
}

/**
 * The forms `@aws-sdk/s3-presigned-post` makes for the cases, in order. Its clock is
 * `Date.now()`, held at each case's date for the call.
 * @param {readonly import('./post-oracles.d.mts').PostCase[]} cases
 * @returns {Promise<import('./post-oracles.d.mts').PeerForm[]>}
 */
export async function sdkPost(cases) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { createPresignedPost } = await import('@aws-sdk/s3-presigned-post');
  const forms = [];
  const realNow = Date.now;
  for (const c of cases) {
    const client = new S3Client({
      region: c.region,
      credentials: c.credentials,
      forcePathStyle: c.forcePathStyle ?? false,
      ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
    });
    const at = Date.parse(c.date);
    Date.now = () => at;
    try {
      const form = await createPresignedPost(client, {
        Bucket: c.bucket,
        Key: c.key,
        Fields: c.fields ?? {},
        Conditions: /** @type {any} */ (extraConditions(c)),
        Expires: c.expiresIn,
      });
      forms.push({ url: form.url, fields: form.fields });
    } finally {
      Date.now = realNow;
      client.destroy();
    }
  }
  return forms;
}
