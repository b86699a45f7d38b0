import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { linearGrouping } from './kafkajs-grouping';

const GROUPING_PATH = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
type Grouping = typeof linearGrouping;
const kafkajsGrouping = createRequire(__filename)(GROUPING_PATH) as Grouping;

describe('linearGrouping', () => {
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1 }));
  const byField = ({ message }: { message: { partition: number } }): number => message.partition;

  it("answers what kafkajs's own grouping answers: the same partitions, each with its messages in order", () => {
    for (const count of [0, 1, 2, 7, 100, 1_500]) {
      const messages = Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: (i * 7919) % 6 }));
      const args = { topic: 't', partitionMetadata, messages, partitioner: byField };
      const ours = linearGrouping(args);
      const theirs = kafkajsGrouping(args);
      expect(ours).toEqual(theirs);
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      // The messages themselves, not copies: kafkajs encodes what the caller gave it.
      for (const [partition, list] of Object.entries(ours)) list.forEach((m, i) => expect(m).toBe(theirs[Number(partition)]![i]));
    }
  });

  it('asks the partitioner about every message, with the topic and the metadata, once each', () => {
    const seen: unknown[] = [];
    const messages = [{ partition: 3 }, { partition: 1 }, { partition: 3 }];
    const grouped = linearGrouping({
      topic: 'events',
      partitionMetadata,
      messages,
      partitioner: ({ topic, partitionMetadata: meta, message }) => {
        seen.push([topic, meta, message]);
        return message.partition;
      },
    });
    expect(seen).toEqual(messages.map((m) => ['events', partitionMetadata, m]));
    expect(grouped).toEqual({ 1: [messages[1]], 3: [messages[0], messages[2]] });
  });

  it('groups nothing for a topic without partition metadata, as kafkajs does', () => {
    const args = { topic: 't', partitionMetadata: [], messages: [{ partition: 0 }], partitioner: byField };
    expect(linearGrouping(args)).toEqual({});
    expect(kafkajsGrouping(args)).toEqual({});
  });
});

/** In a plain Node process (jest keeps a module registry of its own), as a service loads it. */
describe('the grouping kafkajs loads', () => {
  const built = join(__dirname, '..', 'dist');
  const run = (script: string): Record<string, unknown> =>
    JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, BUILT: built, GROUPING_PATH } })) as Record<string, unknown>;

  it("is the linear one once the runtime is loaded, and kafkajs's producer uses it", () => {
    const result = run(`
      const runtime = require(process.env.BUILT);
      require('kafkajs');
      const { linearGrouping } = require(process.env.BUILT + '/kafkajs-grouping.js');
      process.stdout.write(JSON.stringify({ state: runtime.groupingState(), loaded: require(process.env.GROUPING_PATH) === linearGrouping }));
    `);
    expect(result).toEqual({ state: 'linear', loaded: true });
  });

  it('says so, and changes nothing, when kafkajs was loaded before the runtime', () => {
    const result = run(`
      const own = require(process.env.GROUPING_PATH);
      require('kafkajs');
      const runtime = require(process.env.BUILT);
      process.stdout.write(JSON.stringify({ state: runtime.groupingState(), kept: require(process.env.GROUPING_PATH) === own }));
    `);
    expect(result).toEqual({ state: 'kafkajs-loaded-first', kept: true });
  });
});
