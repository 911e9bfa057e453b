/**
 * The gateway's refusals: S3's error codes with their HTTP statuses, the S3-style XML body, and
 * request text made safe to echo in it.
 *
 * @example
 * ```ts
 * errorXml('NoSuchKey', 'The specified key does not exist.', '/photos/cat.jpg');
 * // '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>…'
 * ```
 * @module
 */
import type { VerifyFailureCode } from '../verify/verify.js';

/** The error codes a gateway answers with: the verifier's, and S3's for the rest. */
export type GatewayErrorCode =
  | VerifyFailureCode
  | 'NoSuchKey'
  | 'MethodNotAllowed'
  | 'InvalidURI'
  | 'SourceIpNotAllowed'
  | 'EntityTooLarge'
  | 'XAmzContentSHA256Mismatch'
  | 'BadDigest'
  | 'InvalidDigest'
  | 'InvalidArgument'
  | 'NotImplemented';

/** The HTTP status of each code, as S3 answers it. */
export const STATUS: Readonly<Record<GatewayErrorCode, number>> = {
  AuthorizationQueryParametersError: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  InvalidArgument: 400,
  InvalidDigest: 400,
  BadDigest: 400,
  XAmzContentSHA256Mismatch: 400,
  EntityTooLarge: 400,
  SignatureDoesNotMatch: 403,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  RequestTimeTooSkewed: 403,
  RequiredHeaderNotSigned: 403,
  SourceIpNotAllowed: 403,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
  InternalError: 500,
  NotImplemented: 501,
};

/** A request the gateway refuses, with S3's code; thrown by the gateway's own steps, caught by the handler. */
export class GatewayRefusal extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayRefusal';
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

// C0 and C1 controls, DEL, and the two Unicode line separators: what could end a log line or
// forge one (most of them are not even allowed in XML 1.0).
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const hex = (c: string, digits: number) => c.charCodeAt(0).toString(16).padStart(digits, '0');

/**
 * Request text made safe to echo in a message: control characters become visible escapes
 * (`\x0a`, `\u2028`), so a decoded `%0A` in a query cannot start a forged line in a log.
 *
 * @example
 * ```ts
 * printable('AKID\nFORGED'); // 'AKID\\x0aFORGED'
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => (c.charCodeAt(0) > 0xff ? '\\u' + hex(c, 4) : '\\x' + hex(c, 2)));
}

/** An S3-style XML error document; message and resource are escaped for XML and for logs. */
export function errorXml(code: GatewayErrorCode, message: string, resource: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${xml(printable(message))}</Message>` +
    `<Resource>${xml(printable(resource))}</Resource><RequestId>${crypto.randomUUID()}</RequestId></Error>`
  );
}
