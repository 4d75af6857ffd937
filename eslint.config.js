import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import campus from './lint/import-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'web/dist/', '.local/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  // Typed rules: they read the TypeScript program, so they catch what syntax alone cannot
  // (a promise nobody awaits, an async callback where a void one is expected, `any` leaking).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { console: 'readonly', process: 'readonly', performance: 'readonly' },
    },
    plugins: { campus },
    rules: {
      // The project's import directions: lambdas ↛ local/lib/scripts/test, contexts ↛ each other,
      // web → only the API's types, lib → only lambdas' definitions, stage scripts ↛ local/test.
      'campus/import-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Ports are promise-returning interfaces; an implementation with nothing to await is still one.
      '@typescript-eslint/require-await': 'off',
      // Catch clauses hold `unknown`; templates of numbers and booleans are what they read.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Tests read raw JSON (CloudFormation templates, HTTP bodies, database columns) and use
    // vitest's asymmetric matchers, all `any` by their typings: the assertions check their shape.
    // The promise rules still hold there: an assertion nobody awaits passes whatever happens.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Every function is built by one middy stack (lambda-handler.ts): logger, tracer, metrics, errors.
    files: ['lambdas/**/*.ts'],
    ignores: ['lambdas/shared/lambda-handler.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@middy/core', message: 'Build handlers with lambdaHandler (lambdas/shared/lambda-handler.ts).' },
            {
              name: '@aws-lambda-powertools/logger/middleware',
              message: 'lambdaHandler (lambdas/shared/lambda-handler.ts) injects the Lambda context.',
            },
            {
              name: '@aws-lambda-powertools/tracer/middleware',
              message: 'lambdaHandler (lambdas/shared/lambda-handler.ts) traces every handler.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain scripts outside the TypeScript program: syntax rules only.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // A CloudFront Function: plain ES5-style script whose `handler` CloudFront calls.
    files: ['lib/edge/*.js'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    // CommonJS modules that stand in for a dependency inside function bundles.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
