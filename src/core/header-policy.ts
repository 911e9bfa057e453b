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
 * headerRule('content-type');  // 'sign'
 * headerRule('authorization'); // 'reject'
 * ```
 * @module
 */

/**
 * What the signer does with a header:
 * - `sign`: signed as a header; the client must send it with exactly this value;
 * - `sign-as-payload-hash`: signed, and its value is the canonical request's payload hash;
 * - `leave-unsigned`: left out of the signature, but still returned as a header to send;
 * - `reject`: refused, because the signer writes it from another option.
 */
export type HeaderRule = 'sign' | 'sign-as-payload-hash' | 'leave-unsigned' | 'reject';

/** Lower-case header name to rule; names not listed are signed. */
export const HEADER_POLICY: Readonly<Record<string, HeaderRule>> = {
  // Written by the signer: host from the URL, the date from signingDate, the token from
  // credentials.sessionToken; a presigned URL carries its signature in the query.
  host: 'reject',
  authorization: 'reject',
  'x-amz-date': 'reject',
  'x-amz-security-token': 'reject',
  'x-amz-content-sha256': 'sign-as-payload-hash',
  // Browsers, proxies and HTTP stacks add or rewrite these; AWS's own signers (aws-c-auth,
  // smithy) leave them unsigned so that a rewrite cannot break the signature.
  'user-agent': 'leave-unsigned',
  expect: 'leave-unsigned',
  'transfer-encoding': 'leave-unsigned',
  upgrade: 'leave-unsigned',
  'x-amzn-trace-id': 'leave-unsigned',
};

/** The rule for a lower-case header name. */
export function headerRule(name: string): HeaderRule {
  return Object.hasOwn(HEADER_POLICY, name) ? HEADER_POLICY[name]! : 'sign';
}
