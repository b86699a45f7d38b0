import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HUB_HEADERS, TOPICS, encodeEvent, type EventInput, type EventType, type SigningKey } from '@gongkai/contracts';
import { startWebsiteSandbox, type WebsiteSandbox } from '@gongkai/sandbox';
import type { Producer } from 'kafkajs';
import { brokers, eventually, testKafka, unique } from './kafka';

/** The signing key the sandbox accepts and the adapter signs with (the dev defaults). */
export const WEBSITE_KEY: SigningKey = { keyId: 'dev-website', secret: 'dev-website-signing-secret', algorithm: 'hmac-sha256' };

export function startSandbox(): Promise<WebsiteSandbox> {
  return startWebsiteSandbox({ keys: [WEBSITE_KEY] });
}

const MAIN = resolve(__dirname, '../../services/channels/website/dist/main.js');

/** The website channel adapter as a real process (so it can be killed), on the delivery engine. */
export class WebsiteChannelProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly stateDir = mkdtempSync(join(tmpdir(), 'website-channel-'));
  readonly groupPrefix = unique('delivery');

  constructor(
    private readonly cmsUrl: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts it and waits until it says it is delivering. */
  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: brokers().join(','),
        DELIVERY_STATE_DIR: this.stateDir,
        DELIVERY_GROUP_PREFIX: this.groupPrefix,
        WEBSITE_CMS_URL: this.cmsUrl,
        LOG_LEVEL: 'info',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    await eventually(() => {
      if (child.exitCode !== null) throw new Error(`the website channel exited with ${child.exitCode}:\n${this.output}`);
      return this.output.includes('website channel delivering');
    }, 60_000, 'the website channel to start');
  }

  /** What it has logged since it started. */
  get log(): string {
    return this.output;
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops it gracefully. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    await exited;
  }
}

/** Writes released events for the website channel, as the review service would. */
export class Releaser {
  private producer: Producer | undefined;

  /** Writes released events (to the partition of their key, or the one given). */
  async release(events: readonly { input: EventInput<EventType>; targets: readonly string[]; partition?: number }[]): Promise<void> {
    if (!this.producer) {
      this.producer = testKafka().producer();
      await this.producer.connect();
    }
    const messages = events.map(({ input, targets, partition }) => {
      const encoded = encodeEvent(input);
      return {
        partition,
        key: encoded.key,
        value: encoded.value,
        headers: {
          ...encoded.headers,
          [HUB_HEADERS.channels]: targets.length > 0 ? 'website' : '',
          [HUB_HEADERS.route]: JSON.stringify(targets.map((target) => ({ channel: 'website', target, dueOn: '2025-07-28' }))),
        },
      };
    });
    for (let i = 0; i < messages.length; i += 200) await this.producer.send({ topic: TOPICS.released, messages: messages.slice(i, i + 200) });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
