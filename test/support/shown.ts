/** Test helper: everything a value shows when it is printed, logged or serialised, for leak checks. */
import { inspect } from 'node:util';

/**
 * The text of every way `value` can reach a log: `String()`, its stack, `JSON.stringify`, a deep
 * `inspect` with hidden properties, and its own property descriptors.
 *
 *   expect(everythingShown(error)).not.toContain(SECRET);
 */
export function everythingShown(value: unknown): string {
  return [
    String(value),
    value instanceof Error ? (value.stack ?? '') : '',
    JSON.stringify(value) ?? '',
    inspect(value, { showHidden: true, depth: Infinity }),
    value !== null && typeof value === 'object' ? JSON.stringify(Object.getOwnPropertyDescriptors(value)) : '',
  ].join('\n');
}
