#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalKafka, LocalKafkaError } from '@gongkai/local-kafka';
import { ConfigError } from '@gongkai/runtime';
import { loadHubConfig } from './hub-config';
import { portsInUse } from './ports';
import { ServiceProcess, StartError } from './service-process';

/** How long a service may take to open its ports; Kafka is up by then. */
const SERVICE_START_TIMEOUT_MS = 120_000;

const ROOT = resolve(__dirname, '..', '..', '..');

interface HubState {
  readonly pid: number;
  readonly kafka: string;
  readonly startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function up(): Promise<number> {
  const config = loadHubConfig();
  const stateDir = resolve(config.HUB_STATE_DIR);
  const stateFile = join(stateDir, 'hub.json');
  mkdirSync(stateDir, { recursive: true });
  if (existsSync(stateFile)) {
    const running = JSON.parse(readFileSync(stateFile, 'utf8')) as HubState;
    if (alive(running.pid)) {
      console.error(`The hub is already running (pid ${running.pid}, since ${running.startedAt}), Kafka at ${running.kafka}.`);
      console.error('Stop it with Ctrl-C in its terminal, or `npm stop`, before starting another.');
      return 1;
    }
    rmSync(stateFile); // left by a hub that died without cleaning up
  }

  // Every port the hub will open, checked before anything starts: a service that cannot bind
  // its port would otherwise die a few seconds in, after the hub said it was up.
  const ports: [number, string][] = [
    ...(config.HUB_KAFKA_BROKERS ? [] : ([[config.HUB_KAFKA_PORT, 'HUB_KAFKA_PORT'], [config.HUB_KAFKA_PORT + 1, 'HUB_KAFKA_PORT (it takes N and N+1)']] as [number, string][])),
    [config.HUB_GATEWAY_PORT, 'HUB_GATEWAY_PORT'],
    [config.HUB_REVIEW_PORT, 'HUB_REVIEW_PORT'],
    [config.HUB_SANDBOX_WEBSITE_PORT, 'HUB_SANDBOX_WEBSITE_PORT'],
    [config.HUB_SANDBOX_CONTROL_PORT, 'HUB_SANDBOX_CONTROL_PORT'],
  ];
  const taken = await portsInUse(ports.map(([port]) => port));
  if (taken.length > 0) {
    for (const [port, variable] of ports.filter(([port]) => taken.includes(port))) {
      console.error(`Port ${port} on 127.0.0.1 is in use by another program or connection; set ${variable} to a free port.`);
    }
    return 1;
  }

  let kafka: LocalKafka | undefined;
  let bootstrap: string;
  if (config.HUB_KAFKA_BROKERS) {
    bootstrap = config.HUB_KAFKA_BROKERS.join(',');
  } else {
    console.log(`Starting Kafka (first run fetches the jars with Maven, about a minute)…`);
    kafka = await LocalKafka.start({ nodes: 1, port: config.HUB_KAFKA_PORT, dir: join(stateDir, 'kafka') });
    bootstrap = kafka.bootstrap;
  }
  const state: HubState = { pid: process.pid, kafka: bootstrap, startedAt: new Date().toISOString() };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));

  const logs = join(stateDir, 'logs');
  const websiteUrl = `http://127.0.0.1:${config.HUB_SANDBOX_WEBSITE_PORT}`;
  const common = { KAFKA_BROKERS: bootstrap, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const services = [
    new ServiceProcess(
      'gateway',
      join(ROOT, 'services/gateway/dist/main.js'),
      {
        ...common,
        GATEWAY_PORT: String(config.HUB_GATEWAY_PORT),
        GATEWAY_STATE_DIR: join(stateDir, 'gateway'),
        GATEWAY_CALLERS_FILE: process.env.GATEWAY_CALLERS_FILE ?? join(ROOT, 'deploy/dev/callers.yaml'),
      },
      join(logs, 'gateway.log'),
      [config.HUB_GATEWAY_PORT],
    ),
    new ServiceProcess(
      'review',
      join(ROOT, 'services/review/dist/main.js'),
      { ...common, REVIEW_STATE_DIR: join(stateDir, 'review'), REVIEW_GRPC_PORT: String(config.HUB_REVIEW_PORT) },
      join(logs, 'review.log'),
      [config.HUB_REVIEW_PORT],
    ),
    // The government website's stand-in: its CMS API, its pages, and faults on command.
    new ServiceProcess(
      'sandbox',
      join(ROOT, 'tools/sandbox/dist/main.js'),
      { LOG_LEVEL: common.LOG_LEVEL, SANDBOX_WEBSITE_PORT: String(config.HUB_SANDBOX_WEBSITE_PORT), SANDBOX_CONTROL_PORT: String(config.HUB_SANDBOX_CONTROL_PORT) },
      join(logs, 'sandbox.log'),
      [config.HUB_SANDBOX_WEBSITE_PORT, config.HUB_SANDBOX_CONTROL_PORT],
    ),
    new ServiceProcess(
      'website channel',
      join(ROOT, 'services/channels/website/dist/main.js'),
      { ...common, DELIVERY_STATE_DIR: join(stateDir, 'delivery'), WEBSITE_CMS_URL: websiteUrl },
      join(logs, 'channel-website.log'),
    ),
  ];
  const stopAll = async (): Promise<void> => {
    await Promise.all(services.map((s) => s.stop()));
    await kafka?.stop();
    rmSync(stateFile, { force: true });
  };
  for (const service of services) service.start();
  try {
    await Promise.all(services.map((service) => service.untilUp(SERVICE_START_TIMEOUT_MS)));
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    console.error(err.message);
    for (const line of err.service.lastLogLines(3)) console.error(`  ${line.slice(0, 400)}`);
    await stopAll();
    return 1;
  }

  console.log('');
  console.log('Gongkai Hub is up.');
  console.log(`  Kafka        ${bootstrap}${kafka ? `   (log: ${kafka.nodes[0]?.logFile ?? ''})` : ' (external)'}`);
  console.log(`  Gateway      127.0.0.1:${config.HUB_GATEWAY_PORT}   gRPC gongkai.hub.v1.IngestService (health, reflection)`);
  console.log('  Review       consumes disclosure → released (clean, with routing plan and due dates) or review.held');
  console.log(`  Review API   ${process.env.REVIEW_GRPC_HOST || '127.0.0.1'}:${config.HUB_REVIEW_PORT}   gRPC gongkai.hub.v1.ReviewService (health, reflection)`);
  console.log('  Website      delivers released items to the site\'s CMS, retries, dead-letters (website.retry.N, website.dlq)');
  console.log(`  Sandbox site ${websiteUrl}/   the government website as visitors see it (sandbox CMS)`);
  console.log(`  Sandbox ctl  http://127.0.0.1:${config.HUB_SANDBOX_CONTROL_PORT}/_sandbox/requests   what the CMS received; POST /_sandbox/faults to inject faults`);
  console.log(`  Logs         ${logs}`);
  console.log('');
  console.log('Publish a document with the sandbox token of the document system, then open its page on the sandbox site:');
  console.log('  npm run hubctl -- publish tools/hubctl/examples/document-published.yaml --token dev-docs-token');
  console.log(`  ${websiteUrl}/zfxxgk/zcwj/`);
  console.log('Take it down everywhere:');
  console.log('  npm run hubctl -- retract lc-zfbgs-2025-000123 --reason-code PUBLISHED_IN_ERROR --reason "发布有误" --requested-by 市政府办公室 --token dev-docs-token');
  console.log('Sandbox tokens (deploy/dev/callers.yaml): dev-docs-token, dev-procurement-token, dev-requests-token');
  console.log('Decide what review held, as the sandbox reviewer (deploy/dev/operators.yaml):');
  console.log('  npm run hubctl -- review list --token dev-reviewer-token');
  console.log('');
  console.log('Stop it with Ctrl-C here, or `npm stop` from another terminal.');

  // Runs until Ctrl-C or `npm stop`; a service that dies meanwhile stops the hub, loudly,
  // rather than leaving half a hub that accepts events it will never deliver.
  const exitCode = await new Promise<number>((done) => {
    process.once('SIGINT', () => done(0));
    process.once('SIGTERM', () => done(0));
    for (const service of services) {
      service.onUnexpectedExit((how) => {
        console.error(`\nThe ${service.name} stopped unexpectedly (${how}); see ${service.logFile}`);
        for (const line of service.lastLogLines(3)) console.error(`  ${line.slice(0, 400)}`);
        done(1);
      });
    }
  });
  console.log('\nStopping…');
  await stopAll();
  rmSync(stateFile, { force: true });
  console.log('Stopped.');
  return exitCode;
}

async function down(): Promise<number> {
  const config = loadHubConfig();
  const stateFile = join(resolve(config.HUB_STATE_DIR), 'hub.json');
  if (!existsSync(stateFile)) {
    console.log('The hub is not running.');
    return 0;
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as HubState;
  if (alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(state.pid)) {
      console.error(`The hub (pid ${state.pid}) did not stop within 30 s.`);
      return 1;
    }
  }
  rmSync(stateFile, { force: true });
  console.log('The hub is stopped.');
  return 0;
}

const command = process.argv[2] ?? 'up';
const commands: Record<string, () => Promise<number>> = { up, down };
const run = commands[command];
if (!run) {
  console.error(`usage: hub up | down (got '${command}')`);
  process.exit(2);
}
run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof LocalKafkaError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
