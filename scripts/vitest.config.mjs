import { defineConfig } from 'vitest/config';

// Real child processes (and, for start.int.test.mjs, a real Wharf): generous timeouts, one file at a time.
export default defineConfig({
  test: {
    include: ['**/*.test.mjs'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
