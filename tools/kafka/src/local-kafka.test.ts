import { createServer } from 'node:net';
import { LocalKafkaError } from './errors';
import { LocalKafka, newClusterId } from './local-kafka';
import { freePort, isListening } from './ports';
import { checkJava } from './prerequisites';

describe('local kafka building blocks', () => {
  it('makes cluster ids Kafka accepts: 22 base64url characters, never a leading dash', () => {
    for (let i = 0; i < 500; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });

  it('finds a free port, and sees it taken once something listens', async () => {
    const port = await freePort();
    expect(await isListening(port)).toBe(false);
    const server = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    expect(await isListening(port)).toBe(true);
    server.close();
  });

  it('names what to install when Java is missing', () => {
    let caught: unknown;
    try {
      checkJava('/nonexistent/bin/java');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LocalKafkaError);
    expect((caught as LocalKafkaError).code).toBe('JAVA_MISSING');
    expect((caught as Error).message).toMatch(/Java 17 or newer.*apt-get install openjdk-17/s);
  });

  it('refuses an HUB_KAFKA_JIT it does not know, naming the variable and the choices', async () => {
    await expect(LocalKafka.start({ env: { ...process.env, HUB_KAFKA_JIT: 'fast' } })).rejects.toThrow("HUB_KAFKA_JIT is 'fast'; it takes quick (the default) or full");
  });

  it('accepts the Java on this machine', () => {
    expect(checkJava().version).toBeGreaterThanOrEqual(17);
  });
});
