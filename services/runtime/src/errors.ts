/** A configuration variable is missing or malformed. Start-up fails fast with every such problem listed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  constructor(readonly problems: readonly { variable: string; value: string | undefined; rule: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}=${p.value === undefined ? '(unset)' : JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
  }
}

/** Shutdown took longer than its bound; the process exits anyway. */
export class ShutdownTimeoutError extends Error {
  override readonly name = 'ShutdownTimeoutError';
  readonly code = 'SHUTDOWN_TIMEOUT';
  readonly retriable = false;
  constructor(readonly timeoutMs: number, readonly pending: readonly string[]) {
    super(`shutdown did not finish within ${timeoutMs} ms; still pending: ${pending.join(', ') || 'in-flight work'}`);
  }
}
