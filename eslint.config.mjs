// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/web/dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // Config is read in one place per app (its env schema), never ad hoc.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through the app env schema (libs/config parseEnv).' }],
    },
  },
  {
    // Domain libraries never reach into apps or test code.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**', '../../apps/*', '**/test/**'], message: 'libs must not import apps or tests' }] },
      ],
    },
  },
  {
    // Where process.env is legitimately read: env parsing, scripts and tests.
    files: ['libs/config/**', 'scripts/**', 'test/**', 'libs/testing/**', '**/*.spec.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
