// Lint: typescript-eslint type-checked rules, plus the project's import boundaries
// (../shared/CONVENTIONS.md): pure libs never import Nest or TypeORM; apps never import each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const apps = ['ca', 'transparency-log', 'cli', 'stack'];
const frameworkImports = [
  {
    group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'express'],
    message: 'Pure libs stay free of Nest, TypeORM and the database.',
  },
];
const appImports = (self) =>
  apps
    .filter((a) => a !== self)
    .map((a) => ({
      group: [`**/apps/${a}/**`, `apps/${a}/**`],
      message: 'Apps never import each other: talk over HTTP.',
    }));
const libsByPath = [
  {
    group: ['**/libs/*/src', '**/libs/*/src/**'],
    message: 'Import libs through their @app/<lib> alias.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'bench/results/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Nest injects by the runtime class named in constructor parameters; a type-only import would erase it.
    files: [
      'apps/ca/**/*.ts',
      'apps/transparency-log/**/*.ts',
      'libs/platform/**/*.ts',
      'test/**/*.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['libs/merkle/**/*.ts', 'libs/signing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...frameworkImports, ...libsByPath] }],
    },
  },
  ...apps.map((a) => ({
    files: [`apps/${a}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...appImports(a), ...libsByPath] }] },
  })),
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
