import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { credentials, Metadata, type ServiceError, type Client } from '@grpc/grpc-js';
import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { hashToken, loadGatewayConfig, startGateway, type GatewayApp } from '@gongkai/gateway';
import { createLogger } from '@gongkai/runtime';
import { brokers, unique } from './kafka';

export const TOKENS = {
  docs: 'test-docs-token-0001',
  procurement: 'test-procurement-token-0002',
  county: 'test-county-token-0003',
  requests: 'test-requests-token-0004',
} as const;

/** A county office may only publish for its own issuing body (a valid credit code). */
export const COUNTY_CREDIT_CODE = '113715020043885067';

export function writeCallersFile(dir: string): string {
  const file = join(dir, 'callers.yaml');
  writeFileSync(
    file,
    `callers:
  - id: docs-system
    tokenSha256: ${hashToken(TOKENS.docs)}
    grant: { eventTypes: [document.published, interpretation.published, publication.retracted], issuingBodies: ['*'] }
  - id: procurement-platform
    tokenSha256: ${hashToken(TOKENS.procurement)}
    grant: { eventTypes: [procurement.published], issuingBodies: ['*'] }
  - id: county-office
    tokenSha256: ${hashToken(TOKENS.county)}
    grant: { eventTypes: [document.published, publication.retracted], issuingBodies: ['${COUNTY_CREDIT_CODE}'] }
  - id: request-desk
    tokenSha256: ${hashToken(TOKENS.requests)}
    grant: { eventTypes: [request.status_changed], issuingBodies: ['*'] }
`,
  );
  return file;
}

export interface RunningGateway {
  app: GatewayApp;
  client: ingestApi.IngestServiceClient;
  logLines: string[];
  stateDir: string;
  /** The consumer group its publication status follows review and delivery in. */
  statusGroup: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** An in-process gateway on a free port against the run's broker (or `brokerList`), with a client. */
export async function startTestGateway(options: { brokerList?: string[]; stateDir?: string; env?: Record<string, string> } = {}): Promise<RunningGateway> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'gateway-'));
  const logLines: string[] = [];
  const logger = createLogger({
    service: 'gateway',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _e, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  const env = {
    KAFKA_BROKERS: (options.brokerList ?? brokers()).join(','),
    GATEWAY_PORT: '0',
    GATEWAY_STATE_DIR: stateDir,
    GATEWAY_CALLERS_FILE: writeCallersFile(stateDir),
    GATEWAY_PUBLISH_TIMEOUT: '5s',
    // Each gateway keeps its own publication status, so each follows review and delivery in a
    // group of its own (kept across a restart, as a real instance's would be).
    GATEWAY_STATUS_GROUP: unique('gateway-status'),
    // The producer thread logs to stdout; the test's own logger captures the rest.
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const running: RunningGateway = {
    app: await startGateway(loadGatewayConfig(env), logger),
    client: undefined as unknown as RunningGateway['client'],
    logLines,
    stateDir,
    statusGroup: env.GATEWAY_STATUS_GROUP,
    async restart() {
      await running.app.stop();
      running.client.close();
      running.app = await startGateway(loadGatewayConfig(env), logger);
      running.client = newClient(running.app.port);
      await waitServing(running.app);
    },
    async close() {
      running.client.close();
      await running.app.stop();
    },
  };
  running.client = newClient(running.app.port);
  await waitServing(running.app);
  return running;
}

async function waitServing(app: GatewayApp): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!app.serving()) {
    if (Date.now() > deadline) throw new Error('gateway never became SERVING');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function newClient(port: number): ingestApi.IngestServiceClient {
  const { IngestService } = loadIngestService().gongkai.hub.v1;
  return new IngestService(`127.0.0.1:${port}`, credentials.createInsecure());
}

export function auth(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: Date }, callback: (err: ServiceError | null, res?: Res) => void) => unknown;

/** Promise form of a unary call; rejects with the ServiceError (code, details, metadata). */
export function call<Req, Res>(client: Client, method: Unary<Req, Res>, request: Req, metadata: Metadata, timeoutMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
