import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Building both layers from cold (download, extract, zip) takes ~30 s on 2 cores.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The suites share layer-build/dist; one file at a time keeps the 2-core machine usable.
    fileParallelism: false,
  },
});
