import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// The pure core must run in Node, the worker and the page alike: no framework, storage or DOM.
const coreRestrictions = {
  patterns: [
    { group: ['svelte', 'svelte/*'], message: 'src/lib/core is framework-free.' },
    { group: ['$app/*', '@sveltejs/*'], message: 'src/lib/core is framework-free.' },
    { group: ['dexie', 'dexie/*'], message: 'src/lib/core does not touch storage.' },
    { group: ['comlink'], message: 'src/lib/core does not know about workers.' },
    { group: ['chart.js', 'chart.js/*'], message: 'src/lib/core does not draw.' },
    {
      group: [
        '$lib/db/*',
        '$lib/engine/*',
        '$lib/ui/*',
        '$lib/state/*',
        '../../db/*',
        '../../engine/*',
        '../../ui/*',
        '../../state/*'
      ],
      message: 'src/lib/core depends on nothing outside the core.'
    },
    {
      // The command line runs the core through tsx, without Vite's $lib alias.
      group: ['$lib', '$lib/*'],
      message: 'src/lib/core imports itself by relative paths.'
    }
  ]
};

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'svelte/no-at-html-tags': 'error'
    }
  },
  {
    files: ['src/lib/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', coreRestrictions],
      // DOM globals are not available to the core: it runs in Node too.
      'no-restricted-globals': [
        'error',
        'document',
        'window',
        'navigator',
        'localStorage',
        'indexedDB',
        'HTMLElement'
      ]
    }
  },
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'tests/bench/data/',
      '.relay-data/',
      'outbox/'
    ]
  }
);
