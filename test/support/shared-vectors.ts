/**
 * Reads AWS's published test vectors from ../shared/test-vectors (or $SIGV4_TEST_VECTORS).
 * They are read in place, never copied into the project.
 *
 * When the folder is missing, suites skip with a loud notice, except under CI, where a missing
 * folder is a failure: `requireVectors()` throws there.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PresignOptions, VerifyRequest, VerifySyncOptions } from '../../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const vectorsDir = resolve(process.env.SIGV4_TEST_VECTORS ?? join(repoRoot, '../shared/test-vectors'));
export const vectorsPresent = existsSync(join(vectorsDir, 'README.md'));

/**
 * True when the vector suites should run. Under CI a missing folder throws, so the run fails
 * instead of skipping; elsewhere the suites skip with a warning.
 */
export function requireVectors(): boolean {
  if (vectorsPresent) return true;
  const message = `AWS test vectors not found at ${vectorsDir} (set SIGV4_TEST_VECTORS)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! SKIPPING vector suites: ${message}\n`);
  return false;
}

export const read = (...parts: string[]) => readFileSync(join(vectorsDir, ...parts), 'utf8');
export const readJson = <T>(...parts: string[]): T => JSON.parse(read(...parts)) as T;

/** A parsed request file: request line, headers in order (obs-fold unfolded), body. */
export interface RawRequest {
  method: string;
  /** Everything between the method and ` HTTP/1.1`, verbatim. */
  target: string;
  path: string;
  query: string;
  headers: [name: string, value: string][];
  body: string;
}

/**
 * Parses the suites' request format. A line starting with whitespace continues the previous
 * header (obs-fold); RFC 9112 replaces the fold with a space, which is what AWS canonicalises.
 */
export function parseRequest(text: string): RawRequest {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine, ...lines] = head.split('\n');
  const match = /^(\S+) (.*) HTTP\/1\.1$/.exec(requestLine!);
  if (!match) throw new Error(`bad request line: ${requestLine}`);
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      headers[headers.length - 1]![1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  const target = match[2]!;
  const q = target.indexOf('?');
  return {
    method: match[1]!,
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    body,
  };
}

/** Lists case folders (those holding `file`) below `dir`, recursively, as relative paths. */
export function caseDirs(dir: string, file: (name: string) => string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    const abs = join(vectorsDir, dir, rel);
    const name = rel.split('/').pop() ?? '';
    if (rel !== '' && existsSync(join(abs, file(name)))) found.push(rel);
    for (const entry of readdirSync(abs)) {
      if (statSync(join(abs, entry)).isDirectory()) walk(rel === '' ? entry : `${rel}/${entry}`);
    }
  };
  if (vectorsPresent) walk('');
  return found.sort();
}

/** Query parameters of a request target, decoded, as sorted `name=value` strings. */
export function decodedParams(query: string): string[] {
  return query
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      const [name, value] = eq < 0 ? [piece, ''] : [piece.slice(0, eq), piece.slice(eq + 1)];
      return `${decodeURIComponent(name)}=${decodeURIComponent(value)}`;
    })
    .sort();
}

/** `context.json` of an aws-c-auth case. */
export interface AwsCAuthContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

/**
 * These three aws-c-auth request files give a raw path (a literal space, or UTF-8) that upstream
 * encodes once; their request line is not wire form, which is why smithy-rs skips them. Tests map
 * them honestly: the raw path, encoded once, is `uriEscapePath: false` with the raw path. The
 * engine's rule (a wire path is encoded a second time) is not bent to pass them.
 */
export const RAW_PATH_CASES: ReadonlySet<string> = new Set([
  'get-space-normalized',
  'get-space-unnormalized',
  'get-utf8',
]);

/** The engine's options for an aws-c-auth case of `suite` (`aws-c-auth/v4` or `aws-c-auth/v4a`, whose region becomes the region set). */
export function awsCAuthOptions(suite: string, name: string): PresignOptions & { region: string; service: string } {
  const context = readJson<AwsCAuthContext>(suite, name, 'context.json');
  const request = parseRequest(read(suite, name, 'request.txt'));
  const headers: Record<string, string[]> = {};
  let host = '';
  for (const [rawName, value] of request.headers) {
    const lower = rawName.toLowerCase();
    if (lower === 'host') host = value;
    else (headers[lower] ??= []).push(value);
  }
  return {
    method: request.method,
    url: `https://${host}${request.target}`,
    region: context.region,
    service: context.service,
    credentials: {
      accessKeyId: context.credentials.access_key_id,
      secretAccessKey: context.credentials.secret_access_key,
      sessionToken: context.credentials.token,
    },
    signingDate: new Date(context.timestamp),
    expiresIn: context.expiration_in_seconds,
    headers,
    // sign_body: the payload hash is the body's SHA-256, computed here by node:crypto.
    payloadHash: context.sign_body ? createHash('sha256').update(request.body).digest('hex') : undefined,
    // get-space-* and get-utf8 give a raw path that upstream encodes once: mapped as the raw path
    // with uriEscapePath false, not by bending the double-encoding rule (see RAW_PATH_CASES).
    uriEscapePath: !RAW_PATH_CASES.has(name),
    normalizePath: context.normalize,
    sessionTokenMode: context.omit_session_token ? 'appended' : 'signed',
  };
}

/** A request of an aws-c-auth case's query-signed-request.txt, as the verifier takes it, and its query-signature.txt. */
export interface AwsCAuthVerifyCase {
  request: VerifyRequest;
  options: VerifySyncOptions;
  signature: string;
}

/** The verifier's view of an aws-c-auth case of `suite`: the signed request as it arrives, and the options that accept it. */
export function awsCAuthVerifyCase(suite: string, name: string): AwsCAuthVerifyCase {
  const context = readJson<AwsCAuthContext>(suite, name, 'context.json');
  const signed = parseRequest(read(suite, name, 'query-signed-request.txt'));
  const headers: Record<string, string[]> = {};
  for (const [rawName, value] of signed.headers) (headers[rawName.toLowerCase()] ??= []).push(value);
  const { access_key_id, secret_access_key } = context.credentials;
  return {
    request: { method: signed.method, url: `https://${headers['host']![0]}${signed.target}`, headers },
    options: {
      secretFor: (id) => (id === access_key_id ? secret_access_key : undefined),
      now: new Date(context.timestamp),
      regions: [context.region],
      services: [context.service],
      // sign_body: the payload hash is the body's SHA-256, computed here by node:crypto.
      payloadHash: context.sign_body ? createHash('sha256').update(signed.body).digest('hex') : undefined,
      uriEscapePath: !RAW_PATH_CASES.has(name),
      normalizePath: context.normalize,
      allowUnsignedSessionToken: context.omit_session_token === true,
    },
    signature: read(suite, name, 'query-signature.txt'),
  };
}
