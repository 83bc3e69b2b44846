import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto'];

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'bench/tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  {
    files: ['**/*.test.ts', 'tests/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // Layers: the renderer has no Node and no Electron; only the thin entries touch Electron.
  {
    files: [
      'renderer/**',
      'tests/browser/**',
      'tests/e2e/harness/harnessPreload.ts',
      'preload/webSocketIpcRenderer.ts',
    ],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', ...nodeBuiltins],
              message: 'The renderer runs in a sandboxed page: no Node, no Electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**', 'preload/**'],
    ignores: ['main/index.ts', 'main/electronAdapters.ts', 'preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron'],
              message:
                'Only the thin Electron layer (main/index.ts, main/electronAdapters.ts, preload/index.ts) imports Electron; inject what you need.',
            },
            { group: ['**/renderer/**'], message: 'main and preload do not import the renderer.' },
          ],
        },
      ],
    },
  },
);
