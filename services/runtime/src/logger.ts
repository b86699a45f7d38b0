import pino, { type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { maskPersonalData } from './personal-data-mask';

export type { Logger } from 'pino';

/**
 * Object keys whose values never reach a log line: credentials and personal data. pino's
 * redaction runs on the structured fields; free text goes through `maskPersonalData`.
 */
export const REDACTED_KEYS = [
  'token', 'authorization', 'password', 'secret', 'apiKey', 'api_key', 'signature', 'cookie',
  'hmacKey', 'privateKey', 'credentials',
  'applicant', 'applicantName', 'idNumber', 'identityNumber', 'mobile', 'phone', 'email', 'address', 'bankCard',
  'body', 'text',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]).concat([
  'headers["authorization"]', 'metadata["authorization"]', 'req.headers.authorization',
]);

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
    redact: { paths: redactPaths, censor: '[redacted]' },
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
        return s;
      },
    },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
