import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  worker: { format: 'es' },
  // The build's relay origins (SLICE_RELAY_ORIGINS), for the engine's check in the worker.
  define: {
    'import.meta.env.VITE_SLICE_RELAY_ORIGINS': JSON.stringify(
      process.env.SLICE_RELAY_ORIGINS ?? ''
    )
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
});
