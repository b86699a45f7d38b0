// One level deeper than services/*, so the preset's reporter path is given again from here.
module.exports = {
  ...require('../../../jest.preset.js'),
  rootDir: '.',
  roots: ['<rootDir>/src'],
  reporters: ['default', '<rootDir>/../../../tools/test-summary/reporter.js'],
};
