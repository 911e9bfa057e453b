/**
 * Runs test/support/botocore_s3_presign.py: presigned S3 URLs made by botocore's own S3 client
 * from a bucket and a key, as the expected values of the S3 and CLI tests.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./botocore_s3_presign.py', import.meta.url));
const PYTHON = process.env['SIGV4_ORACLE_PYTHON'] ?? 'python3';

/** One presign request for botocore's `generate_presigned_url`. */
export interface BotocoreS3Case {
  readonly operation: 'get_object' | 'put_object' | 'head_object' | 'delete_object';
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiresIn: number;
  /** `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly date: string;
  readonly addressing: 'virtual' | 'path' | 'auto';
  readonly endpoint?: string;
  /** Extra API parameters, such as `{ ContentType: 'image/png' }` or `{ VersionId: 'v1' }`. */
  readonly params?: Readonly<Record<string, string>>;
}

/** botocore's version, or undefined when python3 or botocore is missing. */
export function botocoreS3Version(): string | undefined {
  const run = spawnSync(PYTHON, [SCRIPT, '--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** The URL botocore presigns for each case, in order (one python process for the batch). */
export function botocoreS3Presign(cases: readonly BotocoreS3Case[]): string[] {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`botocore_s3_presign.py exited with ${run.status}: ${run.stderr}`);
  const urls = JSON.parse(run.stdout) as Array<string | { error: string }>;
  return urls.map((url, i) => {
    if (typeof url !== 'string') throw new Error(`botocore refused case ${i}: ${url.error}`);
    return url;
  });
}

/** Warns loudly and returns false when botocore is missing; under CI its absence is an error. */
export function requireBotocore(what: string): boolean {
  const version = botocoreS3Version();
  if (version !== undefined) return true;
  if (process.env['CI'] !== undefined) throw new Error(`${what} needs python3 with botocore under CI`);
  console.warn(`\n*** SKIPPING ${what}: python3 with botocore is not installed (pip install botocore) ***\n`);
  return false;
}

/**
 * The URL with its query parameters sorted: botocore puts subresources such as versionId first,
 * and a server reads the query as a set, so URLs are compared in this form.
 */
export function withSortedQuery(url: string): string {
  const [resource, query = ''] = url.split('?');
  return `${resource}?${query.split('&').sort().join('&')}`;
}
