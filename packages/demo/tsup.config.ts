import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/demo.ts'],
  format: ['esm'],
  target: 'node22',
  clean: true,
  sourcemap: true,
});
