// ESLint: the layer boundaries of docs/architecture.md (scripts/eslint/layers.mjs) plus a small set of
// recommended rules that flag real bugs; formatting is Prettier's job (npm run format:check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layers from './scripts/eslint/layers.mjs';
import house from './scripts/eslint/conventions.mjs';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-artifacts/**',
      'bench/results/**',
      'resources/**',
      '.stryker-tmp/**',
      'reports/**',
      'tmp/**',
      '.venv*/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,mjs,js,cjs}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    plugins: { layers },
    rules: {
      'layers/boundaries': 'error',
      // unused names are dead code or a forgotten use; a leading _ says "deliberately unused"
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // style or taste rather than bugs: left to review
      '@typescript-eslint/no-explicit-any': 'off',
      'no-useless-assignment': 'off',
      'preserve-caught-error': 'off',
      'no-control-regex': 'off', // src/main/cli/text.ts and the importers match control characters on purpose
    },
  },
  {
    // house conventions (issue 17): a header comment on every source file; files past ~400 lines are a
    // warning (split them unless there is a reason)
    files: ['src/**/*.{ts,tsx}', 'scripts/**/*.{mjs,ts}', 'bench/**/*.{mjs,ts}'],
    plugins: { house },
    rules: {
      'house/file-header': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // store owns SQL (docs/architecture.md): a prepared statement anywhere else in the main process is a
    // layer leak; add a function to src/main/core/store/ and call it
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/core/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare']",
          message: 'SQL belongs in src/main/core/store/: call a store function instead of preparing a statement here',
        },
      ],
    },
  },
  {
    files: ['**/*.{js,cjs}'], // bin/emotion-studio.js: CommonJS (package.json has no "type")
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['bench/ui-scroll-bench.mjs'], // page.evaluate callbacks run in Chromium
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
