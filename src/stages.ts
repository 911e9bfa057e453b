/**
 * `sigv4-presign/stages`: the algorithm's stages and its rule book, for people who build their
 * own signers (or chase a `SignatureDoesNotMatch` step by step). Each stage is a pure function of
 * data; `presign` is these stages in order.
 *
 * @example
 * ```ts
 * import { canonicalRequest, canonicalHeaders, credentialScope, formatAmzDate, signingKey, signCanonicalRequest, pureJsBackend } from 'sigv4-presign/stages';
 * const date = formatAmzDate(new Date('2013-05-24T00:00:00Z'));
 * const scope = credentialScope(date, 'us-east-1', 's3');
 * const request = canonicalRequest('GET', '/test.txt', query, canonicalHeaders(new Map([['host', host]])), 'UNSIGNED-PAYLOAD');
 * const key = signingKey(pureJsBackend, secret, '20130524', 'us-east-1', 's3');
 * signCanonicalRequest(pureJsBackend, key, date, scope, request).signature;
 * ```
 * @module
 */
export { isCanonical, percentDecode, recode, toHex, uriEncode, uriEncodeBytes } from './core/encoding.js';
export { isQueryText, splitUrl, type UrlParts } from './core/url.js';
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
  type QueryPair,
} from './core/canonical-request.js';
export { HEADER_POLICY, headerRule, type HeaderRule } from './core/header-policy.js';
export { stringToSign } from './core/string-to-sign.js';
export {
  deriveSigningKey,
  KEY_CACHE_SIZE,
  signature,
  signCanonicalRequest,
  signingKey,
  type SignedParts,
} from './core/signing-key.js';
export {
  ALGORITHM,
  canonicalHeaderValue,
  credentialScope,
  dateStamp,
  DEFAULT_EXPIRES_IN,
  EMPTY_SHA256,
  encodedCredential,
  formatAmzDate,
  isExpiresIn,
  isPayloadHash,
  isRegion,
  isS3Service,
  isService,
  isToken,
  joinHeaderValues,
  MAX_EXPIRES_IN,
  MAX_SCOPE_NAME_LENGTH,
  parseAmzDate,
  parseCredential,
  RESERVED_PARAMETER,
  SCOPE_TERMINATOR,
  serviceDefaults,
  SIGNATURE_LENGTH,
  UNSIGNED_PAYLOAD,
  type CredentialFields,
  type PathRules,
  type ServiceDefaults,
} from './core/rules.js';
export { pureJsBackend, type HashBackend, type PreparedKey } from './core/hash.js';
