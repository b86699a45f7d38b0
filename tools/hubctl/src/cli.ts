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
    // The command is done and has closed its clients; a socket or retry timer a client library
    // left behind must not keep a person waiting. A second is long enough for what was written
    // to stdout and stderr to be flushed (on Linux they are written synchronously anyway).
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`hubctl: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
