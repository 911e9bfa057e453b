// @ts-check
/**
 * What both vector generators do with the file they build: write it, or with `--check` only say
 * whether the committed one is what they would write (exit 1 if not).
 *
 *   if (writeOrCheck(OUT, text, 'node scripts/generate-vectors.mjs')) console.log(`wrote ${OUT}`);
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @param {string} out the file
 * @param {string} text what the generator builds
 * @param {string} command how to regenerate it, for the message
 * @returns {boolean} true when it wrote the file (no `--check`)
 */
export function writeOrCheck(out, text, command) {
  if (!process.argv.includes('--check')) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    return true;
  }
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // missing: reported below
  }
  if (current !== text) {
    console.error(`${out} is not what the generator writes: run ${command}`);
    process.exit(1);
  }
  console.log(`${out} is up to date`);
  return false;
}
