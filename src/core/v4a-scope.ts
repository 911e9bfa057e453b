/**
 * Where SigV4a's string to sign differs from SigV4's: the algorithm, a credential scope without a
 * region, and the region set, which travels as the signed `X-Amz-Region-Set` parameter instead.
 *
 * ```
 * AWS4-ECDSA-P256-SHA256 \n 20150830T123600Z \n 20150830/s3/aws4_request \n hex(SHA-256(canonical request))
 * ```
 *
 * @example
 * ```ts
 * const scope = v4aCredentialScope('20150830T123600Z', 'service'); // '20150830/service/aws4_request'
 * v4aStringToSign('20150830T123600Z', scope, sha256Hex(canonicalRequest));
 * regionSetValue(['us-east-1', 'eu-west-1']);                      // 'us-east-1,eu-west-1'
 * ```
 * @module
 */
import { SigV4Error } from './errors.js';
import { dateStamp, isRegion, SCOPE_TERMINATOR } from './rules.js';
import { stringToSign } from './string-to-sign.js';
import { V4A_ALGORITHM } from './v4a-key.js';

/** `date/service/aws4_request`: SigV4's scope without its region. */
export function v4aCredentialScope(amzDate: string, service: string): string {
  return dateStamp(amzDate) + '/' + service + '/' + SCOPE_TERMINATOR;
}

/** SigV4's string to sign under SigV4a's algorithm name. */
export function v4aStringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return stringToSign(amzDate, scope, canonicalRequestHash, V4A_ALGORITHM);
}

/**
 * Whether `entries` is a region set: at least one entry, each `*` or a region name, none twice.
 * Linear in the number of entries (a verifier reads them from a URL that anyone can send).
 *
 * @example
 * ```ts
 * isRegionSet(['us-east-1', 'eu-west-1']); // true
 * isRegionSet(['us-east-1', 'us-east-1']); // false
 * ```
 */
export function isRegionSet(entries: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  for (const entry of entries) {
    if (!(entry === '*' || isRegion(entry)) || seen.has(entry)) return false;
    seen.add(entry);
  }
  return entries.length > 0;
}

/**
 * The `X-Amz-Region-Set` value of a region set: its entries joined with `,`. Throws
 * `INVALID_REGION_SET` unless it is a non-empty array of `*` or region names, without repeats.
 */
export function regionSetValue(regionSet: unknown): string {
  if (!Array.isArray(regionSet) || !isRegionSet(regionSet))
    throw new SigV4Error(
      'INVALID_REGION_SET',
      "regionSet must be a non-empty array of distinct region names or '*', such as ['*'] or ['us-east-1', 'eu-west-1']",
    );
  return (regionSet as string[]).join(',');
}
