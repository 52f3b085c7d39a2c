// Lint: typescript-eslint with type information for the TypeScript, plus the DOM-sink rule Mozilla's
// add-on linter uses (no-unsanitized), so no page-controlled text can reach innerHTML and friends.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nounsanitized from 'eslint-plugin-no-unsanitized';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/**'] },
  js.configs.recommended,
  nounsanitized.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Tests and the DevTools glue talk to untyped browser objects through `unknown` casts on purpose.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Prettier wraps code at 120 columns; this catches the strings and comments it cannot wrap.
    files: ['src/**/*.ts'],
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: false }] },
  },
  {
    // Tests drive real browsers through puppeteer's evaluate(), whose callbacks reach page globals.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement async browser APIs synchronously, save methods to restore them, reject with non-errors on purpose.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // The simulator's page scripts stand for code on customers' pages: plain browser JavaScript.
    files: ['src/simulator/static/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, Microsoft: 'writable' } },
  },
  {
    // Node scripts: no DOM, so the DOM-sink rules have nothing to guard (they flag `import()` of a local bundle).
    files: ['*.mjs', '*.js', 'bench/**/*.mjs', 'bin/**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-unsanitized/method': 'off' },
  },
);
