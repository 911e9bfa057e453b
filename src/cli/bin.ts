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

process.exitCode = runCli(process.argv.slice(2), {
  env: process.env,
  homedir: homedir(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
