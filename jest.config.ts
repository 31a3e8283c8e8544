import type { Config } from 'jest';

/**
 * One jest run covers unit, HTTP and integration tests. Integration tests talk to the real
 * Postgres (DATABASE_URL_TEST, default 127.0.0.1:5432) and Redis (REDIS_URL_TEST) that
 * `npm test` makes sure are running, and to PGlite in-process for the embedded path.
 */
const swcOptions = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    baseUrl: process.cwd(),
    paths: {
      '@engram/migrations': ['migrations'],
      '@engram-memory/sdk': ['packages/sdk/src'],
      '@engram/test-support/*': ['test/support/*'],
      '@engram/*': ['libs/*/src'],
    },
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const config: Config = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,bench,examples,libs,migrations,ops,packages,test}/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  // Order matters: the first pattern that matches wins, and '@engram/(.*)' matches everything.
  moduleNameMapper: {
    '^@engram/migrations$': '<rootDir>/migrations',
    '^@engram-memory/sdk$': '<rootDir>/packages/sdk/src',
    '^@engram/test-support/(.*)$': '<rootDir>/test/support/$1',
    '^@engram/(.*)$': '<rootDir>/libs/$1/src',
    // The SDK is ESM-ready source: its relative imports name the .js that its own build emits.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  testTimeout: 60_000,
  // Three on the 2-core CI machine: most suites wait on Postgres, Redis or child processes, not
  // on CPU (measured on a fresh clone: 332 s against 462 s with two, every test passing).
  maxWorkers: 3,
  verbose: false,
};

export default config;
