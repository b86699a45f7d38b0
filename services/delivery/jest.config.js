module.exports = { ...require('../../jest.preset.js'), rootDir: '.', roots: ['<rootDir>/src'] };
