// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.ci/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The engine is pure: no platform, storage, i18n or I/O modules.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'telegraf*',
            'discord.js',
            'ioredis',
            'mongoose',
            'i18next',
            'node:fs*',
            'node:net',
            'node:http*',
            '**/store/**',
            '**/channels/**',
            '**/conversation/**',
          ],
        },
      ],
    },
  },
);
