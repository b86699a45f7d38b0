// Prints the closing line of `npm test` from what every workspace's jest run recorded.
// `--reset` clears what an earlier run left, so a run counts only its own tests.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', '.test-results');
if (process.argv.includes('--reset')) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
let passed = 0, failed = 0, skipped = 0, runs = 0;
for (const file of existsSync(dir) ? readdirSync(dir) : []) {
  if (!file.endsWith('.json')) continue;
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += r.passed; failed += r.failed; skipped += r.skipped; runs += 1;
}
console.log(`\n${runs} jest runs`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || runs === 0 ? 1 : 0);
