import { acquireBroker, type TestBroker } from './broker';

declare global {
  var __HUB_TEST_BROKER__: TestBroker | undefined;
}

/** Starts one broker for the whole integration run; test files read `KAFKA_BROKERS`. */
export default async function globalSetup(): Promise<void> {
  const broker = await acquireBroker();
  globalThis.__HUB_TEST_BROKER__ = broker;
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  process.stdout.write(`\n[tests] Kafka from ${broker.source} at ${process.env.KAFKA_BROKERS}\n`);
}
