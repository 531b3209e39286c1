import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Files that measure time, memory or fault recovery run alone, after the rest: a second file
// competing for the 2 cores would change what they measure. Everything else runs two files
// at a time (each file has its own database, Redis prefix, ports, sshd and PM2_HOME).
const ALONE = [
  'test/artifacts-memory.int.test.ts',
  'test/database-unavailable.int.test.ts',
  'test/live-revocation.int.test.ts',
  'test/password-live-revocation.int.test.ts',
  'test/restarts.int.test.ts',
  'test/rolling-restart.int.test.ts',
  'test/transaction-cut.int.test.ts',
  'test/webhooks-restarts.int.test.ts',
  'test/worker-crash.int.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  globalSetup: ['test/global-setup.ts'],
  pool: 'forks' as const,
};

// SWC emits decorator metadata, which Nest's dependency injection needs (esbuild does not).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    projects: [
      {
        plugins: [swc.vite({ module: { type: 'es6' } })],
        test: {
          ...shared,
          name: 'two-at-a-time',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        plugins: [swc.vite({ module: { type: 'es6' } })],
        test: {
          ...shared,
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
