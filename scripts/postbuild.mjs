// Makes the built CLI executable: tsc emits dist/cli/bin.js without the execute bit (and a
// compiler may drop the shebang), so `npx sigv4-presign` would fail without this step.
// Usage: node scripts/postbuild.mjs [OUTDIR]   (default: dist next to this script's folder)
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHEBANG = '#!/usr/bin/env node\n';
const outDir = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
const bin = join(outDir, 'cli', 'bin.js');

const code = readFileSync(bin, 'utf8');
if (!code.startsWith('#!')) writeFileSync(bin, SHEBANG + code);
chmodSync(bin, 0o755);
