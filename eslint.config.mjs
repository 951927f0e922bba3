// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const DEEP_LIB_IMPORT = {
  group: ['@velvet/*/src', '@velvet/*/src/**'],
  message: 'import a lib through its index (@velvet/<lib>): its index is its public API',
};
const RELATIVE_LIB_IMPORT = {
  group: ['**/libs/**', '../libs', '../../libs'],
  message:
    'import a lib as @velvet/<lib> (or @velvet/<lib>/browser in the web portal), never by a relative path',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/web/dist/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      // Config is read in one place per app (its env schema), never ad hoc.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the app env schema (libs/config parseEnv).',
        },
      ],
    },
  },
  {
    // A lib is used only through its index (its curated public API): never a file inside another lib.
    files: ['apps/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    ignores: ['apps/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [DEEP_LIB_IMPORT, RELATIVE_LIB_IMPORT] }],
    },
  },
  {
    // Domain libraries never reach into apps or test code, nor into another lib's files.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/**', '../../apps/*', '**/test/**'],
              message: 'libs must not import apps or tests',
            },
            DEEP_LIB_IMPORT,
            {
              group: ['../../*/src/**', '../../../*/src/**', '../../../../*/src/**'],
              message: 'import another lib through its index (@velvet/<lib>)',
            },
          ],
        },
      ],
    },
  },
  {
    // The browser gets only the libs' browser-safe entry points (libs/<lib>/src/browser.ts).
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@velvet/(?![a-z-]+/browser$)',
              message: 'the web portal imports a lib only through @velvet/<lib>/browser',
            },
            RELATIVE_LIB_IMPORT,
          ],
        },
      ],
    },
  },
  {
    // Where process.env is legitimately read: env parsing, scripts and tests.
    files: ['libs/config/**', 'scripts/**', 'test/**', 'libs/testing/**', '**/*.spec.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
