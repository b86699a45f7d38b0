#!/usr/bin/env node
import { writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalKafka } from './local-kafka';
import { LocalKafkaError } from './errors';
import { runningState, startDetached, stopDetached, STATE_FILE, type DetachedState } from './detached';
import { KAFKA_VERSION } from './jars';

const usage = `gongkai-kafka — a real Apache Kafka ${KAFKA_VERSION} (KRaft) on this machine

  start  [--port 9092] [--nodes 1|3] [--state-dir .kafka]   start in the background (reuses a running one)
  status [--state-dir .kafka]                                print the address of the running broker
  stop   [--state-dir .kafka]                                stop it (SIGTERM, SIGKILL after 15 s)
  run    [--port 9092] [--nodes 1|3]                         run in the foreground until Ctrl-C`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '9092' },
      nodes: { type: 'string', default: '1' },
      'state-dir': { type: 'string', default: '.kafka' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  const stateDir = resolve(values['state-dir']);
  const port = Number(values.port);
  const nodes = Number(values.nodes);
  if (values.help || !command) {
    console.log(usage);
    return command ? 0 : 2;
  }
  if (!Number.isInteger(port) || port < 1024 || port > 65000) throw new UsageError(`--port must be a port number 1024..65000, got '${values.port}'`);
  if (nodes !== 1 && nodes !== 3) throw new UsageError(`--nodes must be 1 or 3, got '${values.nodes}'`);

  switch (command) {
    case 'start': {
      const state = await startDetached(stateDir, { port, nodes });
      console.log(`${state.reused ? 'Kafka is already running' : `Kafka ${KAFKA_VERSION} started`} at ${state.bootstrap}`);
      console.log(`  logs: ${state.logFiles.join(', ')}`);
      console.log(`  list it: kcat -L -b ${state.bootstrap}`);
      console.log(`  stop it: npm run kafka -- stop`);
      return 0;
    }
    case 'status': {
      const state = await runningState(stateDir);
      if (!state) {
        console.log('No broker is running.');
        return 1;
      }
      console.log(`Kafka is running at ${state.bootstrap} (supervisor pid ${state.supervisorPid}, since ${state.startedAt})`);
      return 0;
    }
    case 'stop': {
      const state = await stopDetached(stateDir);
      console.log(state ? `Stopped the broker at ${state.bootstrap}.` : 'No broker was running.');
      return 0;
    }
    case 'run':
    case 'supervise': {
      const kafka = await LocalKafka.start({ nodes, port, dir: join(stateDir, 'run') });
      const state: DetachedState = {
        supervisorPid: process.pid,
        javaPids: kafka.nodes.map((n) => n.pid ?? 0),
        bootstrap: kafka.bootstrap,
        dir: kafka.dir,
        logFiles: kafka.nodes.map((n) => n.logFile),
        startedAt: new Date().toISOString(),
      };
      // Write then rename: a reader never sees half a state file.
      writeFileSync(join(stateDir, `${STATE_FILE}.tmp`), JSON.stringify(state, null, 2));
      renameSync(join(stateDir, `${STATE_FILE}.tmp`), join(stateDir, STATE_FILE));
      if (command === 'run') console.log(`Kafka ${KAFKA_VERSION} running at ${kafka.bootstrap}; Ctrl-C stops it.`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          kafka.stop().then(done, done);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n\n${usage}`);
    else if (err instanceof LocalKafkaError) console.error(`error (${err.code}): ${err.message}`);
    else console.error(err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
