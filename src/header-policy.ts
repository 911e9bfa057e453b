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
  /** Left out of the signature, but still returned as a header the client sends. */
  | { readonly action: 'leave-unsigned'; readonly why: string }
  /** Refused: the value comes from elsewhere, and signing it as given would be wrong. */
  | { readonly action: 'reject'; readonly why: string };

const SIGN: HeaderRule = { action: 'sign' };

/** Lower-case header name to rule; names not listed are signed. */
export const HEADER_POLICY: Readonly<Record<string, HeaderRule>> = {
  host: { action: 'reject', why: 'host is always signed, and its value comes from the URL' },
  authorization: { action: 'reject', why: 'a presigned URL carries its signature in the query' },
  'x-amz-date': { action: 'reject', why: 'the signing date goes in the query; set signingDate' },
  'x-amz-security-token': {
    action: 'reject',
    why: 'the session token goes in the query; set credentials.sessionToken',
  },
  'x-amz-content-sha256': { action: 'sign-as-payload-hash' },
  // Proxies and HTTP stacks add or rewrite these hop-level headers; AWS's own signers
  // (aws-c-auth, smithy) leave them unsigned so that a rewrite cannot break the signature.
  'user-agent': { action: 'leave-unsigned', why: 'browsers and proxies set their own' },
  expect: { action: 'leave-unsigned', why: 'HTTP stacks add or drop it' },
  'transfer-encoding': { action: 'leave-unsigned', why: 'hop-by-hop: proxies rewrite it' },
  upgrade: { action: 'leave-unsigned', why: 'hop-by-hop: proxies rewrite it' },
  'x-amzn-trace-id': { action: 'leave-unsigned', why: 'tracing layers add and rewrite it' },
};

/** The rule for a lower-case header name. */
export function headerRule(name: string): HeaderRule {
  return Object.hasOwn(HEADER_POLICY, name) ? HEADER_POLICY[name]! : SIGN;
}
