export { LocalKafka, newClusterId, type LocalKafkaOptions } from './local-kafka';
export { KafkaNode } from './kafka-node';
export { LocalKafkaError, type LocalKafkaErrorCode } from './errors';
export { ensureJars, defaultCacheDir, KAFKA_VERSION } from './jars';
export { freePort, isListening } from './ports';
export { checkJava, checkMaven } from './prerequisites';
export { startDetached, stopDetached, readState, type DetachedState } from './detached';
