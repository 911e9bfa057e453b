/**
 * SigV4a presigning (`AWS4-ECDSA-P256-SHA256`): one URL valid in a set of regions, as S3
 * Multi-Region Access Points require. The request is canonicalised exactly as SigV4's
 * ({@link presignInContext}); what differs is the scope (no region), the signed
 * `X-Amz-Region-Set` parameter and the signature: ECDSA P-256 by the platform, with the key that
 * the credentials derive, in DER as hex.
 *
 * @example
 * ```ts
 * const url = await presignV4a({
 *   method: 'GET',
 *   url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg',
 *   service: 's3',
 *   regionSet: ['*'],
 *   credentials,
 * });
 * ```
 * @module
 */
import { toHex, uriEncode, utf8 } from '../core/encoding.js';
import { defaultEcdsa, type EcdsaBackend, type V4aPublicKey } from '../core/ecdsa.js';
import { defaultBackend } from '../core/hash.js';
import { Memo } from '../core/memo.js';
import { check, checkCredentials, checkService, type Credentials } from '../core/rules.js';
import { V4A_ALGORITHM } from '../core/v4a-key.js';
import { v4aPrivateKey, v4aPublicKey } from '../core/v4a-keys.js';
import { regionSetValue, v4aCredentialScope, v4aStringToSign } from '../core/v4a-scope.js';
import {
  addSignerInputs,
  presignInContext,
  requestUrl,
  signerBasics,
  requestContext,
  type PresignOptions,
  type PresignResult,
  type RequestContext,
} from './presign.js';

/** What to presign with SigV4a: {@link PresignOptions} with a region set in place of the region. */
export interface PresignV4aOptions extends Omit<PresignOptions, 'region' | 'service'> {
  /** Signing name of the service, such as `s3`. */
  readonly service: string;
  /** The regions the URL is valid in: `['*']` for all (Multi-Region Access Points), or names such as `['us-east-1', 'eu-west-1']`. */
  readonly regionSet: readonly string[];
  /** ECDSA implementation. Default: node:crypto in Node, WebCrypto elsewhere. */
  readonly ecdsa?: EcdsaBackend | undefined;
}

/** The context of a SigV4a presign, with the key to sign its string to sign. */
interface V4aContext extends RequestContext {
  readonly ecdsa: EcdsaBackend;
  readonly privateKey: object;
}

/**
 * The last context: a server presigning in a loop repeats the same credentials, region set,
 * service and second, as with SigV4's presign. A context whose key import failed is forgotten.
 */
const contexts = new Memo<unknown[], Promise<V4aContext>>();

/** The option values a context depends on; the region set's entries are copied, as an array can change in place. */
function contextInputs(options: PresignV4aOptions): unknown[] {
  const { signingDate = new Date(), regionSet } = options;
  const inputs: unknown[] = [options.ecdsa ?? defaultEcdsa(), options.backend ?? defaultBackend(), options.service];
  if (Array.isArray(regionSet)) inputs.push(regionSet.length, ...regionSet);
  else inputs.push(regionSet);
  return addSignerInputs(inputs, options, signingDate);
}

/** The context for these options: the last one when every input is the same, else a new one. */
function contextFor(options: PresignV4aOptions): Promise<V4aContext> {
  return contexts.get(contextInputs(options), () => {
    const pending = v4aContext(options);
    pending.catch(() => contexts.forget());
    return pending;
  });
}

async function v4aContext(options: PresignV4aOptions): Promise<V4aContext> {
  const { signingDate = new Date() } = options;
  const regionSet = regionSetValue(options.regionSet);
  const service = checkService(options.service);
  const basics = signerBasics(options, signingDate);
  const backend = options.backend ?? defaultBackend();
  check(backend, typeof backend?.sha256Hex === 'function', 'INVALID_OPTION', 'backend must be a HashBackend');
  const ecdsa = options.ecdsa ?? defaultEcdsa();
  check(ecdsa, typeof ecdsa?.sign === 'function', 'INVALID_OPTION', 'ecdsa must be an EcdsaBackend');
  const { xAmzDate } = basics;
  const scope = v4aCredentialScope(xAmzDate, service);
  // The signature comes after, asynchronously: the URL is assembled ending in `X-Amz-Signature=`.
  const sign = (request: string) => ({
    stringToSign: v4aStringToSign(xAmzDate, scope, backend.sha256Hex(request)),
    signature: '',
  });
  return {
    // X-Amz-Region-Set sorts between X-Amz-Expires and X-Amz-Security-Token.
    ...requestContext(V4A_ALGORITHM, basics, scope, service, sign, `&X-Amz-Region-Set=${uriEncode(regionSet, false)}`),
    ecdsa,
    privateKey: await v4aPrivateKey(ecdsa, backend, basics.accessKeyId, basics.secretAccessKey),
  };
}

/**
 * Presigns a request with SigV4a and returns the URL with every intermediate step, as
 * `presignDetailed` does. Rejects with {@link SigV4Error} for invalid options, and with
 * `ECDSA_UNAVAILABLE` where the platform cannot sign with a derived P-256 key (Safari).
 *
 * @example
 * ```ts
 * const { url, canonicalRequest, stringToSign, signature } = await presignV4aDetailed({
 *   method: 'PUT', url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/upload.png',
 *   service: 's3', regionSet: ['*'], credentials, headers: { 'content-type': 'image/png' },
 * });
 * ```
 */
export async function presignV4aDetailed(options: PresignV4aOptions): Promise<PresignResult> {
  check(options, typeof options === 'object' && options !== null, 'INVALID_OPTION', 'options must be an object');
  const context = await contextFor(options);
  const unsigned = presignInContext(options, context, requestUrl(options.url));
  const signature = toHex(await context.ecdsa.sign(context.privateKey, utf8.encode(unsigned.stringToSign)));
  return { ...unsigned, url: unsigned.url + signature, signature };
}

/**
 * Presigns a request with SigV4a: a Promise of the URL alone.
 *
 * @example
 * ```ts
 * const url = await presignV4a({
 *   method: 'GET', url: 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg',
 *   service: 's3', regionSet: ['*'], credentials, expiresIn: 900,
 * });
 * ```
 */
export async function presignV4a(options: PresignV4aOptions): Promise<string> {
  return (await presignV4aDetailed(options)).url;
}

/**
 * The SigV4a public key of a credential pair, as the platform computes it from the derived
 * private key: give it to a server, which can then verify the pair's SigV4a URLs without the secret.
 *
 * @example
 * ```ts
 * await v4aPublicKeyOf({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
 * // { x: 'b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1', y: '865ed22a…e518' }
 * ```
 */
export async function v4aPublicKeyOf(
  credentials: Pick<Credentials, 'accessKeyId' | 'secretAccessKey'>,
  ecdsa: EcdsaBackend = defaultEcdsa(),
): Promise<V4aPublicKey> {
  const { accessKeyId, secretAccessKey } = checkCredentials(credentials);
  return v4aPublicKey(ecdsa, defaultBackend(), accessKeyId, secretAccessKey);
}
