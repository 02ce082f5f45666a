import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Each file starts its own pipeline of Lambda workers: one file at a time on 2 cores.
    fileParallelism: false,
  },
});
