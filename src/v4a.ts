/**
 * `sigv4-presign/v4a`: SigV4a (`AWS4-ECDSA-P256-SHA256`) presigned URLs, valid in a set of
 * regions, as S3 Multi-Region Access Points require; no native code. A separate entry, so that
 * `import { presign }` from the root does not grow. Its `verifyPresignedUrl` checks SigV4 and
 * SigV4a URLs alike. ECDSA comes from the platform: WebCrypto here, node:crypto under Node's
 * `node` export condition.
 *
 * @example
 * ```ts
 * import { presignV4a } from 'sigv4-presign/v4a';
 * const url = await presignV4a({
 *   method: 'GET',
 *   url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg',
 *   service: 's3',
 *   regionSet: ['*'],
 *   credentials,
 * });
 * ```
 * @module
 */
export { SigV4Error, type SigV4ErrorCode } from './core/errors.js';
export { webCryptoEcdsa, type EcdsaBackend, type ParsedSignature, type V4aPublicKey } from './core/ecdsa.js';
export { V4A_KEY_CACHE_SIZE } from './core/v4a-keys.js';
export { presignV4a, presignV4aDetailed, v4aPublicKeyOf, type PresignV4aOptions } from './sign/v4a.js';
export { type Credentials, type HeaderValue, type PresignResult } from './sign/presign.js';
export { verifyPresignedUrl, type PublicKeyLookup, type VerifyV4aOptions } from './verify/v4a.js';
export {
  type SecretLookup,
  type VerifyFailure,
  type VerifyFailureCode,
  type VerifyHeaders,
  type VerifyRequest,
  type VerifyResult,
  type VerifySuccess,
} from './verify/verify.js';
