/**
 * Real S3-compatible servers for the tests, behind one shape, so that each test is written once
 * and runs against every server.
 *
 * - s3rver (@20minutes/s3rver): embedded, verifies presigned SigV4, starts in milliseconds.
 * - Ceph RGW: taken from CEPH_RGW_ENDPOINT / CEPH_RGW_ACCESS_KEY / CEPH_RGW_SECRET_KEY /
 *   CEPH_RGW_REGION when they are set (.ci/run starts Ceph and exports them); with CEPH=1 and
 *   no endpoint, started here through scripts/ceph-rgw.sh in a private directory and stopped
 *   by its PIDs afterwards. Under CI=true a missing Ceph is an error, never a skip.
 *
 * Requests go out through node:http with the path exactly as presigned: fetch and
 * `http.request(urlString)` pass the URL through WHATWG URL, which resolves `.`/`..` segments
 * and would send a different key from the one that was signed.
 */
import S3rver from '@20minutes/s3rver';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presign, s3Url, type Credentials, type S3Location } from '../../src/index.js';
import { percentDecode, splitUrl } from '../../src/stages.js';

/** Known gaps: what a server does not do as S3 does, each with the reason. */
export interface ServerGaps {
  /** Keys with `.` or `..` segments: the server resolves them, so it signs another path. */
  readonly dotSegmentKeys?: string;
  /** Query values holding `!'()*`: the server encodes them with encodeURIComponent. */
  readonly rfc3986QueryValues?: string;
  /** Keys stored and listed exactly as given, so that `a//b` and `a/b` stay two objects. */
  readonly exactKeyStore?: string;
  /** DELETE `?uploadId=` (AbortMultipartUpload). */
  readonly abortMultipartUpload?: string;
}

/** A running server with one empty bucket made for this test run. */
export interface S3TestServer {
  readonly name: string;
  readonly location: S3Location;
  readonly credentials: Credentials;
  /** Stops what was started here (nothing for an externally started Ceph). */
  stop(): Promise<void>;
}

/** A response read to the end. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options of {@link send}. */
export interface SendOptions {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** Connect here instead of to the URL's host, sending the URL's host as Host. */
  readonly connectTo?: { readonly host: string; readonly port: number };
}

/** Sends a request with the URL's path and query byte for byte as written. */
export function send(url: string, options: SendOptions): Promise<HttpResponse> {
  const parts = splitUrl(url);
  if (parts.scheme !== 'http') throw new Error(`tests speak plain http to loopback servers, not ${url}`);
  const [hostname, port = '80'] = parts.host.split(/:(?=\d+$)/);
  const target = options.connectTo ?? { host: hostname!, port: Number(port) };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.host,
        port: target.port,
        method: options.method,
        path: parts.query === '' ? parts.path : `${parts.path}?${parts.query}`,
        headers: { host: parts.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A fresh bucket name, so that runs never see each other's objects. */
export function uniqueBucketName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) =>
    name.startsWith('#x') || name.startsWith('#X')
      ? String.fromCodePoint(parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(parseInt(name.slice(1), 10))
        : (XML_ENTITIES[name] ?? entity),
  );
}

/** The text of every `<tag>` element in an XML document, entities decoded. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => xmlUnescape(m[1]!));
}

/**
 * Every key in the bucket, read with a presigned ListObjectsV2 (`encoding-type=url` where the
 * server honours it, so that the keys come back byte for byte).
 */
export async function listKeys(server: S3TestServer): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const query = `list-type=2&encoding-type=url${token === undefined ? '' : `&continuation-token=${encodeURIComponent(token)}`}`;
    const url = presign({
      method: 'GET',
      url: `${s3Url(server.location)}?${query}`,
      region: server.location.region,
      service: 's3',
      credentials: server.credentials,
    });
    const res = await send(url, { method: 'GET' });
    const xml = res.body.toString('utf8');
    if (res.status !== 200) throw new Error(`ListObjectsV2 failed with ${res.status}: ${xml}`);
    const urlEncoded = xmlValues(xml, 'EncodingType')[0] === 'url';
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const key of xmlValues(xml, 'Key')) keys.push(urlEncoded ? decoder.decode(percentDecode(key)) : key);
    token = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextContinuationToken')[0] : undefined;
  } while (token !== undefined);
  return keys;
}

