import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { credentials } from '@grpc/grpc-js';
import { decodeEvent, loadReviewService, type AnyHubEvent, type reviewApi } from '@gongkai/contracts';
import { loadReviewConfig, startReview, type ReviewService } from '@gongkai/review';
import { createLogger, hashToken } from '@gongkai/runtime';
import { brokers, eventually, testKafka, unique } from './kafka';

/** Operators of the test registry: a reviewer and someone who is not one. */
export const OPERATOR_TOKENS = {
  reviewer: 'test-reviewer-token-0101',
  viewer: 'test-viewer-token-0102',
} as const;

/** The reviewer's operator id, which decisions record as `decidedBy`. */
export const REVIEWER_ID = 'test-reviewer';

export function writeOperatorsFile(dir: string): string {
  const file = join(dir, 'operators.yaml');
  writeFileSync(
    file,
    `operators:
  - id: ${REVIEWER_ID}
    tokenSha256: ${hashToken(OPERATOR_TOKENS.reviewer)}
    roles: [reviewer]
  - id: test-viewer
    tokenSha256: ${hashToken(OPERATOR_TOKENS.viewer)}
    roles: [viewer]
`,
  );
  return file;
}

export interface RunningReview {
  readonly service: ReviewService;
  readonly client: reviewApi.ReviewServiceClient;
  /** host:port of the review API. */
  readonly address: string;
  close(): Promise<void>;
}

/** The review service in-process, in a consumer group of its own, with its API on a free port and a client. */
export async function startTestReview(): Promise<RunningReview> {
  const dir = mkdtempSync(join(tmpdir(), 'review-'));
  const logger = createLogger({ service: 'review', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const config = loadReviewConfig({
    KAFKA_BROKERS: brokers().join(','),
    REVIEW_GROUP_ID: unique('review'),
    REVIEW_GRPC_PORT: '0',
    REVIEW_OPERATORS_FILE: writeOperatorsFile(dir),
    REVIEW_STATE_DIR: dir,
  });
  const service = await startReview(config, logger);
  const address = `127.0.0.1:${service.apiPort}`;
  const { ReviewService: Client } = loadReviewService().gongkai.hub.v1;
  const client = new Client(address, credentials.createInsecure());
  return {
    service,
    client,
    address,
    async close() {
      client.close();
      await service.stop();
    },
  };
}

/** A record read back from a topic, decoded. */
export interface ReadRecord {
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly event: AnyHubEvent;
}

/**
 * Reads `topic` from the beginning, keeping the records whose key is in `keys`, until `done`
 * says the records kept are enough (or 60 s pass).
 */
export async function readUntil(topic: string, keys: ReadonlySet<string>, done: (records: readonly ReadRecord[]) => boolean, what: string): Promise<ReadRecord[]> {
  const found: ReadRecord[] = [];
  const consumer = testKafka().consumer({ groupId: unique('read') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      if (!keys.has(key)) return;
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
      found.push({ key, headers, event: decodeEvent(message) });
    },
  });
  try {
    await eventually(() => done(found), 60_000, what);
  } finally {
    await consumer.disconnect();
  }
  return found;
}
