/** Types for post-oracles.mjs. Hand-written; the implementation carries the same types as JSDoc. */

/** One presigned-POST case, as neutral input for every signer. */
export interface PostCase {
  readonly name: string;
  readonly description: string;
  readonly bucket: string;
  /** An exact key, or one ending in `${filename}`. */
  readonly key: string;
  readonly region: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly date: string;
  readonly expiresIn: number;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** Exact fields, each also a condition. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Extra raw conditions. */
  readonly conditions?: readonly unknown[];
  readonly contentLengthRange?: readonly [number, number];
}

/** A form a peer made: where to post, and the fields. */
export interface PeerForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** botocore's version, or undefined when python3 or botocore is missing. */
export declare function botocorePostVersion(): string | undefined;
/** The forms botocore's generate_presigned_post makes (signature_version='s3v4'), in order. */
export declare function botocorePost(cases: readonly PostCase[]): PeerForm[];
/** The forms @aws-sdk/s3-presigned-post's createPresignedPost makes, in order. */
export declare function sdkPost(cases: readonly PostCase[]): Promise<PeerForm[]>;
