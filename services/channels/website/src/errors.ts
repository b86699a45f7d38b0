/**
 * Errors of the website channel beside the delivery engine's `TargetFailure`: what stops the
 * adapter from starting. Each has a stable `code`, a `retriable` flag and readonly `context`.
 */

/** The columns file is wrong; start-up stops with the file, line and reason. */
export class WebsiteColumnsError extends Error {
  readonly code = 'WEBSITE_COLUMNS_INVALID';
  readonly retriable = false;
  readonly context: Readonly<Record<string, string | number>>;

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'WebsiteColumnsError';
    this.context = Object.freeze({ file, line: line ?? 0, reason });
  }
}
