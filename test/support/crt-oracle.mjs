// @ts-check
/**
 * Oracle adapter around AWS's own C signer (aws-c-auth, via npm `aws-crt`).
 *
 * This module computes NOTHING itself: it only translates an `OracleRequest`
 * into the crt API, calls `auth.aws_sign_request` with
 * `signature_type: AwsSignatureType.HttpRequestViaQueryParams`, and picks the
 * result apart. Expected values in tests must come from here (or from the
 * botocore oracle), never from the engine under test.
 *
 * Types: see `crt-oracle.d.mts` (hand-written, kept in sync with the JSDoc).
 *
 * Behaviour of aws-crt 1.33.2 observed while writing this (see also
 * test-vectors/README.md):
 *  - The request path is handed to crt verbatim (`path` + '?' + query). crt
 *    parses the query itself; in the CANONICAL query it percent-DECODES each
 *    name/value and re-encodes it RFC 3986 style (`%41`→`A`, `+`→`%2B`, raw
 *    UTF-8→`%E2%82%AC`), keeps duplicates, sorts by encoded name then value.
 *    In the OUTPUT url the original query is kept byte-for-byte, except that a
 *    bare name `k` is rewritten to `k=`; the X-Amz-* params are appended after
 *    it in this order: Algorithm, Credential, Date, SignedHeaders, Expires,
 *    Security-Token, Signature.
 *  - `omit_session_token: true`: the token is left out of the canonical
 *    request but crt STILL appends `X-Amz-Security-Token` to the URL after
 *    signing (i.e. exactly the "appended" mode).
 *  - crt never adds or rewrites a Host header: with no host header the
 *    signature covers no headers at all (`X-Amz-SignedHeaders=`). This adapter
 *    therefore adds `host: <req.host>` (verbatim, port included) unless the
 *    caller's headers already contain a host header.
 *  - Header names are lower-cased but NOT trimmed; values are trimmed and runs
 *    of ASCII space/tab collapsed to one space, but non-ASCII whitespace such
 *    as U+00A0 is kept. Duplicate names are joined with ','.
 *  - crt silently does not sign: user-agent, expect, transfer-encoding,
 *    upgrade, x-amzn-trace-id, sec-websocket-*; and it REJECTS the request
 *    (AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER) if it has authorization,
 *    x-amz-date, x-amz-content-sha256, x-amz-security-token or
 *    x-amz-region-set headers.
 *  - Query params crt itself writes (X-Amz-Algorithm/Credential/Date/Expires/
 *    SignedHeaders/Signature/Security-Token/Region-Set, any case) are refused
 *    (AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM), and so is a malformed
 *    escape in the query (`%zz`: AWS_ERROR_MALFORMED_INPUT_STRING); invalid
 *    UTF-8 (`%FF`) is kept as the byte. Malformed escapes in the PATH pass.
 *  - The method is signed as given (no upper-casing).
 *  - `expiration_in_seconds: 0` (or absent) makes crt OMIT X-Amz-Expires, so
 *    this adapter refuses expiresIn < 1. No upper bound is enforced by crt.
 *  - Milliseconds of `date` are truncated. An empty path is rejected
 *    (AWS_ERROR_MALFORMED_INPUT_STRING).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Payload hash S3 presigned URLs use. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SHA-256 hex of the empty body (crt's `AwsSignedBodyValue.EmptySha256`). */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** @type {any} */
let crtModule;
/** @returns {any} the aws-crt module, loaded lazily (the trace child must hook logging first). */
function crt() {
  if (crtModule === undefined) {
    // aws-crt prints a one-off "Node 20 support ends in 2027" warning on first use.
    process.env['AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING'] ??= '1';
    crtModule = require('aws-crt');
  }
  return crtModule;
}

/** Whether the crt native binding loads on this machine. */
export function isCrtAvailable() {
  try {
    crt();
    return true;
  } catch {
    return false;
  }
}

