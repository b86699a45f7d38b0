import pino, { type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { maskPersonalData } from './personal-data-mask';
import { keyRedactor } from './redact-keys';

export type { Logger } from 'pino';

/**
 * Object keys whose values never reach a log line: credentials and personal data. They are
 * redacted in the structured fields (`redact-keys.ts`); free text goes through `maskPersonalData`.
 */
export const REDACTED_KEYS = [
  'token', 'authorization', 'password', 'secret', 'apiKey', 'api_key', 'signature', 'cookie',
  'hmacKey', 'privateKey', 'credentials',
  'applicant', 'applicantName', 'idNumber', 'identityNumber', 'mobile', 'phone', 'email', 'address', 'bankCard',
  'body', 'text',
] as const;

/** Each key's value, at the top of a line's fields or one or two levels below (as pino's paths `k`, `*.k`, `*.*.k`). */
const redact = keyRedactor(REDACTED_KEYS, '[redacted]');

export interface LoggerSettings {
  readonly service: string;
  readonly level?: string;
  readonly destination?: DestinationStream;
  readonly pretty?: boolean;
}

/** The root logger of a service. Call `.child({ publicationId, channel, target })` for context. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.service,
    level: settings.level ?? 'info',
    base: { service: settings.service, pid: process.pid },
    // Not pino's `redact`: in pino 10 it costs about 150 µs a line, the walk about 3 µs.
    // (`bindings` covers the base fields only: pino does not run it for children, see below.)
    formatters: { log: redact, bindings: redact },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      // Messages are free text that may quote input: mask anything shaped like personal data.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
    serializers: {
      err: (err: unknown) => {
        const s = pino.stdSerializers.err(err as Error);
        if (typeof s.message === 'string') s.message = maskPersonalData(s.message);
        if (typeof s.stack === 'string') s.stack = maskPersonalData(s.stack);
        return redact(s);
      },
    },
  };
  const logger = settings.destination ? pino(options, settings.destination) : pino(options);
  // Every child (and a child's child) inherits this method from the root, so its bindings are redacted too.
  type Child = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const pinoChild = Reflect.get(Object.getPrototypeOf(logger) as object, 'child') as Child;
  const redactedChild: Child = function (bindings, childOptions) {
    return pinoChild.call(this, redact(bindings), childOptions);
  };
  logger.child = redactedChild as unknown as Logger['child'];
  return logger;
}
