import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createKafka, createLogger, type KafkaClients } from '@gongkai/runtime';

/** The run's broker addresses, as global setup left them. */
export function brokers(): string[] {
  const list = process.env.KAFKA_BROKERS;
  if (!list) throw new Error('KAFKA_BROKERS is not set: run these tests through jest with tests/jest.config.js');
  return list.split(',');
}

/** A name no other test uses, so tests isolate themselves by topic and consumer group. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const quietLogger = createLogger({ service: 'test', level: 'error', destination: new Writable({ write: (_c, _e, done) => done() }) });

export function testKafka(list = brokers()): KafkaClients {
  return createKafka({ brokers: list, clientId: unique('test'), logger: quietLogger });
}

/** Poll `check` until it returns true or `timeoutMs` passes; for waiting on asynchronous outcomes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