/** What s3rver 5.0.0 does not do as S3 does (each seen in its source and in these tests). */
export const S3RVER_GAPS: ServerGaps = {
  dotSegmentKeys: 's3rver resolves . and .. segments before it computes the canonical URI',
  rfc3986QueryValues: "s3rver encodes query values with encodeURIComponent, which keeps !'()*",
  exactKeyStore: 's3rver stores keys as file paths (a//b and /a collapse) and escapes listings twice',
  abortMultipartUpload: 's3rver answers DELETE ?uploadId= with 405',
};

/** Ceph RGW 16 passes every check here. */
export const CEPH_GAPS: ServerGaps = {};

/** Starts s3rver on a free loopback port with one fresh bucket and its built-in S3RVER key pair. */
export async function startS3rver(): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'sigv4-s3rver-'));
  const bucket = uniqueBucketName('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  return {
    name: 's3rver',
    location: { bucket, region: 'us-east-1', endpoint: `http://127.0.0.1:${address.port}` },
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const CEPH_SCRIPT = fileURLToPath(new URL('../../scripts/ceph-rgw.sh', import.meta.url));

/** Whether a Ceph RGW is configured for this run: by its endpoint in the environment, or CEPH=1. */
export function cephConfigured(): boolean {
  return process.env['CEPH_RGW_ENDPOINT'] !== undefined || process.env['CEPH'] === '1';
}

/** Reads `NAME=value` lines (DIR/env of scripts/ceph-rgw.sh). */
function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/**
 * Starts a cluster in `dir`, trying twice: a port the script found free can be taken by another
 * process before the daemon binds it. A failed attempt is stopped before the next.
 */
function startCluster(dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('bash', [CEPH_SCRIPT, 'start', dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
      return;
    } catch (error) {
      execFileSync('bash', [CEPH_SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 60_000 });
      if (attempt === 2) throw error;
      console.warn(`Ceph RGW did not start, retrying once: ${(error as Error).message}`);
    }
  }
}

/** Runs the Ceph RGW from the environment, or starts one with scripts/ceph-rgw.sh under CEPH=1. */
export async function startCeph(): Promise<S3TestServer> {
  let env: Record<string, string | undefined> = process.env;
  let stopCluster = () => {};
  if (env['CEPH_RGW_ENDPOINT'] === undefined) {
    if (env['CEPH'] !== '1') throw new Error('Ceph RGW is not configured: set CEPH_RGW_ENDPOINT etc. or CEPH=1');
    const dir = mkdtempSync(join(tmpdir(), 'sigv4-ceph-s3-test-'));
    rmSync(dir, { recursive: true });
    startCluster(dir);
    env = readEnvFile(join(dir, 'env'));
    stopCluster = () => execFileSync('bash', [CEPH_SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 60_000 });
  }
  const endpoint = env['CEPH_RGW_ENDPOINT']!;
  const credentials = {
    accessKeyId: env['CEPH_RGW_ACCESS_KEY'] ?? '',
    secretAccessKey: env['CEPH_RGW_SECRET_KEY'] ?? '',
  };
  const location: S3Location = {
    bucket: uniqueBucketName('ceph'),
    region: env['CEPH_RGW_REGION'] ?? 'us-east-1',
    endpoint,
  };
  const created = await send(
    presign({ method: 'PUT', url: s3Url(location), region: location.region, service: 's3', credentials }),
    { method: 'PUT' },
  );
  if (created.status !== 200) {
    stopCluster();
    throw new Error(`Ceph CreateBucket failed with ${created.status}: ${created.body.toString('utf8')}`);
  }
  return {
    name: 'ceph',
    location,
    credentials,
    async stop() {
      stopCluster();
    },
  };
}
