import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SDK = '/^@(actions|octokit)\\u002F/';
const CI_VARIABLE = '/^(GITHUB|GITLAB|CI|RUNNER)_|^CI$/';
const CI_SDK = 'Only shared/platform/ imports @actions/* or @octokit/*: go through the Platform adapter or platform/github-api.ts.';
const CI_ENV = 'CI variables (GITHUB_*, GITLAB_*, CI_*, RUNNER_*, CI) are read only in shared/platform/: take them from the run info (platform/run-info.ts).';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', '.modelci/', 'coverage/', '**/.modelci/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The layer rule (docs/development.md): only shared/platform/ knows which CI it runs in.
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/platform/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@actions/*', '@octokit/*'], message: CI_SDK }] }],
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=${SDK}]`, message: CI_SDK },
        { selector: `MemberExpression[computed=false][property.name=${CI_VARIABLE}]`, message: CI_ENV },
        { selector: `MemberExpression[computed=true][property.value=${CI_VARIABLE}]`, message: CI_ENV },
        { selector: `ObjectPattern > Property[key.name=${CI_VARIABLE}]`, message: CI_ENV },
      ],
    },
  },
);
