/** Unit specs live beside the code; integration and end-to-end suites under test/ use real services. */
const transform = { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] };
/**
 * Unit specs are compiled by swc (no type check: `npm run typecheck` does that), which takes the
 * unit run from most of its time compiling to a few seconds. Nest's DI needs the decorator
 * metadata tsc would emit. The e2e project keeps ts-jest: it compiles the apps once per suite anyway.
 */
const unitTransform = {
  '^.+\\.tsx?$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', tsx: true, decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          react: { runtime: 'automatic' },
        },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = {
  '^@velvet/([a-z-]+)/browser$': '<rootDir>/libs/$1/src/browser',
  '^@velvet/(.*)$': '<rootDir>/libs/$1/src',
};

module.exports = {
  // generous: suites start real servers, and a busy 2-core CI machine makes set-up slow (speed is benched, not asserted)
  testTimeout: 180_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/*/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
      transform: unitTransform,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      transform,
      moduleNameMapper,
    },
  ],
};
