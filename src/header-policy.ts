/**
 * The one header policy: what happens to each header a caller asks to sign.
 *
 * A presigned URL carries its signature in the query, so the request headers that matter are the
 * ones the client will send. Every header is signed as a header and listed in the result as a
 * header the client must send; none is ever hoisted into the query (hoisting `x-amz-*` headers is
 * what breaks SSE, tagging and metadata uploads in other SDKs). The table below holds the only
 * exceptions, with the reason for each: headers refused, headers left unsigned, and the one
 * header whose value is the payload hash.
 *
 * @example
 * ```ts
 * headerRule('content-type');  // { action: 'sign' }
 * headerRule('authorization'); // { action: 'reject', why: '...' }
 * ```
 * @module
 */

/** What the signer does with a header. */
export type HeaderRule =
  /** Signed as a header; the client must send it with exactly this value. */
  | { readonly action: 'sign' }
  /** Signed as a header, and its value is the payload hash of the canonical request. */
  | { readonly action: 'sign-as-payload-hash' }
  /** Left out of the signature (hop-level headers that others rewrite), but still returned as a header to send. */
  | { readonly action: 'leave-unsigned' }
  /** Refused: the value comes from elsewhere, and signing it as given would be wrong. */
  | { readonly action: 'reject'; readonly why: string };

const SIGN: HeaderRule = { action: 'sign' };
const UNSIGNED: HeaderRule = { action: 'leave-unsigned' };

/** Lower-case header name to rule; names not listed are signed. */
export const HEADER_POLICY: Readonly<Record<string, HeaderRule>> = {
  host: { action: 'reject', why: 'it is signed from the URL' },
  authorization: { action: 'reject', why: 'the signature goes in the query' },
  'x-amz-date': { action: 'reject', why: 'set signingDate' },
  'x-amz-security-token': { action: 'reject', why: 'set credentials.sessionToken' },
  'x-amz-content-sha256': { action: 'sign-as-payload-hash' },
  // Browsers, proxies and HTTP stacks add or rewrite these; AWS's own signers (aws-c-auth,
  // smithy) leave them unsigned so that a rewrite cannot break the signature.
  'user-agent': UNSIGNED,
  expect: UNSIGNED,
  'transfer-encoding': UNSIGNED,
  upgrade: UNSIGNED,
  'x-amzn-trace-id': UNSIGNED,
};

/** The rule for a lower-case header name. */
export function headerRule(name: string): HeaderRule {
  return Object.hasOwn(HEADER_POLICY, name) ? HEADER_POLICY[name]! : SIGN;
}
