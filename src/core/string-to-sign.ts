/**
 * Task 2 of SigV4: the credential scope and the string to sign.
 *
 * ```
 * AWS4-HMAC-SHA256 \n 20130524T000000Z \n 20130524/us-east-1/s3/aws4_request \n hex(SHA-256(canonical request))
 * ```
 *
 * @example
 * ```ts
 * const date = amzDate(new Date('2013-05-24T00:00:00Z'));      // '20130524T000000Z'
 * const scope = credentialScope(date, 'us-east-1', 's3');     // '20130524/us-east-1/s3/aws4_request'
 * stringToSign(date, scope, sha256Hex(canonicalRequest));
 * ```
 * @module
 */
import { SigV4Error } from './errors.js';

/** The SigV4 algorithm name, as it appears in `X-Amz-Algorithm`. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Formats an instant as `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, UTC). Throws `INVALID_DATE` for an
 * invalid Date or a year outside 0000–9999, which the format cannot hold.
 */
export function amzDate(date: Date): string {
  // toISOString gives 2013-05-24T00:00:00.000Z, or ±YYYYYY-… outside years 0000–9999.
  const iso = date instanceof Date && date.getTime() === date.getTime() ? date.toISOString() : '';
  if (!/^\d{4}-/.test(iso)) throw new SigV4Error('INVALID_DATE', 'signingDate must be a valid Date in years 0-9999');
  return iso.replace(/[-:]|\.\d+/g, '');
}

/** `date/region/service/aws4_request`; the date is the first 8 characters of `amzDate`. */
export function credentialScope(amzDate: string, region: string, service: string): string {
  return amzDate.slice(0, 8) + '/' + region + '/' + service + '/aws4_request';
}

/** Joins the algorithm, the request date, the scope and the canonical request's SHA-256 hex. */
export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestHash;
}
