// Jest reporter that records each workspace's totals, so `npm test` can end on one line that
// counts every test of the run: "tests: N passed, N failed".
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const dir = resolve(__dirname, '..', '..', '.test-results');
    mkdirSync(dir, { recursive: true });
    const name = this.rootDir.replace(/[^A-Za-z0-9]+/g, '_');
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({
        rootDir: this.rootDir,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}
module.exports = SummaryReporter;
