/**
 * The conformance suite, written once and run in every runtime: Node, Deno, Bun, workerd,
 * edge-runtime and Chromium. It imports nothing from Node; the engine and the cases are handed
 * in, so each runtime runs exactly the same checks on exactly the same built entry.
 *
 * Expected values come from outside the engine: the embedded vectors (AWS's suites), the
 * platform's WebCrypto (SHA-256 and HMAC of the signing chain) and the platform's
 * `encodeURIComponent` and `URL`.
 */
import fc from 'fast-check';
import type * as App from '../../../src/index.js';
import type { HashBackend } from '../../../src/index.js';
import type * as Stages from '../../../src/stages.js';
import type * as V4a from '../../../src/v4a.js';
import type { ConformanceCase, V4aConformanceCase } from './case.js';

/** The built entries under test (the root, default or Node's, which adds `nodeBackend`, and `stages`). */
export type EngineModule = typeof App & typeof Stages & { readonly nodeBackend?: HashBackend };

/** The built `sigv4-presign/v4a` entry under test; Node's adds `nodeEcdsa`. */
export type V4aModule = typeof V4a & { readonly nodeEcdsa?: V4a.EcdsaBackend };

/** Which entry a bundle was built from, and so which backend it must default to. */
export type EntryName = 'default' | 'node';

/** What one run found. `failures` holds one line per failed check. */
export interface SuiteReport {
  readonly runtime: string;
  readonly entry: EntryName;
  readonly passed: number;
  readonly failed: number;
  readonly failures: string[];
  /** Checks per group, so that a driver can tell that nothing was silently left out. */
  readonly counts: { vectors: number; properties: number; smoke: number; v4a: number };
}

type Group = keyof SuiteReport['counts'];

/** A throwaway credential pair for the generated requests. */
const SMOKE_CREDENTIALS = { accessKeyId: 'AKIDSMOKE', secretAccessKey: 'smoke/secret+KEY=' };

/** Collects results; a check that throws counts as failed with its message. */
class Tally {
  passed = 0;
  readonly failures: string[] = [];
  readonly counts = { vectors: 0, properties: 0, smoke: 0, v4a: 0 };

  expectEqual(group: Group, label: string, actual: unknown, expected: unknown): void {
    this.record(group, label, actual === expected ? undefined : `got ${show(actual)}, want ${show(expected)}`);
  }

  async check(group: Group, label: string, body: () => unknown): Promise<void> {
    try {
      await body();
      this.record(group, label, undefined);
    } catch (error) {
      this.record(group, label, error instanceof Error ? error.message : String(error));
    }
  }

  private record(group: Group, label: string, problem: string | undefined): void {
    this.counts[group]++;
    if (problem === undefined) this.passed++;
    else this.failures.push(`${group}: ${label}: ${problem}`);
  }
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const utf8 = new TextEncoder();
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 by the platform's WebCrypto: an implementation the engine does not contain. */
async function webSha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

async function webHmac(key: Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, utf8.encode(text));
}

/** The SigV4 signature of a string to sign, with the whole key chain run by WebCrypto. */
async function webSignature(secret: string, dateStamp: string, region: string, service: string, toSign: string) {
  let key = utf8.encode('AWS4' + secret);
  for (const step of [dateStamp, region, service, 'aws4_request']) key = new Uint8Array(await webHmac(key, step));
  return hex(await webHmac(key, toSign));
}

/** RFC 3986 encoding by the platform: encodeURIComponent plus the five characters it leaves. */
const platformUriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function checkBackend(tally: Tally, engine: EngineModule, entry: EntryName): void {
  const backend = engine.defaultBackend();
  if (entry === 'node') {
    tally.expectEqual('smoke', 'node entry exports nodeBackend', typeof engine.nodeBackend, 'object');
    tally.expectEqual('smoke', 'node entry defaults to node:crypto', backend === engine.nodeBackend, true);
  } else {
    tally.expectEqual('smoke', 'default entry has no nodeBackend', 'nodeBackend' in engine, false);
    tally.expectEqual('smoke', 'default entry defaults to @noble/hashes', backend === engine.pureJsBackend, true);
  }
}