/** @type {Map<string, any>} */
const providers = new Map();
/**
 * @param {string} ak @param {string} sk @param {string | undefined} token
 * @returns {any}
 */
function provider(ak, sk, token) {
  const key = JSON.stringify([ak, sk, token ?? null]);
  let p = providers.get(key);
  if (p === undefined) {
    const { auth } = crt();
    p =
      token === undefined
        ? auth.AwsCredentialsProvider.newStatic(ak, sk)
        : auth.AwsCredentialsProvider.newStatic(ak, sk, token);
    if (providers.size > 256) providers.clear();
    providers.set(key, p);
  }
  return p;
}

/**
 * The query as crt receives it (no leading '?'). Pairs are joined as
 * `name=value` with '&', with no encoding applied (they are wire form).
 * @param {import('./crt-oracle.d.mts').OracleRequest['query']} query
 * @returns {string}
 */
export function queryToString(query) {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.startsWith('?') ? query.slice(1) : query;
  return query.map(([n, v]) => `${n}=${v}`).join('&');
}

/**
 * Lenient percent-decoding for reading crt's OUTPUT url back (no '+' → space
 * translation; a malformed escape leaves the component as it is).
 * @param {string} s
 */
function decodeComponent(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Split the output `path?query` into decoded pairs, in the order crt wrote them.
 * @param {string} pathAndQuery
 * @returns {Array<[string, string]>}
 */
export function splitSignedQuery(pathAndQuery) {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return [];
  const query = pathAndQuery.slice(q + 1);
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    return /** @type {[string, string]} */ ([decodeComponent(name), decodeComponent(value)]);
  });
}

/**
 * @param {import('./crt-oracle.d.mts').OracleRequest} req
 * @returns {{ path: string, headers: Array<[string, string]>, config: Record<string, unknown> }}
 */
function toCrtInput(req) {
  const { auth } = crt();
  if (!Number.isInteger(req.expiresIn) || req.expiresIn < 1) {
    // crt would silently drop X-Amz-Expires for 0: not a meaningful oracle answer.
    throw new RangeError(`crt oracle: expiresIn must be an integer >= 1 (got ${req.expiresIn})`);
  }
  if (!(req.date instanceof Date) || Number.isNaN(req.date.getTime())) {
    throw new TypeError('crt oracle: date must be a valid Date (a fixed date: crt would otherwise use "now")');
  }
  const headers = (req.headers ?? []).map(([n, v]) => /** @type {[string, string]} */ ([n, v]));
  if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.unshift(['host', req.host]);
  const query = queryToString(req.query);
  const path = query === '' ? req.path : `${req.path}?${query}`;
  /** @type {Record<string, unknown>} */
  const config = {
    // SigV4a: crt reads the region set from `region` (comma-joined).
    algorithm: req.algorithm === 'v4a' ? auth.AwsSigningAlgorithm.SigV4Asymmetric : auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider: provider(req.accessKeyId, req.secretAccessKey, req.sessionToken),
    region: req.region,
    service: req.service,
    date: new Date(req.date.getTime()),
    signed_body_value: req.payloadHash,
    signed_body_header: auth.AwsSignedBodyHeaderType.None,
    use_double_uri_encode: req.doubleEncode,
    should_normalize_uri_path: req.normalizePath,
    omit_session_token: req.omitSessionToken === true,
    expiration_in_seconds: req.expiresIn,
  };
  return { path, headers, config };
}

/**
 * @param {string} signed the path+query crt produced
 * @returns {import('./crt-oracle.d.mts').OracleResult}
 */
function toResult(signed) {
  const queryPairs = splitSignedQuery(signed);
  /** @type {Record<string, string>} */
  const params = {};
  for (const [n, v] of queryPairs) if (!Object.hasOwn(params, n)) params[n] = v;
  const signature = params['X-Amz-Signature'];
  // SigV4: 64 hex digits of HMAC; SigV4a: a DER ECDSA signature in hex.
  const form = params['X-Amz-Algorithm'] === 'AWS4-ECDSA-P256-SHA256' ? /^30(?:[0-9a-f]{2}){7,71}$/ : /^[0-9a-f]{64}$/;
  if (signature === undefined || !form.test(signature)) {
    throw new Error(`crt oracle: no X-Amz-Signature in crt output ${JSON.stringify(signed)}`);
  }
  return { signature, params, queryPairs, signedUrlPathAndQuery: signed };
}

