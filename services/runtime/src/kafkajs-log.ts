import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<number, LogLevelName> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Broker errors that kafkajs retries by itself, or that the hub expects and handles, in the
 * normal life of a cluster: a broker still loading its group coordinator or choosing leaders
 * after a start, a leader moving, a group rebalancing, a topic another instance created first.
 * kafkajs logs each such response at error level before it retries; if the retries run out,
 * the error reaches the hub's own code, which logs it where it knows what failed.
 */
const TRANSIENT_ERROR_TYPES = [
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REBALANCE_IN_PROGRESS',
  'TOPIC_ALREADY_EXISTS',
];

/** kafkajs's own table of broker errors, by type; its response log line names the error by message. */
function transientMessages(): Set<string> {
  try {
    const { errorCodes } = createRequire(__filename)('kafkajs/src/protocol/error') as { errorCodes: { type: string; message: string }[] };
    return new Set(errorCodes.filter((e) => TRANSIENT_ERROR_TYPES.includes(e.type)).map((e) => e.message));
  } catch {
    return new Set(); // another kafkajs layout: its lines keep their levels
  }
}

const TRANSIENT = transientMessages();

/**
 * kafkajs's error for a CreateTopics answer with an error for any topic. It returns normally
 * when every one is TOPIC_ALREADY_EXISTS (another instance created the topic first), and
 * otherwise throws the errors to the caller, which logs what failed.
 */
const TOPIC_CREATION_ERRORS = 'Topic creation errors';

/**
 * The level a kafkajs log entry is written at: kafkajs's own, except that a failed response
 * whose error is one of the transient ones above, or a CreateTopics answer with errors, is a
 * warning, not an error.
 */
export function kafkajsLevel(level: number, entry: { readonly message: string; readonly error?: unknown }): LogLevelName {
  const name = LEVELS[level] ?? 'info';
  if (name !== 'error' || !entry.message.startsWith('Response ') || typeof entry.error !== 'string') return name;
  if (TRANSIENT.has(entry.error)) return 'warn';
  if (entry.message.startsWith('Response CreateTopics(') && entry.error === TOPIC_CREATION_ERRORS) return 'warn';
  return name;
}