/** A URL's query as percent-decoded pairs, by the platform's decoder, sorted for a multiset compare. */
function decodedQuery(url: string): string[] {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return query
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      return eq < 0 ? [piece, ''] : [piece.slice(0, eq), piece.slice(eq + 1)];
    })
    .map(([name, value]) => JSON.stringify([decodeURIComponent(name!), decodeURIComponent(value!)]))
    .sort();
}

async function checkVectors(tally: Tally, engine: EngineModule, cases: readonly ConformanceCase[]): Promise<void> {
  for (const { name, options, expected } of cases) {
    const signingDate = new Date(options.signingDate);
    let result: App.PresignResult;
    try {
      result = engine.presignDetailed({ ...options, signingDate });
    } catch (error) {
      tally.expectEqual('vectors', `${name}: presign`, String(error), 'no error');
      continue;
    }
    if (expected.canonicalRequest !== undefined) {
      tally.expectEqual('vectors', `${name}: canonical request`, result.canonicalRequest, expected.canonicalRequest);
    }
    if (expected.stringToSign !== undefined) {
      tally.expectEqual('vectors', `${name}: string to sign`, result.stringToSign, expected.stringToSign);
    }
    tally.expectEqual('vectors', `${name}: signature`, result.signature, expected.signature);
    if (expected.queryParams !== undefined) {
      const want = expected.queryParams.map((pair) => JSON.stringify(pair)).sort();
      tally.expectEqual('vectors', `${name}: query parameters`, decodedQuery(result.url).join(' '), want.join(' '));
    }
    if (expected.signedUrl !== undefined) {
      // The verifier must accept the URL the independent signer made, headers as the client sends them.
      const verdict = await engine.verifyPresignedUrl(
        { method: options.method, url: expected.signedUrl, headers: options.headers },
        {
          secretFor: (id) => (id === options.credentials.accessKeyId ? options.credentials.secretAccessKey : undefined),
          now: signingDate,
          payloadHash: options.payloadHash,
          uriEscapePath: options.uriEscapePath,
          normalizePath: options.normalizePath,
          allowUnsignedSessionToken: options.sessionTokenMode === 'appended',
        },
      );
      tally.expectEqual(
        'vectors',
        `${name}: verifier accepts the oracle's URL`,
        verdict.ok ? 'ok' : verdict.code,
        'ok',
      );
    }
  }
}

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));

/**
 * DER (`30 len 02 len r 02 len s`) to the 64 bytes WebCrypto verifies, written here apart from the
 * engine's strict reader: a lenient one suffices for signatures that must verify anyway.
 */
function derToRaw(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const raw = new Uint8Array(64);
  let at = 2;
  for (const offset of [0, 32]) {
    const length = der[at + 1]!;
    const value = der.subarray(at + 2, at + 2 + length);
    const digits = value.length > 32 ? value.subarray(value.length - 32) : value;
    raw.set(digits, offset + 32 - digits.length);
    at += 2 + length;
  }
  return raw;
}

/** Whether the platform's WebCrypto accepts a DER signature of `text` under a public key given as coordinates. */
async function webVerify(publicKey: { x: string; y: string }, text: string, signatureHex: string): Promise<boolean> {
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(fromHex(publicKey.x), 1);
  point.set(fromHex(publicKey.y), 33);
  const key = await crypto.subtle.importKey('raw', point, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    derToRaw(fromHex(signatureHex)),
    utf8.encode(text),
  );
}

/**
 * SigV4a on the aws-c-auth cases: our canonical request and string to sign byte for byte, our
 * signature verified by the platform's WebCrypto under the case's public key, the verifier
 * accepting both of AWS's stored signatures and refusing the URL once its region set changes.
 */
