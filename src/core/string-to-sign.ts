/**
 * Task 2 of SigV4: the string to sign.
 *
 * ```
 * AWS4-HMAC-SHA256 \n 20130524T000000Z \n 20130524/us-east-1/s3/aws4_request \n hex(SHA-256(canonical request))
 * ```
 *
 * The date and the credential scope are built by the rule book (`formatAmzDate`, `credentialScope`).
 *
 * @example
 * ```ts
 * const date = formatAmzDate(new Date('2013-05-24T00:00:00Z')); // '20130524T000000Z'
 * const scope = credentialScope(date, 'us-east-1', 's3');       // '20130524/us-east-1/s3/aws4_request'
 * stringToSign(date, scope, sha256Hex(canonicalRequest));
 * ```
 * @module
 */
import { ALGORITHM } from './rules.js';

/**
 * Joins the algorithm, the request date, the scope and the canonical request's SHA-256 hex.
 * SigV4a passes its own algorithm name.
 */
export function stringToSign(
  amzDate: string,
  scope: string,
  canonicalRequestHash: string,
  algorithm = ALGORITHM,
): string {
  return algorithm + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash;
}
