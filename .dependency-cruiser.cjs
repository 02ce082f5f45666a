// Architecture rules, checked by `make test` (pnpm run architecture). dependency-cruiser reads
// the real import graph (TypeScript included, type-only imports too).
// https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
const CORE = '^packages/organizer/src/core/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-adapter',
      comment: 'The core decides; adapters (s3/, lambda/, cli/, organize/, settings/) carry decisions out. The core never reaches back into them.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^packages/organizer/src/(s3|lambda|cli|organize|settings)/' },
    },
    {
      name: 'core-imports-no-aws-sdk',
      comment: 'The core is tested without S3: no AWS SDK, not even its types.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '@aws-sdk/' },
    },
    {
      name: 'core-imports-no-driver',
      comment: 'The core names its own types (ExtractedMetadata) instead of importing the exiftool driver or the range reader.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '@photo-organizer/|^packages/(exiftool|s3-range-reader)/' },
    },
    {
      name: 'core-does-no-io',
      comment: 'No files, processes or sockets in the core.',
      severity: 'error',
      from: { path: CORE },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|tls|dns|worker_threads|cluster)$' },
    },
    {
      name: 'adapters-import-no-entry-point',
      comment: 'The S3 adapters, the orchestration and the settings serve the entry points (lambda/handler, cli/); they never import them.',
      severity: 'error',
      from: { path: '^packages/organizer/src/(s3|organize|settings)/' },
      to: { path: '^packages/organizer/src/(cli/|lambda/(handler|events|webhook)\\.ts$)' },
    },
    {
      name: 'no-other-package-src',
      comment: "A package uses another through its package name and exports, never by a relative path into the other's src/.",
      severity: 'error',
      from: { path: '^(packages/[^/]+|bench|layer-build|infra|test-fixtures)/' },
      to: { path: '^(packages/[^/]+|bench|layer-build|infra|test-fixtures)/src/', pathNot: '^$1/src/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve (a typo, or a deep import a package does not export).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    // Workspace packages stay node_modules/@photo-organizer/... paths: reached through their exports.
    preserveSymlinks: true,
    doNotFollow: { path: 'node_modules' },
    // Our own build output and tool caches; node_modules stays in the graph (as leaves) so the
    // rules can see what the core imports from it.
    exclude: { path: '^(\\.tools|\\.demo)/|^(packages/[^/]+|bench|layer-build|infra|test-fixtures)/(dist|results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.d.ts', '.json'],
    },
  },
};