async function checkV4a(
  tally: Tally,
  v4a: V4aModule,
  cases: readonly V4aConformanceCase[],
  entry: EntryName,
): Promise<void> {
  tally.expectEqual('v4a', `v4a ${entry} entry has nodeEcdsa`, 'nodeEcdsa' in v4a, entry === 'node');
  for (const { name, options, expected, verify } of cases) {
    await tally.check('v4a', `${name}: presign`, async () => {
      const result = await v4a.presignV4aDetailed({ ...options, signingDate: new Date(options.signingDate) });
      assert(
        result.canonicalRequest === expected.canonicalRequest,
        `canonical request ${show(result.canonicalRequest)}`,
      );
      assert(result.stringToSign === expected.stringToSign, `string to sign ${show(result.stringToSign)}`);
      assert(await webVerify(expected.publicKey, result.stringToSign, result.signature), 'signature does not verify');
      assert(
        !(await webVerify(expected.publicKey, result.stringToSign + '\n', result.signature)),
        'signature verifies for another text',
      );
    });
    const verifyOptions = {
      ...verify.options,
      now: new Date(verify.options.now),
      secretFor: (id: string) => (id === 'AKIDEXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' : undefined),
    };
    for (const [i, url] of verify.urls.entries()) {
      const verdict = await v4a.verifyPresignedUrl(
        { method: verify.method, url, headers: verify.headers },
        verifyOptions,
      );
      tally.expectEqual(
        'v4a',
        `${name}: verifier accepts stored signature ${i}`,
        verdict.ok ? 'ok' : verdict.code,
        'ok',
      );
    }
    const tampered = verify.urls[0]!.replace('X-Amz-Region-Set=us-east-1', 'X-Amz-Region-Set=us-east-2');
    const refused = await v4a.verifyPresignedUrl(
      { method: verify.method, url: tampered, headers: verify.headers },
      { ...verifyOptions, regions: undefined },
    );
    tally.expectEqual(
      'v4a',
      `${name}: verifier refuses another region set`,
      refused.ok ? 'ok' : refused.code,
      'SignatureDoesNotMatch',
    );
  }
}

// Header names the policy reserves (host comes from the URL; the rest are the signer's to write).
const RESERVED_HEADERS = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** Any request the engine must sign: wire-form path and query, signable headers, any secret. */
/** A credential as the signer takes it: no whitespace at either end, no control character. */
const credential = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength })
    .filter((text) => text.trim() === text && !/[\u0000-\u001f\u007f]/.test(text));

const arbitraryRequest = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
  host: fc.domain(),
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  segments: fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 4 }),
  query: fc.array(
    fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 })),
    {
      maxLength: 4,
    },
  ),
  headers: fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((name) => !RESERVED_HEADERS.has(name)),
    fc.stringMatching(/^[\x20-\x7e]{0,24}$/),
    { maxKeys: 3 },
  ),
  region: fc.stringMatching(/^[a-z0-9-]{1,16}$/),
  service: fc.constantFrom('s3', 'service', 'execute-api', 'rds-db', 'sts'),
  accessKeyId: fc.stringMatching(/^[A-Z0-9]{4,20}$/),
  secretAccessKey: credential(40),
  sessionToken: fc.option(credential(40), { nil: undefined }),
  signingDate: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  expiresIn: fc.integer({ min: 1, max: 604800 }),
});

type ArbitraryRequest = typeof arbitraryRequest extends fc.Arbitrary<infer T> ? T : never;

function toOptions(request: ArbitraryRequest): App.PresignOptions {
  const path = '/' + request.segments.map(encodeURIComponent).join('/');
  // Parameter names get a prefix so that none collides with the signer's X-Amz-* parameters.
  const query = request.query
    .map(([name, value]) => `p${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  const port = request.port === undefined ? '' : `:${request.port}`;
  return {
    method: request.method,
    url: `https://${request.host}${port}${path}${query === '' ? '' : '?' + query}`,
    region: request.region,
    service: request.service,
    credentials: {
      accessKeyId: request.accessKeyId,
      secretAccessKey: request.secretAccessKey,
      sessionToken: request.sessionToken,
    },
    headers: request.headers,
    signingDate: request.signingDate,
    expiresIn: request.expiresIn,
  };
}

