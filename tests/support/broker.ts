import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { LocalKafka } from '@gongkai/local-kafka';

/** Where the broker for a test run came from, and how to let it go. */
export interface TestBroker {
  readonly brokers: string[];
  readonly source: 'KAFKA_BROKERS' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

/**
 * The one broker fixture: `KAFKA_BROKERS` if set; else testcontainers when a Docker engine
 * answers; else a real broker from tools/kafka on a free loopback port.
 */
export async function acquireBroker(env: NodeJS.ProcessEnv = process.env): Promise<TestBroker> {
  if (env.KAFKA_BROKERS) {
    return { brokers: env.KAFKA_BROKERS.split(','), source: 'KAFKA_BROKERS', stop: async () => undefined };
  }
  if (await dockerAnswers(env)) {
    // Loaded only where Docker runs: the module and its engine are of no use elsewhere.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkaContainer } = require('@testcontainers/kafka') as typeof import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:8.0.0').start();
    return {
      brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`],
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  const kafka = await LocalKafka.start({ nodes: 1, heapMb: 512 });
  return { brokers: kafka.brokers, source: 'local', stop: () => kafka.stop() };
}

/** A Docker engine answers `GET /_ping` on its socket within a second. */
export function dockerAnswers(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const host = env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host ? undefined : '/var/run/docker.sock';
  if (socketPath === undefined || !existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((done) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.once('timeout', () => {
      req.destroy();
      done(false);
    });
    req.once('error', () => done(false));
    req.end();
  });
}
