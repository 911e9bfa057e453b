/**
 * Types for botocore-oracle.mjs (python3 + botocore batch oracle). Hand-written;
 * the implementation carries the same types as JSDoc and is checked against them.
 */
import type { OracleRequest, OracleResult } from './crt-oracle.mjs';

export type { OracleRequest, OracleResult };

export interface BotocoreResult extends OracleResult {
  /** Full URL botocore produced (token appended by the adapter when omitSessionToken). */
  url: string;
  /** botocore's canonical request. */
  canonicalRequest: string;
  /** botocore's string to sign. */
  stringToSign: string;
  /** 'S3SigV4QueryAuth' (doubleEncode=false, normalizePath=false) or 'SigV4QueryAuth' (both true). */
  signerClass: string;
  /** true when the payload hash differs from the class's own value and payload() was overridden. */
  payloadOverridden: boolean;
  /** true when omitSessionToken: botocore signed without a token and the adapter appended it. */
  tokenAppendedByAdapter: boolean;
}

/** python executable used: $SIGV4_ORACLE_PYTHON, else 'python3'. */
export declare function pythonExecutable(): string;
/** botocore's version, or undefined when python3 or botocore is missing (cached). */
export declare function botocoreVersion(): string | undefined;
/** Whether python3 + botocore can run; the caller decides whether absence is a failure. */
export declare function isBotocoreAvailable(): boolean;
/** The URL handed to botocore: `${scheme ?? 'https'}://${host}${path}[?query]`. */
export declare function oracleRequestUrl(req: OracleRequest): string;
/**
 * Sign a batch in ONE python process. undefined when python3/botocore is missing;
 * `{ error }` in the slot of a case botocore cannot express (mixed doubleEncode/normalizePath) or that raised.
 */
export declare function botocorePresignBatch(
  reqs: readonly OracleRequest[],
): Promise<Array<BotocoreResult | { error: string }> | undefined>;
