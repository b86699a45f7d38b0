/** Stops the run's broker, whatever the tests' outcome. */
export default async function globalTeardown(): Promise<void> {
  const broker = globalThis.__HUB_TEST_BROKER__;
  if (broker && broker.source !== 'KAFKA_BROKERS') {
    await broker.stop();
    delete process.env.KAFKA_BROKERS;
  }
}
