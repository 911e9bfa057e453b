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
import { escapeXml } from '../core/encoding.js';
import { printable } from '../core/rules.js';
import type { PostFailureCode } from '../verify/post.js';
import type { VerifyFailureCode } from '../verify/verify.js';
import type { FormErrorCode } from './multipart.js';

/** The error codes a gateway answers with: the verifier's, and S3's for the rest. */
export type GatewayErrorCode =
  | VerifyFailureCode
  | PostFailureCode
  | FormErrorCode
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
  EntityTooSmall: 400,
  InvalidPolicyDocument: 400,
  MalformedPOSTRequest: 400,
  MaxPostPreDataLengthExceeded: 400,
  IncorrectNumberOfFilesInPostRequest: 400,
  SignatureDoesNotMatch: 403,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  RequestTimeTooSkewed: 403,
  RequiredHeaderNotSigned: 403,
  HostNotAllowed: 403,
  SourceIpNotAllowed: 403,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
  PreconditionFailed: 412,
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

/** An S3-style XML error document; message and resource are escaped for XML and for logs. */
export function errorXml(code: GatewayErrorCode, message: string, resource: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(printable(message, 2000))}</Message>` +
    `<Resource>${escapeXml(printable(resource, 2000))}</Resource><RequestId>${crypto.randomUUID()}</RequestId></Error>`
  );
}
