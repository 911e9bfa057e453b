/**
 * The caches, all bounded. {@link Memo}, "remember the last call", is the one helper behind every
 * single-entry cache (presign's context, the verifier's query, headers and key);
 * {@link BoundedCache} keeps the last N derived keys (signing keys, SigV4a key pairs).
 *
 * A server signs or verifies request after request with the same credentials, scope and date, so
 * the work that depends only on those inputs is worth keeping for the next call; one entry is
 * enough, and it bounds memory by construction.
 *
 * **Invariant.** `memo.get(inputs, compute)` returns exactly what `compute(inputs)` would return,
 * provided that
 * 1. `compute` is a pure function of `inputs` (nothing else it reads can change between calls), and
 * 2. every input that can change in place (a `Date`) is passed as a value (its time), not only by
 *    reference, and
 * 3. the remembered value is never mutated: it is frozen, or never handed to a caller.
 *
 * Inputs are compared with `===` element by element. A `compute` that throws leaves nothing
 * remembered. {@link forgetAll} empties every memo, which is how the tests get a cold call.
 *
 * @example
 * ```ts
 * const scopes = new Memo<[string, string], string>();
 * scopes.get(['us-east-1', 's3'], ([region, service]) => `${region}/${service}`); // computed
 * scopes.get(['us-east-1', 's3'], ([region, service]) => `${region}/${service}`); // remembered
 * ```
 * @module
 */

const everyMemo = new Set<{ forget(): void }>();

/** A single-entry cache: the value of the last call, kept while the inputs stay the same. */
export class Memo<Inputs extends readonly unknown[], Value> {
  #inputs: Inputs | undefined;
  #value: Value | undefined;

  constructor() {
    everyMemo.add(this);
  }

  /** The remembered value when `inputs` equal the last call's, else `compute(inputs)`, then remembered. */
  get(inputs: Inputs, compute: (inputs: Inputs) => Value): Value {
    const last = this.#inputs;
    let same = last !== undefined && last.length === inputs.length;
    for (let i = 0; same && i < inputs.length; i++) same = inputs[i] === last![i];
    if (same) return this.#value as Value;
    this.#inputs = undefined; // a compute that throws leaves nothing behind
    const value = compute(inputs);
    this.#inputs = inputs;
    this.#value = value;
    return value;
  }

  /**
   * {@link Memo.get} for one to three inputs, without building an array on a hit: the verifier's
   * memos run on every request. The inputs are compared as `get` compares `[a, b, c]`.
   */
  getOf(compute: () => Value, a: unknown, b?: unknown, c?: unknown): Value {
    const last = this.#inputs;
    if (last !== undefined && last.length === 3 && last[0] === a && last[1] === b && last[2] === c) {
      return this.#value as Value;
    }
    return this.get([a, b, c] as unknown as Inputs, compute);
  }

  /** Drops the remembered value. */
  forget(): void {
    this.#inputs = undefined;
    this.#value = undefined;
  }
}

/**
 * A first-in, first-out cache of at most `maxEntries` values, for values that are costly to derive
 * and shared by many calls (signing keys). Its keys must be bounded in length by construction
 * (validated names and digests, never a raw secret), so its memory is bounded in bytes too.
 *
 * @example
 * ```ts
 * const keys = new BoundedCache<Uint8Array>(256);
 * keys.remember(`${date}/${region}/${service}/${secretDigest}`, () => deriveSigningKey(...));
 * ```
 */
export class BoundedCache<Value> extends Map<string, Value> {
  constructor(readonly maxEntries: number) {
    super();
    everyMemo.add(this);
  }

  /** The cached value of `key`, or `compute()`, then cached (evicting the oldest entry when full). */
  remember(key: string, compute: () => Value): Value {
    let value = this.get(key);
    if (value === undefined) {
      value = compute();
      // A Map iterates in insertion order: its first key is the oldest (FIFO).
      if (this.size >= this.maxEntries) this.delete(this.keys().next().value!);
      this.set(key, value);
    }
    return value;
  }

  /** Drops every value. */
  forget(): void {
    this.clear();
  }
}

/**
 * Empties every memo and cache in the process, so that the next call of each is a cold one (tests compare
 * warm and cold answers with it).
 *
 * @example
 * ```ts
 * forgetAll();
 * ```
 */
export function forgetAll(): void {
  for (const memo of everyMemo) memo.forget();
}
