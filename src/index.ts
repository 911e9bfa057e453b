/**
 * sigv4-presign: AWS Signature Version 4 presigned URLs for every JavaScript runtime.
 *
 * This entry holds what an application uses: presigning (any request, and S3's operations), the
 * verifier, the one error class, and the hashing backends. The algorithm's stages and its rule
 * book, for people who build their own signers, are in `sigv4-presign/stages`.
 *
 * @example
 * ```ts
 * import { presign } from 'sigv4-presign';
 * const url = presign({ method: 'GET', url: 'https://bucket.s3.us-east-1.amazonaws.com/key',
 *   region: 'us-east-1', service: 's3', credentials });
 * ```
 * @module
 */
export { SigV4Error, type SigV4ErrorCode } from './core/errors.js';
export { defaultBackend, pureJsBackend, setDefaultBackend, type HashBackend, type PreparedKey } from './core/hash.js';
export {
  presign,
  presignDetailed,
  type Credentials,
  type HeadersInit,
  type HeaderValue,
  type PresignOptions,
  type PresignResult,
} from './sign/presign.js';
// The S3 helpers' public names (the module's option-name lists and field helpers stay internal).
export {
  checkBucketName,
  checkObjectKey,
  presignAbortMultipartUpload,
  presignCompleteMultipartUpload,
  presignCreateMultipartUpload,
  presignDeleteObject,
  presignGetObject,
  presignHeadObject,
  presignPutObject,
  presignUploadPart,
  s3Url,
  type CreateMultipartUploadOptions,
  type GetObjectOptions,
  type MultipartUploadOptions,
  type PutObjectOptions,
  type S3BodyProperties,
  type S3Checksum,
  type S3Location,
  type S3ObjectOptions,
  type S3ObjectProperties,
  type S3ResponseOverrides,
  type S3SigningOptions,
  type UploadPartOptions,
  type VersionedObjectOptions,
} from './sign/s3.js';
// The verifier's public names; its seam for other schemes (Scheme, verifyWith, …) stays internal.
export {
  DEFAULT_CLOCK_SKEW_SECONDS,
  verifyPresignedUrl,
  verifyPresignedUrlSync,
  type SecretLookup,
  type VerifyFailure,
  type VerifyFailureCode,
  type VerifyHeaders,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult,
  type VerifySuccess,
  type VerifySyncOptions,
} from './verify/verify.js';
export { presignPost, type PresignedPost, type PresignPostOptions } from './sign/post.js';
export type { PostCondition, PostPolicyDocument } from './core/post-policy.js';
export {
  checkPostSize,
  verifyPresignedPost,
  type PostFailureCode,
  type PostUpload,
  type PostVerifyFailure,
  type PostVerifyResult,
  type PostVerifySuccess,
  type VerifyPostOptions,
} from './verify/post.js';
