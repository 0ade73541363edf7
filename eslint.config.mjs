// ESLint: the recommended rules of ESLint and typescript-eslint over the TypeScript sources and the scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist.next-*/**', '**/dist.old-*/**', 'node_modules/**', '.tools/**', 'packages/smoke/src/standins/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // answers and imported files are checked for control characters on purpose
      'no-control-regex': 'off',
      // `_name` marks what a destructuring leaves out; a rest sibling omits keys from a copy
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
