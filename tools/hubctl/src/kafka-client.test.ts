import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { KafkaRequestError, KafkaUnavailableError, UsageError } from './errors';
import { ExitCode } from './exit-codes';
import { hubctlErrorOf } from './kafka-client';

const BROKERS = ['127.0.0.1:9092'];

describe('what a Kafka failure means to the person waiting', () => {
  it('is unavailable (exit 7, retriable) when no broker could be reached, however kafkajs wrapped it', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092' });
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 1000 });
    for (const err of [refused, gaveUp]) {
      const mapped = hubctlErrorOf(err, BROKERS, 'reading website.dlq');
      expect(mapped).toBeInstanceOf(KafkaUnavailableError);
      expect(mapped).toMatchObject({ exitCode: ExitCode.UNAVAILABLE, retriable: true, code: 'KAFKA_UNAVAILABLE' });
      expect(mapped.message).toBe('Kafka at 127.0.0.1:9092 unavailable: reading website.dlq: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      expect(mapped.cause).toBe(err);
    }
  });

  it('is unavailable when a broker keeps answering it is not ready (not leader, coordinator loading)', () => {
    const notLeader = new KafkaJSProtocolError({ message: 'This server is not the leader for that topic-partition', type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true });
    expect(hubctlErrorOf(notLeader, BROKERS, 'reading website.dlq')).toBeInstanceOf(KafkaUnavailableError);
  });

  it('is a refusal (exit 1, not retriable) when a broker says no for good', () => {
    const denied = new KafkaJSProtocolError({ message: 'Not authorized to access topics: [Topic authorization failed.]', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false });
    const mapped = hubctlErrorOf(denied, BROKERS, 'writing 2 records');
    expect(mapped).toBeInstanceOf(KafkaRequestError);
    expect(mapped).toMatchObject({ exitCode: ExitCode.FAILURE, retriable: false, code: 'KAFKA_REQUEST_FAILED' });
    expect(mapped.message).toBe('Kafka at 127.0.0.1:9092 refused the request: writing 2 records: Not authorized to access topics: [Topic authorization failed.]');
  });

  it("leaves hubctl's own errors as they are", () => {
    const usage = new UsageError('x');
    expect(hubctlErrorOf(usage, BROKERS, 'reading')).toBe(usage);
  });
});
