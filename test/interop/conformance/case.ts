/**
 * The one shape every conformance case takes, so that the runtime-neutral suite needs no file
 * access: the Node side collects the vectors into this shape and esbuild embeds them as JSON.
 */
import type { PresignOptions } from '../../../src/index.js';
import type { PresignV4aOptions } from '../../../src/v4a.js';

/** Presign options as JSON: the signing date is an ISO string, and no backend is named. */
export type CaseOptions = Omit<PresignOptions, 'signingDate' | 'backend'> & {
  readonly url: string;
  readonly signingDate: string;
};

/** One vector: inputs and the values an independent signer (aws-crt, checked with botocore) gave. */
export interface ConformanceCase {
  /** `source/case-name`, shown in failures. */
  readonly name: string;
  readonly options: CaseOptions;
  readonly expected: {
    readonly canonicalRequest?: string;
    readonly stringToSign?: string;
    readonly signature: string;
    /** The signed URL's query parameters, percent-decoded; their order does not matter. */
    readonly queryParams?: readonly (readonly [string, string])[];
    /** The URL the independent signer produced, which the verifier must accept. */
    readonly signedUrl?: string;
  };
}

/** SigV4a presign options as JSON. */
export type V4aCaseOptions = Omit<PresignV4aOptions, 'signingDate' | 'backend' | 'ecdsa'> & {
  readonly url: string;
  readonly signingDate: string;
};

/**
 * One aws-c-auth SigV4a case: ECDSA signatures are random, so ours is checked by verifying it
 * under the case's public key (with the platform's WebCrypto), and the verifier is checked on the
 * signatures AWS's signer stored.
 */
export interface V4aConformanceCase {
  readonly name: string;
  readonly options: V4aCaseOptions;
  readonly expected: {
    readonly canonicalRequest: string;
    readonly stringToSign: string;
    /** public-key.json: P-256 coordinates, hex. */
    readonly publicKey: { readonly x: string; readonly y: string };
  };
  /** How the stored signed URLs arrive, and what the verifier must be told to accept them. */
  readonly verify: {
    readonly method: string;
    /** query-signed-request.txt's URL, and the same URL with query-signature.txt's signature. */
    readonly urls: readonly string[];
    readonly headers: Readonly<Record<string, readonly string[]>>;
    readonly options: {
      readonly now: string;
      readonly regions: readonly string[];
      readonly payloadHash?: string | undefined;
      readonly uriEscapePath: boolean;
      readonly normalizePath: boolean;
      readonly allowUnsignedSessionToken: boolean;
    };
  };
}
