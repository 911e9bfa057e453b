/**
 * The verifier of `sigv4-presign/v4a`: SigV4 and SigV4a URLs alike, through the root verifier's
 * one flow ({@link verifyWith}) with SigV4a's {@link Scheme} beside SigV4's. What SigV4a adds:
 * - a credential scope without a region, and the signed `X-Amz-Region-Set`, read strictly (one
 *   parameter in the one spelling, distinct entries, each `*` or a region name);
 * - the region policy: a server in `regions` accepts a URL whose region set holds one of them or `*`;
 * - the signature: DER read strictly before any key lookup (minimal, non-negative, r and s in
 *   1..n − 1, nothing trailing), then ECDSA P-256 by the platform, high-S accepted as AWS signs it;
 * - the key: derived from `secretFor`'s secret (cached by digest, bounded), or given by
 *   `publicKeyFor`, so that a server can verify SigV4a URLs without holding any secret.
 *
 * @example
 * ```ts
 * import { verifyPresignedUrl } from 'sigv4-presign/v4a';
 * const result = await verifyPresignedUrl(
 *   { method: request.method, url: request.url, headers: request.headers },
 *   { secretFor: (id) => secrets.get(id), regions: ['eu-west-1'] },
 * );
 * ```
 * @module
 */
import type { QueryPair } from '../core/canonical-request.js';
import { derToP1363 } from '../core/der.js';
import { Memo } from '../core/memo.js';
import { SigV4Error } from '../core/errors.js';
import { utf8 } from '../core/encoding.js';
import { defaultEcdsa, hexBytes, type EcdsaBackend, type ParsedSignature, type V4aPublicKey } from '../core/ecdsa.js';
import { V4A_ALGORITHM } from '../core/v4a-key.js';
import { importedPublicKey, v4aVerifyingKey } from '../core/v4a-keys.js';
import { isRegionSet, v4aCredentialScope, v4aStringToSign } from '../core/v4a-scope.js';
import { badParameters, decodeValue, readCredential, refuse, type Scope } from './params.js';
import {
  SIGV4,
  verdict,
  verifyWith,
  type Scheme,
  type SecretLookup,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult,
} from './verify.js';

/** Finds the SigV4a public key of an access key id; `undefined` when the id is unknown. */
export type PublicKeyLookup = (accessKeyId: string) => V4aPublicKey | undefined | PromiseLike<V4aPublicKey | undefined>;

/** Options of the `sigv4-presign/v4a` verifier: the root verifier's, with either key lookup. */
export interface VerifyV4aOptions extends Omit<VerifyOptions, 'secretFor'> {
  /**
   * The secret of an access key id. Verifies SigV4 URLs, and SigV4a URLs through the public key
   * derived from it (cached). Needed unless `publicKeyFor` is given.
   */
  readonly secretFor?: SecretLookup | undefined;
  /**
   * The SigV4a public key of an access key id (coordinates as 64 lower-case hex digits each, as
   * `v4aPublicKeyOf` gives them). When given, SigV4a URLs are checked with it, never with a secret.
   */
  readonly publicKeyFor?: PublicKeyLookup | undefined;
  /** ECDSA implementation. Default: node:crypto in Node, WebCrypto elsewhere. */
  readonly ecdsa?: EcdsaBackend | undefined;
}

const HEX_COORDINATE = /^[0-9a-f]{64}$/;
// SEQUENCE, then 6 to 70 more bytes: two INTEGERs of 1 to 33 bytes each, in lower-case hex.
const DER_HEX = /^30(?:[0-9a-f]{2}){7,71}$/;

/** Reads `X-Amz-Credential` (`<access key id>/<YYYYMMDD>/<service>/aws4_request`) and `X-Amz-Region-Set`. */
function readScope(credential: string, xAmzDate: string, others: readonly QueryPair[]): Scope {
  const { accessKeyId, service } = readCredential(credential, xAmzDate, false);
  // The region set is signed as any other parameter (it is among `others`): read it in the one spelling.
  let raw: string | undefined;
  for (const [name, value] of others) {
    if (name.toLowerCase() !== 'x-amz-region-set') continue;
    if (name !== 'X-Amz-Region-Set') badParameters(`${name} must be spelt X-Amz-Region-Set`);
    if (raw !== undefined) badParameters('X-Amz-Region-Set appears more than once');
    raw = value;
  }
  if (raw === undefined) badParameters('X-Amz-Region-Set is missing: a SigV4a URL names its regions');
  const regionSet = decodeValue('X-Amz-Region-Set', raw!);
  if (!isRegionSet(regionSet.split(',')))
    badParameters("X-Amz-Region-Set must list distinct region names or '*', separated by ','");
  return { accessKeyId, region: regionSet, service };
}

/** The last signature read: its scheme reads it while the query is checked, and again to verify. */
const signatures = new Memo<[raw: string], ParsedSignature | undefined>();

/** The strict DER of a signature's hex, or `undefined`. */
function parseSignature(raw: string): ParsedSignature | undefined {
  return signatures.get([raw], () => {
    const der = DER_HEX.test(raw) ? hexBytes(raw) : undefined;
    const p1363 = der && derToP1363(der);
    // Frozen (Memo's invariant: a remembered value is never changed).
    return p1363 === undefined ? undefined : Object.freeze({ der: der!, p1363 });
  });
}

