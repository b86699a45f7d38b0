import { ConfigError } from './errors';
import { env, loadConfig } from './config';
import { kafkaVariables } from './kafka-config';

describe('loadConfig', () => {
  const spec = {
    ...kafkaVariables,
    GRPC_PORT: env.port({ default: 50051 }),
    HUB_TOKEN: env.string({ secret: true, pattern: /^[a-z0-9]{8,}$/ }),
    RETRY_LIMIT: env.integer({ default: 5, min: 1, max: 20 }),
  };

  it('runs on one laptop with defaults', () => {
    const config = loadConfig(spec, { HUB_TOKEN: 'abcdefgh12' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.GRPC_PORT).toBe(50051);
    expect(config.SHUTDOWN_TIMEOUT).toBe(10_000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.KAFKA_CLIENT_ID).toBeUndefined();
  });

  it('returns a frozen object', () => {
    const config = loadConfig(spec, { HUB_TOKEN: 'abcdefgh12' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(spec, {})).toThrow(/HUB_TOKEN=\(unset\): required/);
  });

  it('names every malformed variable with the value it had', () => {
    let caught: unknown;
    try {
      loadConfig(spec, { HUB_TOKEN: 'abcdefgh12', GRPC_PORT: 'http', KAFKA_BROKERS: 'localhost', RETRY_LIMIT: '99', SHUTDOWN_TIMEOUT: 'soon' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => `${p.variable}=${p.value}`);
    expect(problems).toEqual(['KAFKA_BROKERS=localhost', 'SHUTDOWN_TIMEOUT=soon', 'GRPC_PORT=http', 'RETRY_LIMIT=99']);
    expect((caught as Error).message).toContain('GRPC_PORT="http": must be a TCP port number');
    expect((caught as Error).message).toContain("KAFKA_BROKERS=\"localhost\": 'localhost' is not host:port");
    expect((caught as Error).message).toContain('RETRY_LIMIT="99": must be at most 20');
  });

  it('never repeats a secret value in its error', () => {
    expect(() => loadConfig(spec, { HUB_TOKEN: 'Sup3r-Secret!' })).toThrow(/HUB_TOKEN="\*\*\*"/);
    try {
      loadConfig(spec, { HUB_TOKEN: 'Sup3r-Secret!' });
    } catch (err) {
      expect((err as Error).message).not.toContain('Sup3r');
    }
  });

  it('parses broker lists and durations', () => {
    const config = loadConfig(spec, { HUB_TOKEN: 'abcdefgh12', KAFKA_BROKERS: 'a:1, b.example:9092,[::1]:9093', SHUTDOWN_TIMEOUT: '1.5s' });
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b.example:9092', '[::1]:9093']);
    expect(config.SHUTDOWN_TIMEOUT).toBe(1500);
  });
});
