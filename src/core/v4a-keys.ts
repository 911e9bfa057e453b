/**
 * SigV4a key pairs, derived once per credentials and kept: a derivation costs an HMAC and a key
 * import costs about half a millisecond in node:crypto, where a signature costs 40 µs.
 *
 * The cache is bounded in entries ({@link V4A_KEY_CACHE_SIZE}, oldest evicted first) and so in
 * bytes: an entry holds a 64-character digest and the platform's key objects, never the access
 * key id or the secret, whatever their length. Entries are keyed by the SHA-256 of the access key
 * id and the secret, never by the secret itself.
 *
 * @example
 * ```ts
 * const privateKey = await v4aPrivateKey(nodeEcdsa, nodeBackend, 'AKIDEXAMPLE', secret);
 * const publicKey = await v4aPublicKey(nodeEcdsa, nodeBackend, 'AKIDEXAMPLE', secret); // { x, y }
 * ```
 * @module
 */
import type { EcdsaBackend, V4aPublicKey } from './ecdsa.js';
import type { HashBackend } from './hash.js';
import { deriveV4aPrivateKey } from './v4a-key.js';

/** How many key pairs (and, apart, imported public keys) the caches keep. */
export const V4A_KEY_CACHE_SIZE = 256;

interface Entry {
  readonly ecdsa: EcdsaBackend;
  privateKey?: Promise<object>;
  publicKey?: Promise<V4aPublicKey>;
  verifyingKey?: Promise<object>;
}

// Insertion-ordered: the first entry is the oldest (FIFO).
const pairs = new Map<string, Entry>();
const imported = new Map<string, Entry>();

/** The entry for `id` in `cache`, made (and the oldest evicted) when missing or from another backend. */
function entry(cache: Map<string, Entry>, id: string, ecdsa: EcdsaBackend): Entry {
  let found = cache.get(id);
  if (found?.ecdsa !== ecdsa) {
    found = { ecdsa };
    cache.delete(id);
    if (cache.size >= V4A_KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, found);
  }
  return found;
}

/** Keeps a promise's result; a rejected one is forgotten, so that the next call tries again. */
function remember<T>(cache: Map<string, Entry>, id: string, promise: Promise<T>): Promise<T> {
  promise.catch(() => cache.delete(id));
  return promise;
}

/** The cache key of a credential pair: a digest, with the id's length so the two fields cannot run together. */
const pairId = (hash: HashBackend, accessKeyId: string, secretAccessKey: string) =>
  hash.sha256Hex(accessKeyId.length + ':' + accessKeyId + secretAccessKey);

/** The platform's signing key for these credentials. Rejects with `ECDSA_UNAVAILABLE` where the platform cannot import it. */
export function v4aPrivateKey(
  ecdsa: EcdsaBackend,
  hash: HashBackend,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<object> {
  const id = pairId(hash, accessKeyId, secretAccessKey);
  const found = entry(pairs, id, ecdsa);
  return (found.privateKey ??= remember(
    pairs,
    id,
    (async () => ecdsa.importPrivateKey(deriveV4aPrivateKey(accessKeyId, secretAccessKey)))(),
  ));
}

/** The public key (coordinates) of these credentials: what a server needs to verify their SigV4a signatures. */
export function v4aPublicKey(
  ecdsa: EcdsaBackend,
  hash: HashBackend,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<V4aPublicKey> {
  const id = pairId(hash, accessKeyId, secretAccessKey);
  const found = entry(pairs, id, ecdsa);
  return (found.publicKey ??= remember(
    pairs,
    id,
    (async () => ecdsa.publicKeyOf(deriveV4aPrivateKey(accessKeyId, secretAccessKey)))(),
  ));
}

/** The platform's verifying key for these credentials. */
export function v4aVerifyingKey(
  ecdsa: EcdsaBackend,
  hash: HashBackend,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<object> {
  const id = pairId(hash, accessKeyId, secretAccessKey);
  const found = entry(pairs, id, ecdsa);
  return (found.verifyingKey ??= remember(
    pairs,
    id,
    v4aPublicKey(ecdsa, hash, accessKeyId, secretAccessKey).then((point) => ecdsa.importPublicKey(point)),
  ));
}

/** The platform's verifying key for a public key given as coordinates (checked as 64 lower-case hex digits each by the caller). */
export function importedPublicKey(ecdsa: EcdsaBackend, point: V4aPublicKey): Promise<object> {
  const id = point.x + point.y;
  const found = entry(imported, id, ecdsa);
  return (found.verifyingKey ??= remember(imported, id, (async () => ecdsa.importPublicKey(point))()));
}
