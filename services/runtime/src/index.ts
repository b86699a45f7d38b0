export { loadConfig, env, parseDuration, type Variable, type ConfigOf } from './config';
export { kafkaVariables } from './kafka-config';
export { createLogger, REDACTED_KEYS, type Logger, type LoggerSettings } from './logger';
export { maskPersonalData } from './personal-data-mask';
export { createKafka, ensureTopics, type KafkaClients, type KafkaSettings } from './kafka';
export { GracefulShutdown, type ShutdownOptions } from './graceful-shutdown';
export { ConfigError, ShutdownTimeoutError } from './errors';
export { TOKEN_SHA256_PATTERN, TokenRegistry, bearerTokenOf, hashToken } from './bearer-tokens';
export { bindServer, metadataText } from './grpc-plumbing';
