// Type-aware lint for the rules that catch real bugs, plus the dependency direction of DESIGN.md:
// api/cli → services → domain; store implements what services need; the domain imports nothing
// with I/O. Prettier owns formatting.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const restrict = (patterns) => ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'docs/**', 'web/dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The web console: the same bug-catching rules, the rules of hooks, and no server code.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': restrict([[['**/src/**', '../../src/*', '../../../src/*'], 'the console talks to the server only through the public API (web/src/api/client.ts)']]),
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [['**/store/**', '**/services/**', '**/api/**', '**/cli/**', '**/reference/**', '**/demo/**'], 'the domain is pure: it imports no outer layer'],
        [['kysely', 'fastify', 'pg', 'better-sqlite3', 'node:fs', 'node:fs/*', 'fs'], 'the domain does no I/O'],
      ]),
    },
  },
  {
    files: ['src/services/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [['**/api/**', '**/cli/**'], 'services never depend on their callers'],
        [['kysely', 'fastify', 'pg', 'better-sqlite3'], 'Kysely and drivers stay inside src/store; HTTP stays in src/api'],
      ]),
    },
  },
  {
    files: ['src/feed/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [['**/api/**', '**/cli/**'], 'the feed never depends on its callers'],
        [['kysely', 'fastify', 'pg', 'better-sqlite3'], 'Kysely and drivers stay inside src/store; HTTP routes stay in src/api'],
      ]),
    },
  },
  {
    files: ['src/apps/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [['**/api/**', '**/cli/**'], 'applications never depend on their callers'],
        [['kysely', 'fastify', 'pg', 'better-sqlite3'], 'Kysely and drivers stay inside src/store; HTTP routes stay in src/api'],
      ]),
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([[['**/services/**', '**/api/**', '**/cli/**'], 'the store knows nothing of its callers']]) },
  },
);
