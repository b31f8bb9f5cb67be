import { defineConfig } from 'vitest/config';

// The Ray train backend's tests: one Ray head and one S3 server for all of them (test/ray/cluster.ts),
// inside the network namespace scripts/test.mjs makes (`npm test` runs it after the main suite;
// `npm test -- test/ray` runs only it).
export default defineConfig({
  test: {
    include: ['test/ray/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 360_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/ray/cluster.ts'],
  },
});
