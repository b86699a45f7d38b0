/** Why the local broker could not be had. `code` is stable; callers branch on it, never on the message. */
export type LocalKafkaErrorCode =
  | 'JAVA_MISSING'
  | 'MAVEN_MISSING'
  | 'FETCH_FAILED'
  | 'FORMAT_FAILED'
  | 'START_FAILED'
  | 'NOT_READY'
  | 'ALREADY_RUNNING'
  | 'NOT_RUNNING';

export class LocalKafkaError extends Error {
  override readonly name = 'LocalKafkaError';
  constructor(
    readonly code: LocalKafkaErrorCode,
    message: string,
    readonly context: Readonly<{ logFile?: string; nodeId?: number }> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
