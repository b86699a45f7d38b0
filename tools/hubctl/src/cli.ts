#!/usr/bin/env node
import { runHubctl } from './commands';
import { ExitCode } from './exit-codes';
import { connectIngest } from './ingest-client';
import { connectReview } from './review-client';

/** Wiring only: the real environment, stdout/stderr and gRPC channels. */
runHubctl(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  connect: connectIngest,
  connectReview,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hubctl: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
