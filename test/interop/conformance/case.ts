/**
 * The one shape every conformance case takes, so that the runtime-neutral suite needs no file
 * access: the Node side collects the vectors into this shape and esbuild embeds them as JSON.
 */
import type { PresignOptions } from '../../../src/index.js';

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
