import { defineConfig } from 'vitest/config';

/**
 * Three projects, one per kind of proof:
 * - `unit`: each module of src/ on its own, plus the gateway on loopback; no external tool, seconds;
 * - `vectors`: the oracle suites (AWS's vectors, aws-crt, botocore);
 * - `interop`: runtimes, real S3 servers, the browser, packing and installing.
 * `npm test` runs all three; `npm run test:unit` only the first.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'vectors', include: ['test/vectors/**/*.test.ts'] } },
      { extends: true, test: { name: 'interop', include: ['test/interop/**/*.test.ts'] } },
    ],
  },
});
