/**
 * The verifier's parameter reader: a presigned URL's query read strictly into what it says (the
 * algorithm, scope, date, validity, signed headers, session token, signature) and its canonical
 * query, by the rule book the signer uses.
 *
 * Failures are thrown as {@link Refusal}s inside the verifier only; its entry points turn them
 * into results, so that nothing the verifier exports ever throws.
 *
 * @example
 * ```ts
 * const { signing, signature } = readQuery('X-Amz-Algorithm=AWS4-HMAC-SHA256&…&X-Amz-Signature=…');
 * signing.scope.region;   // 'us-east-1'
 * signing.signedHeaders;  // ['host']
 * ```
 * @module
 */
import { canonicalQuery, type QueryPair } from '../core/canonical-request.js';
import { recode } from '../core/encoding.js';
import { Memo } from '../core/memo.js';
import {
  forEachQueryPair,
  isToken,
  parseAmzDate,
  parseCredential,
  printable,
  serviceDefaults,
  SIGNATURE_LENGTH,
  type ServiceDefaults,
} from '../core/rules.js';
import { isQueryText } from '../core/url.js';

/** Who signed, and for what: read from `X-Amz-Credential` (and, for SigV4a, `X-Amz-Region-Set`). */
export interface Scope {
  readonly accessKeyId: string;
  /** The scope's region; for SigV4a, the region set as signed (`*`, `us-east-1,eu-west-1`). */
  readonly region: string;
  readonly service: string;
}

/** How one signing algorithm's parameters are read: the part of a verifier scheme the reader needs. */
export interface SchemeReader {
  /** `X-Amz-Algorithm`. */
  readonly algorithm: string;
  /** Reads `X-Amz-Credential`, and the scheme's own parameters among the `others` (canonically encoded). */
  readonly readScope: (credential: string, xAmzDate: string, others: readonly QueryPair[]) => Scope;
  /** Whether `X-Amz-Signature`'s raw value has the scheme's form. */
  readonly isSignature: (raw: string) => boolean;
}

/**
 * Why a URL was refused. S3's codes where S3 has one:
 * - `AuthorizationQueryParametersError`: a missing, repeated or malformed `X-Amz-*` parameter,
 *   or a scope outside the allowed regions and services;
 * - `SignatureDoesNotMatch`: the signature is wrong, or a signed header is missing;
 * - `AccessDenied`: the URL has expired, or the request carries `x-amz-*` headers that are not signed;
 * - `InvalidAccessKeyId`: `secretFor` knows no such key;
 * - `RequestTimeTooSkewed`: `X-Amz-Date` lies further in the future than the allowed skew;
 * - `XAmzContentSHA256Mismatch`: the caller's `payloadHash` differs from a signed `x-amz-content-sha256`;
 * - `InvalidRequest`: not an HTTP request at all (bad URL, method or header value);
 * - `RequiredHeaderNotSigned` (ours): a header in `requiredSignedHeaders` is not signed;
 * - `HostNotAllowed` (ours): the signed host is not one of the `hosts` this server answers to;
 * - `InternalError`: the options are invalid, or `secretFor` threw, rejected or returned something
 *   other than a string, `undefined` or `null`.
 */
export type VerifyFailureCode =
  | 'AuthorizationQueryParametersError'
  | 'SignatureDoesNotMatch'
  | 'AccessDenied'
  | 'InvalidAccessKeyId'
  | 'RequestTimeTooSkewed'
  | 'XAmzContentSHA256Mismatch'
  | 'InvalidRequest'
  | 'RequiredHeaderNotSigned'
  | 'HostNotAllowed'
  | 'InternalError';

/** A failure on its way out of the verifier: thrown inside it only, caught by its entry points. */
export class Refusal {
  constructor(
    readonly code: VerifyFailureCode,
    readonly message: string,
  ) {}
}

/**
 * Throws a {@link Refusal}.
 *
 * @example
 * ```ts
 * refuse('AccessDenied', 'Request has expired');
 * ```
 */
export function refuse(code: VerifyFailureCode, message: string): never {
  throw new Refusal(code, message);
}

/** Refuses with `AuthorizationQueryParametersError`. */
export const badParameters = (message: string): never => refuse('AuthorizationQueryParametersError', message);