async function checkProperties(tally: Tally, engine: EngineModule, numRuns: number): Promise<void> {
  await tally.check('properties', 'hashes and the signing chain agree with WebCrypto', () =>
    fc.assert(
      fc.asyncProperty(arbitraryRequest, async (request) => {
        const result = engine.presignDetailed(toOptions(request));
        const lines = result.stringToSign.split('\n');
        assert(
          lines[3] === (await webSha256Hex(result.canonicalRequest)),
          'canonical request hash differs from WebCrypto',
        );
        const [dateStamp, region, service] = result.credentialScope.split('/') as [string, string, string];
        const expected = await webSignature(request.secretAccessKey, dateStamp, region, service, result.stringToSign);
        assert(result.signature === expected, `signature ${result.signature} differs from WebCrypto ${expected}`);
      }),
      { numRuns },
    ),
  );

  await tally.check('properties', 'the URL carries what was signed, as the platform URL parser reads it', () =>
    fc.assert(
      fc.property(arbitraryRequest, (request) => {
        const result = engine.presignDetailed(toOptions(request));
        const url = new URL(result.url);
        const params = url.searchParams;
        assert(params.get('X-Amz-Signature') === result.signature, 'X-Amz-Signature is not the signature');
        assert(params.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256', 'X-Amz-Algorithm is wrong');
        assert(
          params.get('X-Amz-Credential') === `${request.accessKeyId}/${result.credentialScope}`,
          'X-Amz-Credential is wrong',
        );
        assert(params.get('X-Amz-Expires') === String(request.expiresIn), 'X-Amz-Expires is wrong');
        assert(params.get('X-Amz-SignedHeaders') === result.signedHeaders.join(';'), 'X-Amz-SignedHeaders is wrong');
        assert(params.get('X-Amz-Security-Token') === (request.sessionToken ?? null), 'X-Amz-Security-Token is wrong');
        assert(
          url.host ===
            request.host.toLowerCase() + (request.port === undefined || request.port === 443 ? '' : `:${request.port}`),
          'host is wrong',
        );
        const sent = Object.keys(request.headers).sort();
        assert(
          result.signedHeaders.join(';') === [...sent, 'host'].sort().join(';'),
          'signed headers are not the given ones',
        );
        for (const [name, value] of Object.entries(request.headers)) {
          assert(result.headers[name] === value.replace(/[ \t]+/g, ' ').trim(), `header ${name} to send is wrong`);
        }
      }),
      { numRuns },
    ),
  );

  await tally.check('properties', 'uriEncode is RFC 3986 (as encodeURIComponent) and percentDecode inverts it', () =>
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const encoded = engine.uriEncode(text, false);
        assert(encoded === platformUriEncode(text), `uriEncode(${JSON.stringify(text)}) = ${encoded}`);
        assert(engine.uriEncode(text, true) === encoded.replace(/%2F/g, '/'), 'keepSlash changes more than "/"');
        assert(
          new TextDecoder().decode(engine.percentDecode(encoded)) === text,
          'percentDecode does not invert uriEncode',
        );
      }),
      { numRuns },
    ),
  );

  await tally.check('properties', 'bad input throws SigV4Error with a stable code and no secret', () =>
    fc.assert(
      fc.property(
        arbitraryRequest,
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.integer({ min: 604801 }),
          fc.double({ noInteger: true }),
          fc.constant('900'),
        ),
        (request, expiresIn) => {
          const secret = 'SECRET' + request.secretAccessKey;
          let thrown: unknown;
          try {
            engine.presign({
              ...toOptions(request),
              credentials: { ...SMOKE_CREDENTIALS, secretAccessKey: secret },
              expiresIn: expiresIn as number,
            });
          } catch (error) {
            thrown = error;
          }
          assert(thrown instanceof engine.SigV4Error, `expiresIn ${String(expiresIn)} did not throw SigV4Error`);
          assert(thrown.code === 'INVALID_EXPIRES_IN', `code is ${thrown.code}`);
          const everything = `${thrown.message}\n${thrown.stack ?? ''}\n${JSON.stringify(thrown)}\n${String(thrown)}`;
          assert(!everything.includes(secret), 'the secret leaked into the error');
        },
      ),
      { numRuns },
    ),
  );
}

