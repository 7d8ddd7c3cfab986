// StrykerJS mutation testing (`npm run mutate`; not part of CI: a full run takes hours on 2 cores).
// Mutates the pure layers the unit tests cover: features/, classify/, store/ and jobs/shard.ts, and
// runs only the in-process unit tests (vitest.mutate.config.mts): the integration tests spawn the
// built out/ bundle, which a mutant in src/ never reaches. Narrow a run with
//   npm run mutate -- --mutate src/main/core/classify/metrics.ts
// Scores per folder are recorded in docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.mts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/main/core/features/**/*.ts',
    'src/main/core/classify/**/*.ts',
    'src/main/core/store/**/*.ts',
    'src/main/core/jobs/shard.ts',
  ],
  // what the sandbox needs: sources, tests with their fixtures, configs, the built out/node (a unit test
  // starts the training worker from it; node_modules is linked)
  ignorePatterns: ['out/*', '!out/node', 'dist', 'test-artifacts', 'bench/results', '.venv-pyref', 'reports'],
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