// Lower-case hex digits; the length is checked apart (cheaper than a pattern that counts to 64).
const HEX = /^[0-9a-f]*$/;
const EXPIRES = /^[1-9][0-9]{0,6}$/;
// The signer's parameters, spelt as the signer writes them and in canonical order; the last,
// X-Amz-Signature, is the one not signed.
const PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;
/** Where each parameter stands in PARAMETERS. */
const AT = { algorithm: 0, credential: 1, date: 2, expires: 3, token: 4, signedHeaders: 5, signature: 6 } as const;
const SIGNED = 6; // how many of them are signed
const LOWER_CASE = PARAMETERS.map((name) => name.toLowerCase());
const SIGNATURE_PIECE = 'X-Amz-Signature=';

/** Raw values of the signer's parameters, by index in PARAMETERS. */
type Parameters = (string | undefined)[];

/** Percent-decodes a query value (recoded first, as it was signed) to text; invalid UTF-8 is refused. */
export function decodeValue(name: string, raw: string): string {
  const encoded = recode(raw, false);
  try {
    return encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch {
    return badParameters(`${name} is not valid UTF-8`);
  }
}

/**
 * Reads the raw query as the signer's `parseQuery` does, into the signer's parameters (raw
 * values, each at most once, in the one spelling) and the other pairs (canonically encoded).
 */
function splitParameters(query: string): { amz: Parameters; others: QueryPair[] } {
  const amz: Parameters = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  const others: QueryPair[] = [];
  forEachQueryPair(query, (rawName, raw) => {
    // A name spelt as the signer writes it is canonical and known already; any other is
    // recoded first, and only one that starts with x or X can be ours under another spelling.
    let index = PARAMETERS.indexOf(rawName as (typeof PARAMETERS)[number]);
    const name = index < 0 ? recode(rawName, false) : rawName;
    if (index < 0) index = PARAMETERS.indexOf(name as (typeof PARAMETERS)[number]);
    if (index < 0 && (name.charCodeAt(0) | 0x20) === 0x78) {
      index = LOWER_CASE.indexOf(name.toLowerCase());
      if (index >= 0) badParameters(`${printable(name)} must be spelt ${PARAMETERS[index]}`);
    }
    if (index < 0) others.push([name, recode(raw, false)]);
    else if (amz[index] !== undefined) badParameters(`${name} appears more than once`);
    else amz[index] = raw;
  });
  return { amz, others };
}

/** The decoded value of a parameter that must be there. */
function required(amz: Parameters, index: number): string {
  const raw = amz[index];
  if (raw === undefined) return badParameters(`${PARAMETERS[index]} is missing: this is not a SigV4 presigned URL`);
  return decodeValue(PARAMETERS[index]!, raw);
}

/** Reads `X-Amz-SignedHeaders`: lower-case names, sorted, no repeats, `host` among them. */
function parseSignedHeaders(value: string): string[] {
  const names = value.split(';');
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!isToken(name) || name !== name.toLowerCase()) {
      badParameters('X-Amz-SignedHeaders must list lower-case header names separated by ";"');
    }
    if (i > 0 && !(names[i - 1]! < name)) badParameters('X-Amz-SignedHeaders must be sorted, without repeats');
  }
  if (!names.includes('host')) badParameters('X-Amz-SignedHeaders must include host');
  return names;
}

/** What a query says, but its signature: the signer's parameters read and checked, and the canonical query built. */
export interface Signing<Scheme extends SchemeReader = SchemeReader> {
  /** The scheme of its `X-Amz-Algorithm`. */
  readonly scheme: Scheme;
  readonly scope: Scope;
  readonly xAmzDate: string;
  /** `X-Amz-Date` in milliseconds: a number, because a remembered Date could be changed by a caller. */
  readonly signedAt: number;
  readonly expires: number;
  /** Frozen: every result shares it. */
  readonly signedHeaders: readonly string[];
  readonly sessionToken: string | undefined;
  /** The service's path rules and payload default. */
  readonly defaults: ServiceDefaults;
  /** The canonical query, with and without the session token. */
  readonly query: string;
  readonly queryWithoutToken: string;
}