async function checkSmoke(tally: Tally, engine: EngineModule): Promise<void> {
  const signingDate = new Date('2024-02-29T23:59:59Z');
  const credentials = { ...SMOKE_CREDENTIALS, sessionToken: 'token/with+special=' };
  const options = {
    method: 'put',
    url: 'https://examplebucket.s3.amazonaws.com/photos/cat%20picture+1.jpg',
    region: 'us-east-1',
    service: 's3',
    credentials,
    headers: { 'Content-Type': 'image/png' },
    signingDate,
    expiresIn: 3600,
  };
  await tally.check('smoke', 'presigned PUT with a signed content-type and a session token', () => {
    const result = engine.presignDetailed(options);
    const url = new URL(result.url);
    assert(result.method === 'PUT', `method ${result.method}`);
    assert(url.pathname === '/photos/cat%20picture%2B1.jpg', `path ${url.pathname}`);
    assert(url.searchParams.get('X-Amz-SignedHeaders') === 'content-type;host', 'content-type is not signed');
    assert(url.searchParams.get('X-Amz-Security-Token') === credentials.sessionToken, 'session token lost');
    assert(url.searchParams.get('X-Amz-Date') === '20240229T235959Z', 'X-Amz-Date is wrong');
    assert(result.headers['content-type'] === 'image/png', 'content-type is not among the headers to send');
    assert(
      result.expiresAt.toISOString() === '2024-03-01T00:59:59.000Z',
      `expiresAt ${result.expiresAt.toISOString()}`,
    );
    assert(result.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD'), 'S3 payload hash is not UNSIGNED-PAYLOAD');
  });

  await tally.check('smoke', 'the verifier accepts the URL with its headers, and refuses it changed', async () => {
    const url = engine.presign(options);
    const verifyOptions = {
      secretFor: (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
      now: new Date(signingDate.getTime() + 60_000),
      requiredSignedHeaders: ['content-type'],
    };
    const verdict = (method: string, href: string, contentType: string) =>
      engine.verifyPresignedUrl({ method, url: href, headers: { 'content-type': contentType } }, verifyOptions);
    const good = await verdict('PUT', url, 'image/png');
    assert(
      good.ok && good.sessionToken === credentials.sessionToken && good.service === 's3',
      `refused: ${JSON.stringify(good)}`,
    );
    const outcomes = [
      await verdict('PUT', url, 'text/html'),
      await verdict('GET', url, 'image/png'),
      await verdict(
        'PUT',
        url.replace(/X-Amz-Signature=./, (m) => m.slice(0, -1) + (m.endsWith('0') ? '1' : '0')),
        'image/png',
      ),
    ].map((result) => (result.ok ? 'ok' : result.code));
    assert(
      outcomes.join() === 'SignatureDoesNotMatch,SignatureDoesNotMatch,SignatureDoesNotMatch',
      `outcomes ${outcomes.join()}`,
    );
    const late = await engine.verifyPresignedUrl(
      { method: 'PUT', url, headers: { 'content-type': 'image/png' } },
      { ...verifyOptions, now: new Date(signingDate.getTime() + 3601_000) },
    );
    assert(!late.ok && late.code === 'AccessDenied', `an expired URL gave ${late.ok ? 'ok' : late.code}`);
  });
}

/**
 * Runs every check against `engine` and reports; never throws.
 *
 * @example
 * ```ts
 * import * as engine from 'sigv4-presign';
 * const report = await runSuite(engine, cases, { runtime: 'deno', entry: 'default' });
 * ```
 */
export async function runSuite(
  engine: EngineModule,
  cases: readonly ConformanceCase[],
  options: { runtime: string; entry: EntryName; numRuns?: number },
  v4a?: { readonly engine: V4aModule; readonly cases: readonly V4aConformanceCase[] },
): Promise<SuiteReport> {
  const tally = new Tally();
  checkBackend(tally, engine, options.entry);
  await checkVectors(tally, engine, cases);
  await checkProperties(tally, engine, options.numRuns ?? 100);
  await checkSmoke(tally, engine);
  if (v4a !== undefined) await checkV4a(tally, v4a.engine, v4a.cases, options.entry);
  return {
    runtime: options.runtime,
    entry: options.entry,
    passed: tally.passed,
    failed: tally.failures.length,
    failures: tally.failures,
    counts: tally.counts,
  };
}
