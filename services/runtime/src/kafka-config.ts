import { env } from './config';

/** Config variables every Kafka-using service reads; spread into a service's own spec. */
export const kafkaVariables = {
  KAFKA_BROKERS: env.hostPorts({ default: ['127.0.0.1:9092'], doc: 'comma-separated host:port list' }),
  KAFKA_CLIENT_ID: env.string({ optional: true }),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
  SHUTDOWN_TIMEOUT: env.duration({ default: 10_000 }),
};
