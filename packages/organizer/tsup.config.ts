import { defineConfig } from 'tsup';

export default defineConfig([
  // The library and the CLI, for Node users (dependencies stay external).
  {
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node22',
    dts: { entry: 'src/index.ts' },
    clean: true,
    sourcemap: true,
  },
  // The Lambda bundle: one file with every dependency (the runtime's own SDK copy may differ).
  {
    entry: { index: 'src/lambda/index.ts' },
    outDir: 'dist/lambda',
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node22',
    noExternal: [/.*/],
    splitting: false,
    sourcemap: false,
    minify: false,
    clean: false,
    // Bundled CommonJS dependencies call require(); give ESM one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    onSuccess: 'node scripts/zip-bundle.mjs',
  },
]);
