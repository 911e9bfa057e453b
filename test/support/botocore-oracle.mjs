// @ts-check
/**
 * Oracle adapter around python3 + botocore (botocore.auth.S3SigV4QueryAuth /
 * SigV4QueryAuth), run as ONE python process per batch: see botocore_oracle.py
 * for exactly how botocore is driven (fixed clock, signer choice, payload and
 * session-token handling). Types: botocore-oracle.d.mts.
 *
 * The request is given to botocore as a full URL
 * `${scheme}://${host}${path}?${query}`; no Host header is added, so botocore
 * derives it from the URL itself (lower-cased, default port 80/443 dropped).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { queryToString, splitSignedQuery } from './crt-oracle.mjs';

const SCRIPT = fileURLToPath(new URL('./botocore_oracle.py', import.meta.url));

/** python executable: $SIGV4_ORACLE_PYTHON, else `python3`. */
export function pythonExecutable() {
  return process.env['SIGV4_ORACLE_PYTHON'] ?? 'python3';
}

/** @type {string | null | undefined} */
let version;
/** botocore's version, or undefined when python3 or botocore is missing. */
export function botocoreVersion() {
  if (version === undefined) {
    const r = spawnSync(pythonExecutable(), [SCRIPT, '--version'], { encoding: 'utf8', timeout: 30_000 });
    version = r.status === 0 ? r.stdout.trim() : null;
  }
  return version ?? undefined;
}

/** Whether python3 with botocore can be run. The caller decides whether its absence is a failure. */
export function isBotocoreAvailable() {
  return botocoreVersion() !== undefined;
}

/**
 * The URL handed to botocore.
 * @param {import('./crt-oracle.d.mts').OracleRequest} req
 */
export function oracleRequestUrl(req) {
  const query = queryToString(req.query);
  return `${req.scheme ?? 'https'}://${req.host}${req.path}${query === '' ? '' : `?${query}`}`;
}

/**
 * Presign a batch with botocore in one python process. Resolves to undefined
 * when python3/botocore is unavailable; a case botocore cannot do (or that
 * raised) yields `{ error }` in its slot.
 * @param {readonly import('./crt-oracle.d.mts').OracleRequest[]} reqs
 * @returns {Promise<Array<import('./botocore-oracle.d.mts').BotocoreResult | { error: string }> | undefined>}
 */
export async function botocorePresignBatch(reqs) {
  if (!isBotocoreAvailable()) return undefined;
  const cases = reqs.map((r) => {
    if (!(r.date instanceof Date) || Number.isNaN(r.date.getTime()))
      throw new TypeError('botocore oracle: date must be a valid Date');
    return {
      method: r.method,
      url: oracleRequestUrl(r),
      headers: (r.headers ?? []).map(([n, v]) => [n, v]),
      region: r.region,
      service: r.service,
      accessKeyId: r.accessKeyId,
      secretAccessKey: r.secretAccessKey,
      ...(r.sessionToken === undefined ? {} : { sessionToken: r.sessionToken }),
      omitSessionToken: r.omitSessionToken === true,
      date: r.date.toISOString(),
      expiresIn: r.expiresIn,
      payloadHash: r.payloadHash,
      doubleEncode: r.doubleEncode,
      normalizePath: r.normalizePath,
    };
  });
  const child = spawn(pythonExecutable(), [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  /** @type {Buffer[]} */
  const stdout = [];
  let stderr = '';
  child.stdout.on('data', (d) => stdout.push(d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(JSON.stringify(cases), 'utf8');
  });
  if (code !== 0) throw new Error(`botocore oracle exited with ${code}: ${stderr}`);
  /** @type {Array<{ ok: true, signature: string, url: string, canonicalRequest: string, stringToSign: string, signerClass: string, payloadOverridden: boolean, tokenAppendedByAdapter: boolean } | { ok?: false, error: string }>} */
  const parsed = JSON.parse(Buffer.concat(stdout).toString('utf8'));
  if (parsed.length !== reqs.length)
    throw new Error(`botocore oracle: ${parsed.length} results for ${reqs.length} cases`);
  return parsed.map((p) => {
    if (!p.ok) return { error: p.error };
    const afterScheme = p.url.indexOf('://') + 3;
    const slash = p.url.indexOf('/', afterScheme);
    const signedUrlPathAndQuery = slash < 0 ? p.url.slice(afterScheme) : p.url.slice(slash);
    const queryPairs = splitSignedQuery(p.url);
    /** @type {Record<string, string>} */
    const params = {};
    for (const [n, v] of queryPairs) if (!Object.hasOwn(params, n)) params[n] = v;
    if (params['X-Amz-Signature'] !== p.signature)
      throw new Error(`botocore oracle: URL signature differs from computed one: ${p.url}`);
    return {
      signature: p.signature,
      params,
      queryPairs,
      signedUrlPathAndQuery,
      url: p.url,
      canonicalRequest: p.canonicalRequest,
      stringToSign: p.stringToSign,
      signerClass: p.signerClass,
      payloadOverridden: p.payloadOverridden,
      tokenAppendedByAdapter: p.tokenAppendedByAdapter,
    };
  });
}
