import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each engine test file loads TensorFlow.js WASM in a worker thread: keep it to the 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    watch: false,
  },
});
