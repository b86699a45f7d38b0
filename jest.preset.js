/**
 * Shared jest settings for every workspace. Type checking happens in `tsc` (the build), so
 * ts-jest only transpiles here; that keeps a test run fast on two cores.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  reporters: ['default', '<rootDir>/../../tools/test-summary/reporter.js'],
};
