import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import importDirection from './eslint-rules/import-direction.js';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.test-tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { momentic: { rules: { 'import-direction': importDirection } } },
    rules: {
      'momentic/import-direction': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'use an `as const` object (STYLE.md)' },
      ],
    },
  },
  {
    files: ['**/*.js', 'scripts/bundle.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
  {
    // The dashboard's plain ES modules run in the browser.
    files: ['src/server/dashboard/assets/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window', 'document', 'location', 'sessionStorage', 'fetch', 'WebSocket', 'URL', 'URLSearchParams', 'Blob',
          'FormData', 'Node', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console',
        ].map((g) => [g, 'readonly']),
      ), // prettier-ignore
    },
  },
);