/** Reads and checks the signer's parameters of a query, builds its canonical query, and gives the raw signature. */
function readSigning<Scheme extends SchemeReader>(
  query: string,
  schemes: readonly Scheme[],
): { signing: Signing<Scheme>; signature: string | undefined } {
  if (!isQueryText(query)) refuse('InvalidRequest', 'the query holds a fragment or a control character');
  const { amz, others } = splitParameters(query);
  const algorithm = required(amz, AT.algorithm);
  const scheme =
    schemes.find((known) => known.algorithm === algorithm) ??
    badParameters(`X-Amz-Algorithm must be ${schemes.map((known) => known.algorithm).join(' or ')}`);
  const xAmzDate = required(amz, AT.date);
  const signedAt = parseAmzDate(xAmzDate);
  if (signedAt === undefined) badParameters('X-Amz-Date must be a real instant of the form YYYYMMDDTHHMMSSZ');
  const scope = scheme.readScope(required(amz, AT.credential), xAmzDate, others);
  const expires = required(amz, AT.expires);
  if (!EXPIRES.test(expires)) badParameters('X-Amz-Expires must be a positive integer number of seconds');
  const signedHeaders = parseSignedHeaders(required(amz, AT.signedHeaders));
  const token = amz[AT.token];
  // PARAMETERS is in canonical order, so with no other parameters the pairs join as they are.
  const pairs = amz
    .slice(0, SIGNED)
    .flatMap((value, i): QueryPair[] => (value === undefined ? [] : [[PARAMETERS[i]!, recode(value, false)]]));
  const pairsWithoutToken = pairs.filter(([name]) => name !== PARAMETERS[AT.token]);
  const join = (signed: QueryPair[]) => canonicalQuery(others.length === 0 ? signed : others.concat(signed));
  const signing: Signing<Scheme> = {
    scheme,
    scope,
    xAmzDate,
    signedAt: signedAt!,
    expires: Number(expires),
    signedHeaders: Object.freeze(signedHeaders),
    sessionToken: token === undefined ? undefined : decodeValue(PARAMETERS[AT.token], token),
    defaults: serviceDefaults(scope.service),
    query: join(pairs),
    queryWithoutToken: join(pairsWithoutToken),
  };
  return { signing, signature: amz[AT.signature] };
}

/**
 * The last query read, by its text up to its signature: a gateway sees the same credential, date,
 * validity and session token on URL after URL, and a 1 KB token costs more to read than a SHA-256.
 */
const signings = new Memo<[prefix: string, schemes: readonly SchemeReader[], unused: undefined], Signing>();

/**
 * Reads a raw query (the text after the URL's first `?`) by the first of `schemes` whose
 * algorithm it names: the signature, and everything else it says.
 *
 * When the query's last piece is `X-Amz-Signature=` and lower-case hex digits (a SigV4 signature,
 * or SigV4a's DER, whose length varies), everything but those digits reads exactly as the whole
 * query does, so that prefix alone is read (and remembered): the answer depends only on the
 * query, whatever came before.
 */
export function readQuery<Scheme extends SchemeReader>(
  query: string,
  schemes: readonly Scheme[],
): { signing: Signing<Scheme>; signature: string } {
  // The last piece starts after the last '&' (hex digits hold none).
  const pieceStart = query.lastIndexOf('&') + 1;
  const prefixLength = pieceStart + SIGNATURE_PIECE.length;
  let signature = query.slice(prefixLength);
  let signing: Signing<Scheme>;
  const lastPieceIsSignature =
    query.length > prefixLength && query.startsWith(SIGNATURE_PIECE, pieceStart) && HEX.test(signature);
  if (lastPieceIsSignature) {
    // A slice compared with === is a memory compare, and the Memo compares the prefix that way.
    const prefix = query.slice(0, prefixLength);
    signing = signings.getOf(() => readSigning(prefix, schemes).signing, prefix, schemes) as Signing<Scheme>;
  } else {
    const read = readSigning(query, schemes);
    // Read raw: lower-case hex digits need no decoding, and no other spelling is accepted.
    if (read.signature === undefined) badParameters('X-Amz-Signature is missing: this is not a SigV4 presigned URL');
    signing = read.signing;
    signature = read.signature!;
  }
  if (!signing.scheme.isSignature(signature)) {
    badParameters(`X-Amz-Signature is not a ${signing.scheme.algorithm} signature in lower-case hex`);
  }
  return { signing, signature };
}

/**
 * Reads a decoded `X-Amz-Credential` by the rule book (SigV4a's has no region), with its day
 * checked against `X-Amz-Date`.
 */
export function readCredential(credential: string, xAmzDate: string, withRegion = true): Scope {
  const fields = parseCredential(credential, withRegion);
  if (typeof fields === 'string') return badParameters(fields);
  if (fields.date !== xAmzDate.slice(0, 8)) {
    badParameters(`the credential date ${fields.date} is not the day of X-Amz-Date ${xAmzDate}`);
  }
  return fields;
}

/** Whether a raw `X-Amz-Signature` is a SigV4 signature: 64 lower-case hex digits. */
export const isSigV4Signature = (raw: string): boolean => raw.length === SIGNATURE_LENGTH && HEX.test(raw);