/** The platform's verifying key for what the lookup returned: a secret (SigV4a key derived) or a public key. */
function verifyingKey(ecdsa: EcdsaBackend, parsed: Parameters<Scheme['finish']>[0], key: unknown): Promise<object> {
  const { accessKeyId } = parsed.signing.scope;
  if (typeof key === 'string') {
    if (key === '') refuse('InternalError', 'secretFor returned an empty string');
    return v4aVerifyingKey(ecdsa, parsed.backend, accessKeyId, key);
  }
  const point = key as Partial<V4aPublicKey> | null;
  if (
    typeof point !== 'object' ||
    point === null ||
    !HEX_COORDINATE.test(String(point.x)) ||
    !HEX_COORDINATE.test(String(point.y))
  )
    refuse('InternalError', 'publicKeyFor returned something other than { x, y } in 64 lower-case hex digits each');
  return importedPublicKey(ecdsa, { x: point!.x!, y: point!.y! });
}

/**
 * SigV4a (`AWS4-ECDSA-P256-SHA256`) for the verifier's flow, with `ecdsa` as its ECDSA.
 *
 * @example
 * ```ts
 * verifyWith([SIGV4, sigv4a(nodeEcdsa)], request, options);
 * ```
 */
export function sigv4a(ecdsa: EcdsaBackend): Scheme {
  return {
    algorithm: V4A_ALGORITHM,
    optionNames: ['publicKeyFor', 'ecdsa'],
    readScope,
    isSignature: (raw) => parseSignature(raw) !== undefined,
    inRegions: (scope, regions) => {
      const set = scope.region.split(',');
      return set.includes('*') || regions.some((region) => set.includes(region));
    },
    lookup: (options, accessKeyId) => {
      const { publicKeyFor } = options as VerifyV4aOptions;
      return publicKeyFor === undefined ? options.secretFor(accessKeyId) : publicKeyFor(accessKeyId);
    },
    async finish(parsed, key) {
      const publicKey = await verifyingKey(ecdsa, parsed, key).catch((error: unknown) => {
        // A platform that cannot derive, or a point it will not import: the server's fault, never a mismatch.
        if (error instanceof SigV4Error) refuse('InternalError', error.message);
        if (error instanceof Error) refuse('InternalError', 'the public key is not a point of P-256');
        throw error; // already a refusal
      });
      const { xAmzDate, scope } = parsed.signing;
      const signature = parseSignature(parsed.signature)!; // checked while the query was read
      const toSign = v4aCredentialScope(xAmzDate, scope.service);
      const check = (request: string) =>
        ecdsa.verify(
          publicKey,
          utf8.encode(v4aStringToSign(xAmzDate, toSign, parsed.backend.sha256Hex(request))),
          signature,
        );
      let matched = -1;
      for (let i = 0; matched < 0 && i < parsed.requests.length; i++) if (await check(parsed.requests[i]!)) matched = i;
      return verdict(parsed, matched);
    },
  };
}

const noSecret: SecretLookup = () => undefined;

/** SigV4's and SigV4a's schemes, one list per ECDSA backend: the verifier remembers its last query per list. */
const schemeLists = new WeakMap<EcdsaBackend, readonly Scheme[]>();
function schemesFor(ecdsa: EcdsaBackend): readonly Scheme[] {
  let schemes = schemeLists.get(ecdsa);
  if (schemes === undefined) schemeLists.set(ecdsa, (schemes = [SIGV4, sigv4a(ecdsa)]));
  return schemes;
}

/**
 * Verifies a SigV4 or SigV4a presigned URL, with the same request, options, guarantees and
 * result as the root entry's `verifyPresignedUrl`: it never throws and never rejects, reads
 * strictly, and compares SigV4 signatures in constant time. For a SigV4a URL, `region` in the
 * result is the region set as signed (`*`, or `us-east-1,eu-west-1`).
 *
 * @example
 * ```ts
 * // A server that holds public keys only: it can check SigV4a URLs, and cannot make them.
 * const result = await verifyPresignedUrl(
 *   { method: 'GET', url: 'https://mrap.example.com/photos/cat.jpg?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&...' },
 *   { publicKeyFor: (id) => publicKeys.get(id), regions: ['us-east-1'], services: ['s3'] },
 * );
 * if (!result.ok) return new Response(result.message, { status: 403 });
 * ```
 */
export function verifyPresignedUrl(request: VerifyRequest, options: VerifyV4aOptions): Promise<VerifyResult> {
  const { secretFor, publicKeyFor, ecdsa = defaultEcdsa() } = (options ?? {}) as VerifyV4aOptions;
  let problem: string | undefined;
  if (typeof options !== 'object' || options === null) problem = 'options must be an object';
  else if (secretFor === undefined && publicKeyFor === undefined) problem = 'secretFor or publicKeyFor is needed';
  else if (publicKeyFor !== undefined && typeof publicKeyFor !== 'function')
    problem = 'publicKeyFor must be a function';
  else if (typeof ecdsa?.verify !== 'function') problem = 'ecdsa must be an EcdsaBackend';
  if (problem !== undefined)
    return Promise.resolve({ ok: false, code: 'InternalError', message: `invalid verifier options: ${problem}` });
  // Without secretFor, a SigV4 URL's access key id is simply unknown here.
  return verifyWith(
    schemesFor(ecdsa),
    request,
    secretFor === undefined ? { ...options, secretFor: noSecret } : (options as VerifyOptions),
  );
}