/**
 * Presign one request with aws-crt.
 * @param {import('./crt-oracle.d.mts').OracleRequest} req
 * @returns {Promise<import('./crt-oracle.d.mts').OracleResult>}
 */
export async function crtPresign(req) {
  const { auth, http } = crt();
  const { path, headers, config } = toCrtInput(req);
  const request = new http.HttpRequest(req.method, path, new http.HttpHeaders(headers));
  const signed = await auth.aws_sign_request(request, config);
  return toResult(signed.path);
}

/**
 * aws-c-auth's SigV4a check (`aws_verify_sigv4a_signing`, exported by aws-crt for tests): crt
 * builds the canonical request of `req` itself, requires it to equal `canonicalRequest` byte for
 * byte, then verifies `signatureHex` (DER) over its string to sign under the public key.
 * Returns `true`, or the error crt raised (AWS_AUTH_CANONICAL_REQUEST_MISMATCH,
 * AWS_AUTH_SIGV4A_SIGNATURE_VALIDATION_FAILURE, …) as text.
 * @param {import('./crt-oracle.d.mts').OracleRequest} req a request with `algorithm: 'v4a'`
 * @param {string} canonicalRequest
 * @param {string} signatureHex
 * @param {{ x: string, y: string }} publicKey
 * @returns {true | string}
 */
