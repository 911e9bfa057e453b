/**
 * sigv4-presign: AWS Signature Version 4 presigned URLs for every JavaScript runtime.
 *
 * The stages are exported too, so that a `SignatureDoesNotMatch` can be chased step by step.
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
export { isCanonical, percentDecode, recode, toHex, uriEncode, uriEncodeBytes } from './core/encoding.js';
export { splitUrl, type UrlParts } from './core/url.js';
export { awsHostRegion, parseAwsHost, type AwsHost } from './core/endpoints.js';
export {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  headerName,
  headerValue,
  httpMethod,
  normalizePath,
  parseQuery,
  wirePath,
  type CanonicalHeaders,
  type PathRules,
  type QueryPair,
} from './core/canonical-request.js';
export { HEADER_POLICY, headerRule, type HeaderRule } from './core/header-policy.js';
export { ALGORITHM, amzDate, credentialScope, stringToSign } from './core/string-to-sign.js';
export {
  deriveSigningKey,
  KEY_CACHE_SIZE,
  signature,
  signCanonicalRequest,
  signingKey,
  type SignedParts,
} from './core/signing-key.js';
export { defaultBackend, pureJsBackend, setDefaultBackend, type HashBackend, type PreparedKey } from './core/hash.js';
export {
  DEFAULT_EXPIRES_IN,
  EMPTY_SHA256,
  MAX_EXPIRES_IN,
  PAYLOAD_HASH,
  presign,
  presignDetailed,
  REGION,
  RESERVED_PARAMETER,
  S3_SERVICE,
  SERVICE,
  type Credentials,
  type HeaderValue,
  type PresignOptions,
  type PresignResult,
} from './sign/presign.js';
export * from './sign/s3.js';
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
