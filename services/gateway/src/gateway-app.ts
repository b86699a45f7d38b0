import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { TOPICS } from '@gongkai/contracts';
import { bindServer, createKafka, ensureTopics, type Logger } from '@gongkai/runtime';
import { ThreadedPublisher } from './threaded-publisher';
import { CallerRegistry } from './caller-registry';
import type { GatewayConfig } from './gateway-config';
import { createGrpcServer, INGEST_SERVICE_NAME } from './grpc-server';
import { AcceptedLog } from './accepted-log';
import { IngestHandler } from './ingest-handler';
import { PublicationStatusFollower, PublicationStatusStore } from './publication-status';

/** Largest event a hub topic takes: validation bounds the body at 2 MiB. */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;

export interface GatewayApp {
  /** The port the gRPC server listens on. */
  readonly port: number;
  readonly serving: () => boolean;
  /** Stop taking calls, finish those in flight, flush to Kafka, close everything. */
  stop(): Promise<void>;
}

/**
 * Assemble and start the gateway from its config. Kafka being down at start is not fatal: the
 * gateway serves health NOT_SERVING (and UNAVAILABLE to calls) until the broker answers.
 */
export async function startGateway(config: GatewayConfig, logger: Logger, track?: <T>(w: Promise<T>) => Promise<T>): Promise<GatewayApp> {
  const callers = CallerRegistry.fromFile(config.GATEWAY_CALLERS_FILE);
  mkdirSync(config.GATEWAY_STATE_DIR, { recursive: true });
  // What the gateway accepted: read to answer retries, written once Kafka has an event.
  const store = new AcceptedLog(join(config.GATEWAY_STATE_DIR, 'accepted'), config.GATEWAY_IDEMPOTENCY_RETENTION);
  // A state dir from before the log (decision 010) has its ids in SQLite: taken over once.
  const imported = store.importSqlite(join(config.GATEWAY_STATE_DIR, 'accepted-events.sqlite'));
  if (imported.events + imported.subjects > 0) logger.info(imported, 'accepted-events.sqlite imported into the accepted-events log');
  const pruner = setInterval(() => {
    try {
      logger.debug({ forgotten: store.prune() }, 'accepted event ids past retention forgotten');
    } catch (err) {
      logger.error({ err }, 'could not drop accepted-events log segments past retention');
    }
  }, 3_600_000);
  pruner.unref();
  // What review and the channels said of each publication, for GetPublication; a file of its
  // own, so following them never waits on the producer thread's writes.
  const status = new PublicationStatusStore(join(config.GATEWAY_STATE_DIR, 'publication-status.sqlite'));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'gongkai-gateway', logger });
  const follower = new PublicationStatusFollower(kafka, status, config.GATEWAY_STATUS_GROUP, logger);
  const admin = kafka.kafka.admin();
  const publisher = new ThreadedPublisher({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'gongkai-gateway',
    lingerMs: config.GATEWAY_LINGER,
    patientLingerMs: config.GATEWAY_BATCH_LINGER,
    producers: config.GATEWAY_PRODUCERS,
    logLevel: config.LOG_LEVEL,
  }, store, { onThread: config.GATEWAY_PRODUCER_THREAD, logger });

  let healthy = false;
  const healthRef: { current?: ReturnType<typeof createGrpcServer>['health'] } = {};
  const setServing = (ok: boolean): void => {
    if (ok === healthy) return;
    healthy = ok;
    logger.info({ serving: ok }, ok ? 'Kafka reachable: serving' : 'Kafka unreachable: not serving');
    for (const name of ['', INGEST_SERVICE_NAME]) healthRef.current?.setStatus(name, ok ? 'SERVING' : 'NOT_SERVING');
  };

  const handler = new IngestHandler({
    callers,
    store,
    publisher,
    logger,
    publishTimeoutMs: config.GATEWAY_PUBLISH_TIMEOUT,
    onKafkaOutcome: (ok) => {
      if (!ok) setServing(false);
    },
  });
  const { server, health } = createGrpcServer({ handler, callers, logger, maxMessageBytes: config.GATEWAY_MAX_MESSAGE_BYTES, receiveWindowBytes: config.GATEWAY_RECEIVE_WINDOW_BYTES, status, ...(track ? { track } : {}) });
  healthRef.current = health;

  // Connect and probe in the background: health follows what Kafka really does.
  let stopped = false;
  let connected = false;
  const probe = async (): Promise<void> => {
    while (!stopped) {
      try {
        if (!connected) {
          await admin.connect();
          // An event may be up to a few MiB (a 2 MiB body and its attachments' metadata).
          await ensureTopics(kafka.kafka, [{ topic: TOPICS.disclosure, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: String(MAX_EVENT_BYTES) }] }]);
          connected = true;
        }
        await admin.fetchTopicMetadata({ topics: [TOPICS.disclosure] });
        setServing(true);
        if (!follower.following) {
          // Started here, and again here after its consumer crashed (publication-status.ts).
          // Until then GetPublication knows only what the gateway accepted; publishing is not held up.
          try {
            await follower.start();
          } catch (err) {
            logger.warn({ err }, 'cannot follow review decisions and delivery outcomes yet; trying again');
          }
        }
      } catch (err) {
        logger.warn({ err }, 'Kafka probe failed');
        setServing(false);
      }
      await new Promise((r) => setTimeout(r, healthy ? 5000 : 1000));
    }
  };
  const probing = probe();

  const credentials =
    config.GATEWAY_TLS_CERT && config.GATEWAY_TLS_KEY && config.GATEWAY_TLS_CLIENT_CA
      ? ServerCredentials.createSsl(
          readFileSync(config.GATEWAY_TLS_CLIENT_CA),
          [{ cert_chain: readFileSync(config.GATEWAY_TLS_CERT), private_key: readFileSync(config.GATEWAY_TLS_KEY) }],
          false, // a client certificate is optional: token callers need none
        )
      : ServerCredentials.createInsecure();
  let port: number;
  try {
    port = await bindServer(server, `${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`, credentials);
  } catch (err) {
    stopped = true;
    clearInterval(pruner);
    await publisher.close();
    await admin.disconnect().catch(() => undefined);
    status.close();
    store.close();
    throw err;
  }
  logger.info({ port, tls: credentials !== undefined && config.GATEWAY_TLS_CERT !== undefined }, 'gateway listening');

  return {
    port,
    serving: () => healthy,
    async stop() {
      stopped = true;
      await new Promise<void>((done) => server.tryShutdown(() => done()));
      await publisher.close();
      await admin.disconnect().catch(() => undefined);
      await probing;
      // Leaving the consumer group needs the broker; a broker that is away must not hold up shutdown.
      await Promise.race([follower.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      status.close();
      clearInterval(pruner);
      store.close();
    },
  };
}
