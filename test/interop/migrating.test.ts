/**
 * MIGRATING.md, executed: every example runs as written (at a fixed instant, with AWS's example
 * credentials), next to the peer's own call, and the two URLs are compared. The peers
 * (aws4fetch, aws4, the AWS SDK's presigner, minio) are the expected values: the URLs must be
 * the same but for the query parameters the peer adds, and signing our URL with those
 * parameters too must give the peer's signature, so that the only difference is the parameters.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presign } from '../../src/index.js';
import { buildPackage, PROJECT } from '../support/cli-build.js';

const ACCESS_KEY_ID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const INSTANT = '2013-05-24T00:00:00Z';

/** The named ```js examples of MIGRATING.md (`<!-- example: NAME -->` before each block). */
function examples(): Map<string, string> {
  const text = readFileSync(join(PROJECT, 'MIGRATING.md'), 'utf8');
  const found = new Map<string, string>();
  for (const match of text.matchAll(/<!-- example: ([\w/-]+) -->\s*```js\n([\s\S]*?)\n```/g)) {
    expect(found.has(match[1]!), `example ${match[1]} appears twice`).toBe(false);
    found.set(match[1]!, match[2]!);
  }
  return found;
}

/**
 * Runs with the credentials in scope and the clock fixed, as every example assumes; prints the
 * example's `url`.
 */
const PRELUDE = `
const accessKeyId = ${JSON.stringify(ACCESS_KEY_ID)};
const secretAccessKey = ${JSON.stringify(SECRET)};
const credentials = { accessKeyId, secretAccessKey };
const FIXED = Date.parse(${JSON.stringify(INSTANT)});
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) { super(...(args.length > 0 ? args : [FIXED])); }
  static now() { return FIXED; }
};
`;

/** Query parameters as a name-to-value map (each appears once in these URLs). */
function parameters(url: string): Map<string, string> {
  const query = url.slice(url.indexOf('?') + 1);
  return new Map(query.split('&').map((pair) => pair.split('=') as [string, string]));
}

/** What each peer adds to the query; the rest must be ours exactly. */
const PAIRS: ReadonlyArray<readonly [name: string, extra: readonly string[]]> = [
  ['aws4fetch-s3', []],
  ['aws4fetch-api', []],
  ['aws4-s3', []],
  ['sdk-get', ['x-id', 'x-amz-checksum-mode', 'X-Amz-Content-Sha256']],
  ['sdk-put', ['x-id', 'X-Amz-Content-Sha256']],
  ['minio-get', []],
  ['minio-put', []],
  ['minio-aws', []],
];

describe('MIGRATING.md, run against the peers themselves', () => {
  let folder: string;
  let run: string;
  const found = examples();
  beforeAll(() => {
    // A folder in the project's tmp/: the peers resolve from its node_modules, sigv4-presign from a build.
    folder = buildPackage();
    run = mkdtempSync(join(PROJECT, 'tmp', 'migrating-'));
    // A package of its own: inside the project's, \`import 'sigv4-presign'\` would resolve to the
    // project itself (Node's self-reference) and need a dist/ there.
    writeFileSync(join(run, 'package.json'), JSON.stringify({ name: 'migrating-examples', type: 'module' }));
    mkdirSync(join(run, 'node_modules'));
    symlinkSync(folder, join(run, 'node_modules', 'sigv4-presign'));
  }, 180_000);
  afterAll(() => {
    for (const dir of [run, folder]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one example in its own Node process; its `url`. */
  function urlOf(name: string): string {
    const code = found.get(name);
    expect(code, `MIGRATING.md has no example ${name}`).toBeDefined();
    const imports = code!.split('\n').filter((line) => line.startsWith('import '));
    const body = code!.split('\n').filter((line) => !line.startsWith('import '));
    const file = join(run, `${name.replace('/', '-')}.mjs`);
    writeFileSync(file, [...imports, PRELUDE, ...body, 'console.log(JSON.stringify({ url }));'].join('\n'));
    const result = spawnSync(process.execPath, ['--no-warnings', file], {
      cwd: run,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr, name).toBe('');
    expect(result.status, name).toBe(0);
    return (JSON.parse(result.stdout) as { url: string }).url;
  }

  it('has exactly the examples this test compares', () => {
    expect([...found.keys()].sort()).toEqual(PAIRS.flatMap(([name]) => [`${name}/ours`, `${name}/peer`]).sort());
  });

  it.each(PAIRS)('%s: the same URL as the peer, but for the parameters it adds', (name, extra) => {
    const ours = urlOf(`${name}/ours`);
    const peer = urlOf(`${name}/peer`);
    expect(ours.split('?')[0], 'scheme, host and path').toBe(peer.split('?')[0]);
    const mine = parameters(ours);
    const theirs = parameters(peer);
    for (const parameter of extra) {
      expect(theirs.has(parameter), `${name} adds ${parameter}`).toBe(true);
      theirs.delete(parameter);
    }
    if (extra.length === 0) {
      expect(Object.fromEntries(theirs)).toEqual(Object.fromEntries(mine));
      return;
    }
    // The signature covers the added parameters: the rest must match, and signing our request
    // with them too must give the peer's signature exactly.
    const signature = theirs.get('X-Amz-Signature');
    for (const map of [theirs, mine]) map.delete('X-Amz-Signature');
    expect(Object.fromEntries(theirs)).toEqual(Object.fromEntries(mine));
    const added = extra.map((parameter) => `${parameter}=${parameters(peer).get(parameter)}`).join('&');
    const base = ours.split('?')[0]!;
    const userQuery = [...mine].filter(([key]) => !key.startsWith('X-Amz-')).map(([key, value]) => `${key}=${value}`);
    const resigned = presign({
      method: name.endsWith('put') ? 'PUT' : 'GET',
      url: `${base}?${[...userQuery, added].filter(Boolean).join('&')}`,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
      expiresIn: Number(mine.get('X-Amz-Expires')),
      signingDate: new Date(INSTANT),
    });
    expect(parameters(resigned).get('X-Amz-Signature'), `${name}: the peer's signature`).toBe(signature);
  });

  it("the SDK's default checksum in a presigned PUT is the CRC32 of an empty body", () => {
    const code = found.get('sdk-put/peer')!.replace("  requestChecksumCalculation: 'WHEN_REQUIRED',\n", '');
    found.set('sdk-put/default', code);
    const url = urlOf('sdk-put/default');
    expect(parameters(url).get('x-amz-sdk-checksum-algorithm')).toBe('CRC32');
    expect(parameters(url).get('x-amz-checksum-crc32')).toBe('AAAAAA%3D%3D'); // CRC32 of zero bytes
  });
});
