/**
 * Differential test against AWS's own C signer (aws-c-auth, npm `aws-crt`): the engine and crt
 * sign the same random requests, and must produce the same signature and the same parameter set.
 *
 * - `npm test` runs 10,000 cases; `SIGV4_LONG=1` runs 200,000.
 * - A failing case is printed with its seed; add its inputs to REGRESSIONS so it runs first,
 *   forever.
 *
 * What crt is handed: for S3, the canonical key path (each segment encoded by the platform's
 * encodeURIComponent, plus `!'()*`); for other services, the exact wire path. The Host header
 * is what fetch sends: the host, with the port unless it is the scheme's default.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { presignDetailed } from '../../src/node.js';
import { pureJsBackend } from '../../src/index.js';
import { caseArb, engineOptions, oracleRequest, platformEncode, type Case } from '../support/crt-cases.js';
import { crtPresign, isCrtAvailable } from '../support/crt-oracle.mjs';
import { decodedParams } from '../support/shared-vectors.js';

const LONG = Boolean(process.env.SIGV4_LONG);
const RUNS = LONG ? 200_000 : 10_000;

if (!isCrtAvailable() && process.env.CI) throw new Error('aws-crt does not load: the differential test cannot run');
if (!isCrtAvailable()) console.warn('\n!!! SKIPPING the aws-crt differential test: aws-crt does not load here\n');

const queryOf = (url: string) => url.slice(url.indexOf('?') + 1);

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

async function agree(c: Case) {
  const { options, inputPath } = engineOptions(c);
  const actual = presignDetailed(options);
  const emitted = actual.url.slice(actual.url.indexOf('/', actual.url.indexOf('//') + 2), actual.url.indexOf('?'));
  if (c.s3) {
    // S3: the URL's path is the canonical key path, byte for byte what the platform encodes
    // ('/' kept: S3 reads %2F in a path as '/').
    expect(emitted).toBe('/' + platformEncode(c.keySegments.join('/')).replaceAll('%2F', '/'));
  } else if (!DOT_SEGMENT.test(inputPath)) {
    // Others: the wire path is what WHATWG URL (fetch) would send for the input. (The sentinel
    // 'z' keeps WHATWG from stripping trailing spaces off the whole URL string.)
    expect(emitted).toBe(new URL(`http://h${inputPath}z`).pathname.slice(0, -1));
  }
  const expected = await crtPresign(oracleRequest(c, options, emitted));
  expect(actual.signature).toBe(expected.signature);
  expect(presignDetailed({ ...options, backend: pureJsBackend }).signature).toBe(expected.signature);
  expect(decodedParams(queryOf(actual.url))).toEqual(decodedParams(queryOf(expected.signedUrlPathAndQuery)));
}

/** Cases that once failed, kept so they run first on every run. */
const regression = (overrides: Partial<Case>): Case => ({
  s3: false,
  method: 'GET',
  scheme: 'http',
  hostname: 'a.aa',
  port: undefined,
  keySegments: [''],
  rawKey: false,
  pathSegments: [],
  query: [],
  headers: [],
  region: '-',
  service: '0',
  accessKeyId: 'a',
  secretAccessKey: '!',
  sessionToken: undefined,
  tokenMode: 'signed',
  date: new Date('1970-01-01T00:00:00.000Z'),
  expiresIn: 1,
  normalizePath: false,
  payloadHash: undefined,
  ...overrides,
});
const REGRESSIONS: Case[] = [
  // A key segment holding '/': S3 reads %2F as '/', so the key's canonical path keeps it raw.
  regression({ s3: true, keySegments: ['/', ''] }),
  // A trailing raw space in a generic path is encoded, not stripped.
  regression({ hostname: '[::1]', pathSegments: [' '] }),
  // A raw space in a generic path is encoded once on the wire, then again for the canonical URI.
  regression({ hostname: '[::1]', pathSegments: [' ', 'a b'] }),
];

describe.runIf(isCrtAvailable())('differential: engine vs aws-crt', () => {
  test.each(REGRESSIONS.map((c, i) => [i, c] as const))('regression %i', async (_i, c) => {
    await agree(c);
  });

  test(`${RUNS} random requests sign identically`, { timeout: LONG ? 3_600_000 : 600_000 }, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        await agree(c);
        checked++;
      }),
      { numRuns: RUNS },
    );
    console.log(`aws-crt differential: ${checked} cases agreed`);
    expect(checked).toBe(RUNS);
  });
});
