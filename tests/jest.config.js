/** Cross-service tests: one real Kafka broker for the whole run, started in global setup. */
module.exports = {
  ...require('../jest.preset.js'),
  rootDir: '.',
  reporters: ['default', '<rootDir>/../tools/test-summary/reporter.js'],
  testMatch: ['<rootDir>/**/*.test.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 120_000,
  // Two cores: one test file at a time keeps broker-heavy tests from starving each other.
  maxWorkers: 1,
};