export function crtVerifyV4a(req, canonicalRequest, signatureHex, publicKey) {
  const { auth, http } = crt();
  const { path, headers, config } = toCrtInput({ ...req, algorithm: 'v4a' });
  const request = new http.HttpRequest(req.method, path, new http.HttpHeaders(headers));
  try {
    return auth.aws_verify_sigv4a_signing(request, config, canonicalRequest, signatureHex, publicKey.x, publicKey.y)
      ? true
      : 'aws_verify_sigv4a_signing returned false';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Presign many requests, `chunkSize` in flight at a time; results in input order.
 * @param {readonly import('./crt-oracle.d.mts').OracleRequest[]} reqs
 * @param {{ chunkSize?: number }} [options]
 * @returns {Promise<import('./crt-oracle.d.mts').OracleResult[]>}
 */
export async function crtPresignMany(reqs, options = {}) {
  const chunkSize = options.chunkSize ?? 256;
  /** @type {import('./crt-oracle.d.mts').OracleResult[]} */
  const out = [];
  for (let i = 0; i < reqs.length; i += chunkSize) {
    out.push(...(await Promise.all(reqs.slice(i, i + chunkSize).map(crtPresign))));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Traced mode: also capture crt's own canonical request and string to sign.
//
// aws-c-auth logs both at INFO level. The node binding writes its log through
// the `process._rawDebug` function it looks up when the native module loads,
// so the only clean way to capture it is a separate node process that
// replaces `process._rawDebug` BEFORE loading aws-crt. That is what
// `crtPresignTraced` does (this same file, run as a child with --trace-child).
// ---------------------------------------------------------------------------

/**
 * @typedef {{ id: string, kind: 'cr' | 'sts' | 'sig', body: string }} LogEntry
 */

/**
 * @param {string} msg one log message as handed to process._rawDebug
 * @returns {LogEntry | undefined}
 */
function parseLogEntry(msg) {
  const m = /^\[INFO\] \[[^\]]*\] \[[^\]]*\] \[AuthSigning\] - \(id=(0x[0-9a-f]+)\) ([^\n]*)\n([\s\S]*)$/.exec(msg);
  if (m === null) return undefined;
  const [, id = '', head = '', body = ''] = m;
  if (head.startsWith('Signing successfully built canonical request')) return { id, kind: 'cr', body };
  if (head.startsWith('Signing successfully built string-to-sign')) return { id, kind: 'sts', body };
  if (head.startsWith('Http request successfully built final authorization value')) return { id, kind: 'sig', body };
  return undefined;
}

async function traceChildMain() {
  /** @type {string[]} */
  const logs = [];
  const realRawDebug = /** @type {any} */ (process)._rawDebug;
  /** @type {any} */ (process)._rawDebug = (/** @type {unknown} */ m) => {
    logs.push(String(m));
  };
  const { io } = crt();
  io.enable_logging(io.LogLevel.INFO);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  /** @type {Array<import('./crt-oracle.d.mts').OracleRequest & { date: string }>} */
  const reqs = JSON.parse(input);
  /** @type {LogEntry[]} */
  const entries = [];
  const out = [];
  for (const raw of reqs) {
    /** @type {import('./crt-oracle.d.mts').OracleRequest} */
    const req = { ...raw, date: new Date(raw.date) };
    try {
      const res = await crtPresign(req);
      // Log lines arrive through a separate threadsafe function: wait for them.
      /** @type {{ canonicalRequest?: string, stringToSign?: string }} */
      let trace = {};
      for (let spin = 0; spin < 1000; spin++) {
        for (const m of logs.splice(0)) {
          const e = parseLogEntry(m);
          if (e !== undefined) entries.push(e);
        }
        const sig = entries.findIndex((e) => e.kind === 'sig' && e.body.trim() === res.signature);
        if (sig >= 0) {
          const id = entries[sig]?.id;
          const before = entries.slice(0, sig).filter((e) => e.id === id);
          const cr = before.filter((e) => e.kind === 'cr').at(-1);
          const sts = before.filter((e) => e.kind === 'sts').at(-1);
          if (cr !== undefined && sts !== undefined) trace = { canonicalRequest: cr.body, stringToSign: sts.body };
          entries.splice(0, sig + 1);
          break;
        }
        await new Promise((r) => setImmediate(r));
      }
      out.push({ ok: true, result: { ...res, ...trace } });
    } catch (err) {
      out.push({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  /** @type {any} */ (process)._rawDebug = realRawDebug;
  process.stdout.write(JSON.stringify(out));
}

/**
 * Like `crtPresignMany`, but run in a child node process with crt's INFO
 * logging captured, so each result also carries crt's canonical request and
 * string to sign. A failing case yields `{ error }` instead of throwing.
 * Consistency is checked: the string to sign must end with the SHA-256 of the
 * canonical request.
 * @param {readonly import('./crt-oracle.d.mts').OracleRequest[]} reqs
 * @returns {Promise<Array<import('./crt-oracle.d.mts').CrtTracedResult | { error: string }>>}
 */
export async function crtPresignTraced(reqs) {
  const payload = JSON.stringify(reqs.map((r) => ({ ...r, date: r.date.toISOString() })));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--trace-child'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(payload);
  });
  if (code !== 0) throw new Error(`crt trace child exited with ${code}: ${stderr}`);
  /** @type {Array<{ ok: true, result: import('./crt-oracle.d.mts').OracleResult & { canonicalRequest?: string, stringToSign?: string } } | { ok: false, error: string }>} */
  const parsed = JSON.parse(stdout);
  return parsed.map((p) => {
    if (!p.ok) return { error: p.error };
    const { canonicalRequest, stringToSign } = p.result;
    if (canonicalRequest === undefined || stringToSign === undefined) {
      throw new Error(`crt trace: no canonical request logged for signature ${p.result.signature}`);
    }
    const hash = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
    if (stringToSign.split('\n').at(-1) !== hash) {
      throw new Error(
        `crt trace: captured canonical request does not hash to the string-to-sign's last line\n${canonicalRequest}`,
      );
    }
    return { ...p.result, canonicalRequest, stringToSign };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--trace-child')) {
  await traceChildMain();
}
