/**
 * Debian's Chromium, driven by playwright-core (no `playwright install`: the download cannot work
 * here). Without Chromium the browser tests skip loudly, except under CI, where they fail.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Flags for a quiet headless run that reaches nothing but loopback. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Chromium's binary, or undefined after a loud notice; under CI a missing Chromium throws. */
export function requireChromium(): string | undefined {
  const path = findChromium();
  if (path !== undefined) return path;
  const message = 'Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)';
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! SKIPPING browser tests: ${message}\n`);
  return undefined;
}

/** Launches headless Chromium; `browser.close()` ends the process playwright started. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: FLAGS, headless: true });
}
