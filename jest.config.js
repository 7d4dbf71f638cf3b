// Two projects: `unit` needs nothing but Node; `db` (integration + end-to-end) gets a real
// Postgres from test/global-setup.ts (TEST_DATABASE_URL, else an embedded server it starts).
// ts-jest in transpile-only mode (tsconfig has isolatedModules); `npm run typecheck` checks types.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/(merkle|signing|platform|schema|devkit)$': '<rootDir>/libs/$1/src',
    '^@app/(merkle|signing|platform|schema|devkit)/(.*)$': '<rootDir>/libs/$1/src/$2',
    // The test helpers (test/support), never part of the build.
    '^@app/migrations$': '<rootDir>/migrations',
    '^@app/testing/(.*)$': '<rootDir>/test/support/$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/data/'],
  // Not in the OS temp dir: tools/test/jest.js gives each run a temp dir that must end empty.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};

module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts', '<rootDir>/tools/**/*.spec.js'],
    },
    {
      ...common,
      displayName: 'db',
      testMatch: [
        '<rootDir>/{apps,libs,migrations}/**/*.int-spec.ts',
        '<rootDir>/test/**/*.e2e-spec.ts',
      ],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
