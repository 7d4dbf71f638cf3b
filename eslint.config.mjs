// Lint: typescript-eslint type-checked rules, plus the project's import boundaries
// (../shared/CONVENTIONS.md): pure libs never import Nest or TypeORM; apps never import each other;
// development and test tools (libs/devkit, test/) stay out of the servers and the production libs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const apps = ['ca', 'transparency-log', 'cli', 'stack'];
// Test code: may use the test helpers (@app/testing) and is never part of the build.
const testFiles = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/testing.ts',
  '**/testing/**',
  'test/**',
];
const frameworkImports = [
  {
    group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'express'],
    message: 'Pure libs stay free of Nest, TypeORM and the database.',
  },
];
// By alias (`apps/x/...`) or by a relative path that climbs into another app (`../../../x/src/...`).
const appImports = (self) =>
  apps
    .filter((a) => a !== self)
    .map((a) => ({
      group: [`**/apps/${a}/**`, `apps/${a}/**`, `**/${a}/src`, `**/${a}/src/**`],
      message: 'Apps never import each other: talk over HTTP, or share code through a lib.',
    }));
const anyApp = [
  {
    group: ['**/apps/**', 'apps/**'],
    message: 'The schema and its migrations sit below the apps: they never import app code.',
  },
];
const libsByPath = [
  {
    group: ['**/libs/*/src', '**/libs/*/src/**'],
    message: 'Import libs through their @app/<lib> alias.',
  },
];
const testByPath = [
  {
    group: ['**/test/**', '**/test'],
    message: 'Import the test helpers through @app/testing/<helper>, never test/ by path.',
  },
];
const devkit = [
  {
    group: ['@app/devkit', '@app/devkit/*'],
    message:
      'libs/devkit is NOT FOR PRODUCTION (token-minting OIDC issuer, embedded Postgres, process ' +
      'spawners): the servers and production libs never import it; tests reach it through @app/testing.',
  },
];
// SQL lives in repositories (and the schema library, the platform's database code, migrations and
// tools): services and controllers receive repositories, never a DataSource.
const typeormOnly = [
  {
    group: ['typeorm', 'typeorm/*'],
    message:
      'TypeORM belongs in *.repository.ts, *.entity.ts/*.entities.ts, *.module.ts, libs/schema and ' +
      "libs/platform's database code: inject a repository.",
  },
];
const typeormAllowed = [
  '**/*.repository.ts',
  '**/*.entity.ts',
  '**/*.entities.ts',
  '**/*.module.ts',
  'libs/platform/**',
  'libs/schema/**',
  'migrations/**',
  'tools/**',
  'bench/**',
  // npm start: migrates the database before it spawns the servers.
  'apps/stack/**',
];
const testHelpers = [
  {
    group: ['@app/testing', '@app/testing/*'],
    message: 'The test helpers are for tests: they are not built.',
  },
];
// The log: a core that knows no HTTP API and no personality; personalities that build on the
// core and never on each other. The composition root (app.module.ts, log-keys.ts) and http/
// (the error filter, parameters) sit above both.
const logSrc = 'apps/transparency-log/src';
const personalities = ['rekor-v1', 'tiles', 'ct'];
const logCore = [
  {
    group: [
      '**/personalities',
      '**/personalities/**',
      '**/log-keys',
      '**/app.module',
      '**/http/**',
    ],
    message:
      "The log's core knows no HTTP API and no personality: personalities register with it " +
      '(their signings through log-keys.ts), never the other way round.',
  },
];
const otherPersonalities = (self) => [
  {
    group: personalities
      .filter((p) => p !== self)
      .flatMap((p) => [`../${p}`, `../${p}/**`, `**/personalities/${p}/**`]),
    message:
      'A personality builds on the core only, never on another personality: move what both need into core/.',
  },
];
const restrict = (...patterns) => ['error', { patterns: patterns.flat() }];

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
  // One no-restricted-imports entry per area (a later entry for the same file would replace,
  // not extend, an earlier one).
  {
    files: ['libs/merkle/**/*.ts', 'libs/signing/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(frameworkImports, libsByPath, testByPath, devkit),
    },
  },
  {
    files: ['libs/platform/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(libsByPath, testByPath, devkit) },
  },
  {
    files: ['libs/devkit/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(libsByPath, testByPath) },
  },
  ...apps.map((a) => ({
    files: [`apps/${a}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrict(
        appImports(a),
        libsByPath,
        testByPath,
        a === 'ca' || a === 'transparency-log' ? devkit : [],
      ),
    },
  })),
  {
    files: [`${logSrc}/core/**/*.ts`],
    rules: {
      'no-restricted-imports': restrict(
        appImports('transparency-log'),
        libsByPath,
        testByPath,
        devkit,
        logCore,
      ),
    },
  },
  ...personalities.map((p) => ({
    files: [`${logSrc}/personalities/${p}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrict(
        appImports('transparency-log'),
        libsByPath,
        testByPath,
        devkit,
        otherPersonalities(p),
      ),
    },
  })),
  {
    files: ['libs/schema/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(anyApp, libsByPath, testByPath, devkit) },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(anyApp, libsByPath, testByPath, devkit) },
  },
  // A second import rule (the typescript-eslint twin, so that it adds to the areas' rule above):
  // production code never imports the test helpers, and controllers never import repositories.
  {
    files: ['**/*.ts'],
    ignores: [...testFiles, ...typeormAllowed],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(testHelpers, typeormOnly) },
  },
  {
    files: typeormAllowed,
    ignores: testFiles,
    rules: { '@typescript-eslint/no-restricted-imports': restrict(testHelpers) },
  },
  {
    files: ['**/*.controller.ts'],
    // The platform's health check is its database code (SELECT 1).
    ignores: [...testFiles, 'libs/platform/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(testHelpers, typeormOnly, [
        {
          group: ['**/*.repository'],
          message: 'Controllers only delegate: inject a service, not a repository.',
        },
      ]),
    },
  },
  {
    // Configuration is read once, validated, at boot (libs/platform/src/config, the apps' config/).
    files: ['**/*.ts'],
    ignores: [
      ...testFiles,
      '**/config/**',
      // The CLI's single entry point for its environment: commands get it through CliContext.
      'apps/cli/src/cli/context.ts',
      // npm start: hands its own environment (plus DATABASE_URL) to the CA and log it spawns.
      'apps/stack/src/main.ts',
      // Development tools (demo, process spawners, bench, tools/) pass PATH and HOME to children.
      'apps/cli/src/demo/**',
      'libs/devkit/**',
      'bench/**',
      'tools/**',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the validated config (libs/platform/src/config).',
        },
      ],
    },
  },
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
