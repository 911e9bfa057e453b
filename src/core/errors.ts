/**
 * The one error class the library throws.
 *
 * Every error carries a stable string `code`, so callers can branch on it without parsing
 * messages. An error never holds the options it was built from: the secret access key cannot
 * ride along into a log, a stack trace or `util.inspect(error)`.
 *
 * @example
 * ```ts
 * try {
 *   presign({ ...options, expiresIn: 0 });
 * } catch (error) {
 *   if (error instanceof SigV4Error && error.code === 'INVALID_EXPIRES_IN') retry();
 * }
 * ```
 * @module
 */

/** The stable codes a {@link SigV4Error} can carry. */
export type SigV4ErrorCode =
  | 'INVALID_URL'
  | 'RESERVED_QUERY_PARAMETER'
  | 'INVALID_METHOD'
  | 'INVALID_HEADER_NAME'
  | 'INVALID_HEADER_VALUE'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_REGION'
  | 'REGION_MISMATCH'
  | 'INVALID_SERVICE'
  | 'INVALID_DATE'
  | 'INVALID_EXPIRES_IN'
  | 'INVALID_PAYLOAD_HASH'
  | 'INVALID_OPTION'
  | 'CREDENTIALS_EXPIRE_TOO_SOON'
  | 'INVALID_BUCKET_NAME'
  | 'INVALID_KEY'
  | 'INVALID_REGION_SET'
  | 'ECDSA_UNAVAILABLE'
  | 'POST_NOT_SUPPORTED'
  | 'INVALID_CONTENT_LENGTH_RANGE'
  | 'CONFLICTING_CONDITION'
  | 'INVALID_FORM_FIELD'
  | 'INVALID_CONDITION';

/** Thrown for every invalid input. `code` is stable across versions; `message` is for people. */
export class SigV4Error extends Error {
  override readonly name = 'SigV4Error';
  readonly code: SigV4ErrorCode;

  constructor(code: SigV4ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
