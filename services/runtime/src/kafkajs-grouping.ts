import { putInModuleCache } from './kafkajs-crc32c';

/**
 * kafkajs groups a produce call's messages by partition with `[...current, message]` for every
 * message: each partition's list is copied once per message added to it, so a request of n
 * records to p partitions copies about n²/2p array slots and leaves as many behind for the
 * garbage collector. For the gateway's requests of several hundred to a few thousand records
 * that was a quarter of the producer thread's allocations. `linearGrouping` builds the same
 * lists (same keys, same order) by appending.
 *
 * kafkajs requires the grouping module once, when kafkajs itself is first loaded, so this must
 * be in Node's module cache before then: the runtime's index imports this module first of all.
 * A process that loaded kafkajs earlier keeps kafkajs's own (see {@link groupingState}).
 */
export type GroupingState = 'linear' | 'kafkajs-loaded-first' | 'unavailable';

const GROUPING_MODULE = 'kafkajs/src/producer/groupMessagesPerPartition.js';

interface GroupingArgs<M> {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly M[];
  readonly partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/** What kafkajs's groupMessagesPerPartition answers, built in one pass. */
export function linearGrouping<M>({ topic, partitionMetadata, messages, partitioner }: GroupingArgs<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const current = result[partition];
    if (current) current.push(message);
    else result[partition] = [message];
  }
  return result;
}

let state: GroupingState | undefined;

function install(): GroupingState {
  let path: string;
  try {
    path = require.resolve(GROUPING_MODULE);
  } catch {
    return 'unavailable';
  }
  const cached = require.cache[path];
  if (cached) return cached.exports === linearGrouping ? 'linear' : 'kafkajs-loaded-first';
  putInModuleCache(path, linearGrouping);
  return 'linear';
}

/** Whether kafkajs in this process groups messages with {@link linearGrouping}. */
export function groupingState(): GroupingState {
  state ??= install();
  return state;
}

groupingState();
