/**
 * Types for crt-oracle.mjs (the aws-crt oracle adapter). Hand-written; the
 * implementation carries the same types as JSDoc and is checked against them.
 */

/** Query in wire form: a raw query string (leading '?' optional) or [name, value] pairs joined as `n=v&...` verbatim. */
export type OracleQuery = string | ReadonlyArray<readonly [string, string]>;

export interface OracleRequest {
  method: string;
  /** Default 'https'. crt ignores it; botocore uses it (default-port stripping, payload rules). */
  scheme?: 'https' | 'http';
  /** Host (may include ':port'). crt: sent verbatim as the Host header unless `headers` has one. */
  host: string;
  /** Exact path bytes handed to the signer (S3: canonical key path; generic: wire path). */
  path: string;
  query?: OracleQuery;
  /** Extra headers, all signed by crt except the few it skips (see README). A host header here wins over `host`. */
  headers?: ReadonlyArray<readonly [string, string]>;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** true = token left out of the canonical request and appended to the URL after signing. */
  omitSessionToken?: boolean;
  /** Fixed signing date (milliseconds are ignored). */
  date: Date;
  /** X-Amz-Expires, integer >= 1. */
  expiresIn: number;
  /** Value used as the canonical request's payload hash, e.g. 'UNSIGNED-PAYLOAD' or EMPTY_SHA256. */
  payloadHash: string;
  doubleEncode: boolean;
  normalizePath: boolean;
  /** 'v4' (default) or 'v4a' (SigV4Asymmetric; `region` is then the comma-joined region set). */
  algorithm?: 'v4' | 'v4a';
}

export interface OracleResult {
  /** Lower-case hex X-Amz-Signature. */
  signature: string;
  /** Every query param of the signed URL, percent-decoded (first occurrence per name). */
  params: Record<string, string>;
  /** Every query param of the signed URL, percent-decoded, in output order (duplicates kept). */
  queryPairs: Array<[string, string]>;
  /** Exactly the path+query crt produced. */
  signedUrlPathAndQuery: string;
}

export interface CrtTracedResult extends OracleResult {
  /** crt's canonical request, captured from its INFO log. */
  canonicalRequest: string;
  /** crt's string to sign, captured from its INFO log. */
  stringToSign: string;
}

export declare const UNSIGNED_PAYLOAD: 'UNSIGNED-PAYLOAD';
export declare const EMPTY_SHA256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Whether the aws-crt native binding loads here. */
export declare function isCrtAvailable(): boolean;
/** Presign one request with aws-crt (in process). */
export declare function crtPresign(req: OracleRequest): Promise<OracleResult>;
/** aws-c-auth's SigV4a check of our canonical request and DER signature: true, or crt's error as text. */
export declare function crtVerifyV4a(
  req: OracleRequest,
  canonicalRequest: string,
  signatureHex: string,
  publicKey: { x: string; y: string },
): true | string;
/** Presign many, `chunkSize` (default 256) concurrently; results in input order. */
export declare function crtPresignMany(
  reqs: readonly OracleRequest[],
  options?: { chunkSize?: number },
): Promise<OracleResult[]>;
/** Presign in a child process with crt's log captured: adds canonicalRequest/stringToSign. Failures become { error }. */
export declare function crtPresignTraced(
  reqs: readonly OracleRequest[],
): Promise<Array<CrtTracedResult | { error: string }>>;
/** The query string exactly as handed to crt (no '?'). */
export declare function queryToString(query: OracleQuery | undefined): string;
/** Split a signed `path?query` into percent-decoded pairs, in order. */
export declare function splitSignedQuery(pathAndQuery: string): Array<[string, string]>;
