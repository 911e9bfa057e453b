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
  return backend.hmac(kService, 'aws4_request');
}

/** How many derived keys the cache keeps. */
export const KEY_CACHE_SIZE = 256;

interface CacheEntry {
  readonly backend: HashBackend;
  readonly key: PreparedKey;
}

// Insertion-ordered, so the first entry is the oldest: evicting it keeps the Map bounded (FIFO).
const cache = new Map<string, CacheEntry>();
/** The prepared signing key for these inputs, derived at most once while it stays cached. */
export function signingKey(
  backend: HashBackend,
  secretAccessKey: string,
  dateStamp: string,
  region: string,
  service: string,
): PreparedKey {
  // '/' cannot occur in a date stamp, region or service, so the fields cannot run together.
  const id = dateStamp + '/' + region + '/' + service + '/' + secretAccessKey;
  let entry = cache.get(id);
  if (entry === undefined || entry.backend !== backend) {
    entry = {
      backend,
      key: backend.prepareKey(deriveSigningKey(backend, secretAccessKey, dateStamp, region, service)),
    };
    if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, entry);
  }
  return entry.key;
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
