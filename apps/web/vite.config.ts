/// <reference types="vitest/config" />
// Vite config for the dashboard. This is the web app's config module: the only place that
// reads the environment (WHARF_API_URL points the dev/preview proxy at a running API).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiUrl = process.env.WHARF_API_URL ?? 'http://127.0.0.1:8080';

const proxy = {
  '/api': { target: apiUrl, changeOrigin: false },
  '/cli': { target: apiUrl, changeOrigin: false },
  '/socket.io': { target: apiUrl, ws: true, changeOrigin: false },
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache across upgrades.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Route-level tests render the whole app in jsdom; on a busy 2-core CI box 5 s is tight.
    testTimeout: 20_000,
  },
});
