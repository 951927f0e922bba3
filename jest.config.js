/** Unit specs live beside the code; integration and end-to-end suites under test/ use real services. */
const transform = { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] };
const moduleNameMapper = { '^@velvet/(.*)$': '<rootDir>/libs/$1/src' };

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
      transform,
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
