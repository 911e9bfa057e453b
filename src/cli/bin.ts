#!/usr/bin/env node
/**
 * The `sigv4-presign` executable: runs {@link runCli} on the process's arguments.
 *
 * @example
 * ```sh
 * sigv4-presign s3://examplebucket/photos/cat.png --expires-in 3600
 * ```
 * @module
 */
import { homedir } from 'node:os';
import { runCli } from './cli.js';

// A reader that stops early (`| head -1`) closes the pipe: stop quietly, as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  homedir: homedir(),
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
