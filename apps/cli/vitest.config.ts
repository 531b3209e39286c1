import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The integration tests spawn the bundled CLI and stream files of tens of MB.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
