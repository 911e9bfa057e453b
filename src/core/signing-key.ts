/**
 * Task 3 of SigV4: the signing key and the signature.
 *
 * ```
 * kDate    = HMAC("AWS4" + secret, "20130524")
 * kRegion  = HMAC(kDate, "us-east-1")
 * kService = HMAC(kRegion, "s3")
 * kSigning = HMAC(kService, "aws4_request")
 * signature = hex(HMAC(kSigning, stringToSign))
 * ```
 *
 * Deriving a key costs four HMACs; it changes only once a day per secret, region and service,
 * so {@link signingKey} keeps the last {@link KEY_CACHE_SIZE} keys. The cache is bounded:
 * signing for a million distinct secrets does not grow memory.
 *
 * @example
 * ```ts
 * const key = signingKey(pureJsBackend, secret, '20130524', 'us-east-1', 's3');
 * signature(pureJsBackend, key, stringToSign); // 64 lower-case hex digits
 * ```
 * @module
 */
import { utf8 } from './encoding.js';
import type { HashBackend, PreparedKey } from './hash.js';
import { BoundedCache } from './memo.js';
import { SCOPE_TERMINATOR } from './rules.js';
import { stringToSign } from './string-to-sign.js';

/** Runs the four-step derivation. `dateStamp` is `YYYYMMDD`. Uncached.
 *
 * @example
 * ```ts
 * deriveSigningKey(pureJsBackend, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
 * // Uint8Array(32) dbb893ac…ba8378, the S3 documentation's signing key
 * ```
 */
export function deriveSigningKey(
  backend: HashBackend,
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string,
): Uint8Array {
  const kDate = backend.hmac(utf8.encode('AWS4' + secretAccessKey), dateStamp);
  const kRegion = backend.hmac(kDate, region);
  const kService = backend.hmac(kRegion, service);
  return backend.hmac(kService, SCOPE_TERMINATOR);
}

/** How many derived keys the cache keeps. */
export const KEY_CACHE_SIZE = 256;

/**
 * The derived signing keys, keyed by backend, date, region, service (each bounded by the rule
 * book) and a SHA-256 of the secret: never by the secret itself; at most {@link KEY_CACHE_SIZE}
 * entries of about 200 bytes of key.
 *
 * @example
 * ```ts
 * signingKeyCache.size; // <= KEY_CACHE_SIZE
 * ```
 */
export const signingKeyCache = new BoundedCache<PreparedKey>(KEY_CACHE_SIZE);
/** A number for each backend seen: a prepared key has its backend's shape. */
const backendIds = new WeakMap<HashBackend, number>();
let backendsSeen = 0;

/** The prepared signing key for these inputs, derived at most once while it stays cached. */
export function signingKey(
  backend: HashBackend,
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string,
): PreparedKey {
  let backendId = backendIds.get(backend);
  if (backendId === undefined) backendIds.set(backend, (backendId = backendsSeen++));
  // '/' cannot occur in a date stamp, region or service, so the fields cannot run together.
  const id = backendId + '/' + dateStamp + '/' + region + '/' + service + '/' + backend.sha256Hex(secretAccessKey);
  return signingKeyCache.remember(id, () =>
    backend.prepareKey(deriveSigningKey(backend, secretAccessKey, dateStamp, region, service)),
  );
}

/** The hex signature of a string to sign. */
export function signature(backend: HashBackend, key: PreparedKey, stringToSign: string): string {
  return backend.hmacHex(key, stringToSign);
}

/** The steps from a canonical request to its signature, named so that they can be shown. */
export interface SignedParts {
  readonly stringToSign: string;
  readonly signature: string;
}

/**
 * Hashes a canonical request, builds the string to sign and signs it with a prepared key: the
 * part of SigV4 that the signer and the verifier run identically.
 *
 * @example
 * ```ts
 * const scope = credentialScope('20130524T000000Z', 'us-east-1', 's3');
 * const key = signingKey(pureJsBackend, secret, '20130524', 'us-east-1', 's3');
 * const { stringToSign, signature } = signCanonicalRequest(pureJsBackend, key, '20130524T000000Z', scope, canonicalRequest);
 * ```
 */
export function signCanonicalRequest(
  backend: HashBackend,
  key: PreparedKey,
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): SignedParts {
  const toSign = stringToSign(amzDate, scope, backend.sha256Hex(canonicalRequest));
  return { stringToSign: toSign, signature: signature(backend, key, toSign) };
}
