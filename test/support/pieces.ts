/** Test helper: a message cut into pieces, as a body arrives in chunks. */

/** `message` cut at the given places (each taken modulo its length + 1; sorted, repeats dropped). */
export function pieces(message: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (message.length + 1)))].sort((a, b) => a - b);
  return [...at, message.length].map((end, i) => message.subarray(i === 0 ? 0 : at[i - 1], end));
}
