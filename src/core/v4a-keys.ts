/**
 * SigV4a key pairs, derived once per credentials and kept: a derivation costs HMACs, and a key
 * import costs many signatures (bench/PROFILE.md has the numbers).
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
import { BoundedCache } from './memo.js';
import { deriveV4aPrivateKey } from './v4a-key.js';

/** How many key pairs (and, apart, imported public keys) the caches keep. */
export const V4A_KEY_CACHE_SIZE = 256;

interface Entry {
  /** The backend that made the keys below; another backend starts the entry afresh. */
  ecdsa: EcdsaBackend;
  privateKey?: Promise<object> | undefined;
  publicKey?: Promise<V4aPublicKey> | undefined;
  verifyingKey?: Promise<object> | undefined;
}

const pairs = new BoundedCache<Entry>(V4A_KEY_CACHE_SIZE);
const imported = new BoundedCache<Entry>(V4A_KEY_CACHE_SIZE);

/** The entry for `id` in `cache`, emptied if its keys came from another backend. */
function entry(cache: BoundedCache<Entry>, id: string, ecdsa: EcdsaBackend): Entry {
  const found = cache.remember(id, () => ({ ecdsa }));
  if (found.ecdsa !== ecdsa) {
    found.ecdsa = ecdsa;
    found.privateKey = found.publicKey = found.verifyingKey = undefined;
  }
  return found;
}

/** Keeps a key's promise in the entry; a rejected one is dropped, so that the next call tries again. */
function remember<T>(
  found: Entry,
  field: 'privateKey' | 'publicKey' | 'verifyingKey',
  make: () => Promise<T>,
): Promise<T> {
  const kept = found[field] as Promise<T> | undefined;
  if (kept !== undefined) return kept;
  const promise = make();
  (found[field] as Promise<T>) = promise;
  promise.catch(() => {
    if (found[field] === (promise as unknown)) found[field] = undefined;
  });
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
  return remember(entry(pairs, pairId(hash, accessKeyId, secretAccessKey), ecdsa), 'privateKey', async () =>
    ecdsa.importPrivateKey(deriveV4aPrivateKey(accessKeyId, secretAccessKey)),
  );
}

/** The public key (coordinates) of these credentials: what a server needs to verify their SigV4a signatures. */
export function v4aPublicKey(
  ecdsa: EcdsaBackend,
  hash: HashBackend,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<V4aPublicKey> {
  return remember(entry(pairs, pairId(hash, accessKeyId, secretAccessKey), ecdsa), 'publicKey', async () =>
    ecdsa.publicKeyOf(deriveV4aPrivateKey(accessKeyId, secretAccessKey)),
  );
}

/** The platform's verifying key for these credentials. */
export function v4aVerifyingKey(
  ecdsa: EcdsaBackend,
  hash: HashBackend,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<object> {
  return remember(entry(pairs, pairId(hash, accessKeyId, secretAccessKey), ecdsa), 'verifyingKey', async () =>
    ecdsa.importPublicKey(await v4aPublicKey(ecdsa, hash, accessKeyId, secretAccessKey)),
  );
}

/** The platform's verifying key for a public key given as coordinates (checked as 64 lower-case hex digits each by the caller). */
export function importedPublicKey(ecdsa: EcdsaBackend, point: V4aPublicKey): Promise<object> {
  return remember(entry(imported, point.x + point.y, ecdsa), 'verifyingKey', async () => ecdsa.importPublicKey(point));
}
