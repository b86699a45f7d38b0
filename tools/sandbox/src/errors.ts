/** One thing wrong with a piece of input, named by its field (dotted path, `[i]` for items). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A fault description (control API or `injectFault`) that the sandbox cannot carry out. */
export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
  readonly code = 'INVALID_FAULT';
  readonly retriable = false;
  constructor(readonly errors: readonly FieldProblem[]) {
    super(`invalid fault: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

/** A sandbox option that cannot work (duplicate key ids, both servers on one port …). */
export class InvalidSandboxOptionsError extends Error {
  override readonly name = 'InvalidSandboxOptionsError';
  readonly code = 'INVALID_SANDBOX_OPTIONS';
  readonly retriable = false;
  constructor(readonly option: string, message: string) {
    super(`${option}: ${message}`);
  }
}

/** A server could not listen on its address (port taken, host unknown). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code = 'LISTEN_FAILED';
  /** Another try may work once the port is free again. */
  readonly retriable = true;
  constructor(readonly server: 'website' | 'control', readonly host: string, readonly port: number, options?: { cause?: unknown }) {
    super(`the ${server} server cannot listen on ${host}:${port}${causeText(options?.cause)}`, options);
  }
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? `: ${cause.message}` : '';
}
