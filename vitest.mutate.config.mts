// The tests StrykerJS runs against each mutant (stryker.config.mjs): the in-process unit tests only.
// MUTATE_TESTS (comma-separated globs) narrows them for a run over a few files, e.g.
//   MUTATE_TESTS='test/unit/classify-*.test.ts' npm run mutate -- --mutate src/main/core/classify/metrics.ts
import { defineConfig } from 'vitest/config';

// the sandbox's sources carry the mutants, so out/node never matches them: tests that run the CLI
// (it stays the real build) would refuse it as stale
process.env.ES_TEST_ALLOW_STALE_BUILD = '1';

const only = process.env.MUTATE_TESTS?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length ? only : ['test/unit/**/*.test.ts'],
    // tests that spawn the CLI bundle or load ONNX models would not see a mutant in src/
    exclude: [
      'test/unit/security.test.ts',
      'test/unit/models-*.test.ts',
      'test/unit/text-encoder.test.ts',
      'test/unit/fusion-onnx.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
