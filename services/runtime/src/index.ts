// First of all: kafkajs must find the linear grouping in the module cache when it loads.
import './kafkajs-grouping';
export { loadConfig, env, parseDuration, type Variable, type ConfigOf } from './config';
export { kafkaVariables } from './kafka-config';
export { createLogger, REDACTED_KEYS, type Logger, type LoggerSettings } from './logger';
export { maskPersonalData } from './personal-data-mask';
export { createKafka, ensureTopics, type KafkaClients, type KafkaSettings } from './kafka';
export { GracefulShutdown, type ShutdownOptions } from './graceful-shutdown';
export { ConfigError, ShutdownTimeoutError } from './errors';
export { TOKEN_SHA256_PATTERN, TokenRegistry, bearerTokenOf, hashToken } from './bearer-tokens';
export { bindServer, metadataText, raiseReceiveWindows } from './grpc-plumbing';
export { groupingState, type GroupingState } from './kafkajs-grouping';
export { boundedRequests, textHeaders, topicMessagesOf, type OutgoingRecord } from './kafka-requests';
