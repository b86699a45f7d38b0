/**
 * The operators' gRPC API of the review service (`gongkai.hub.v1.ReviewService`, see
 * `protos/gongkai/hub/v1/review.proto`): list held events, look at one publication's, decide.
 * Only operators with the role `reviewer` may call it. Health checking and server reflection
 * come with it, as on the gateway.
 */
import { randomUUID } from 'node:crypto';
import { Server, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { loadReviewPackageDefinition, loadReviewService, type Finding, type reviewApi } from '@gongkai/contracts';
import { bindServer, metadataText, type KafkaClients, type Logger } from '@gongkai/runtime';
import { ReviewError } from './errors';
import { toGrpcStatus } from './grpc-status';
import { HeldItemsFeed } from './held-items-feed';
import type { FinalDecision, HeldItem } from './held-items';
import { MASKED_ID_SUFFIX } from './operator-decisions';
import type { Operator, OperatorRegistry } from './operator-registry';
import { ReviewDesk } from './review-desk';
import { topicMessagesOf, type OutgoingRecord, type ReviewProcessorConfig } from './review-processor';

export const REVIEW_SERVICE_NAME = 'gongkai.hub.v1.ReviewService';

export interface ReviewServerOptions {
  readonly desk: ReviewDesk;
  readonly operators: OperatorRegistry;
  readonly logger: Logger;
}

/** The review API's gRPC server, not yet bound: the service, health checking (NOT_SERVING until told) and reflection. */
export function createReviewServer(options: ReviewServerOptions): { server: Server; health: HealthImplementation } {
  const server = new Server({ 'grpc.max_send_message_length': 16 * 1024 * 1024 });
  const health = new HealthImplementation({ '': 'NOT_SERVING', [REVIEW_SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(loadReviewPackageDefinition()).addToServer(server);
  const { desk, operators, logger } = options;

  function unary<Req, Res>(method: string, run: (operator: Operator, request: Req) => Promise<Res> | Res) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      let operatorId: string | undefined;
      void (async () => {
        try {
          const operator = operators.authenticate(metadataText(call.metadata, 'authorization'));
          operatorId = operator.id;
          operators.authorize(operator, 'reviewer');
          callback(null, await run(operator, call.request));
        } catch (err) {
          const mapped = toGrpcStatus(err);
          if (mapped.code === status.INTERNAL) logger.error({ method, operator: operatorId, err }, 'call failed');
          else logger.info({ method, operator: operatorId, code: mapped.code, reason: err instanceof ReviewError ? err.message : undefined }, 'call refused');
          callback(mapped);
        }
      })();
    };
  }

  const service = loadReviewService().gongkai.hub.v1.ReviewService.service as ServiceDefinition;
  server.addService(service, {
    ListHeld: unary('ListHeld', (): reviewApi.ListHeldResponse => ({ items: desk.list().map(heldItemToProto) })),
    GetHeld: unary('GetHeld', (_operator, request: reviewApi.GetHeldRequest__Output): reviewApi.HeldPublication => ({
      publicationId: request.publicationId,
      items: desk.get(request.publicationId).map(heldItemToProto),
    })),
    Decide: unary('Decide', async (operator, request: reviewApi.DecideRequest__Output): Promise<reviewApi.RecordedDecision> => {
      const outcome = await desk.decide(operator, { publicationId: request.publicationId, eventId: request.eventId, decision: request.decision, note: request.note });
      return { ...decisionToProto(outcome.decision), channels: [...outcome.channels] };
    }),
  });
  return { server, health };
}

/** A held item as the API shows it. */
export function heldItemToProto(item: HeldItem): reviewApi.HeldItem {
  const { held, decision } = item;
  return {
    publicationId: held.publicationId,
    eventId: held.eventId,
    eventType: held.eventType,
    ...(held.revision === null ? {} : { revision: held.revision }),
    title: held.title,
    issuingBodyName: held.issuingBody?.name ?? '',
    issuingBodyCreditCode: held.issuingBody?.creditCode ?? '',
    heldAt: timestamp(held.heldAt),
    findings: held.findings.map(findingToProto),
    state: decision ? `REVIEW_DECISION_${decision.decision}` : 'REVIEW_DECISION_HELD',
    decision: decision ? decisionToProto(decision) : null,
  };
}

/** A decision as the API shows it (without channels, which only Decide's answer knows). */
export function decisionToProto(decision: FinalDecision): reviewApi.RecordedDecision {
  return {
    publicationId: decision.subject,
    eventId: decision.eventId,
    eventType: decision.eventType,
    ...(decision.revision === null ? {} : { revision: decision.revision }),
    decision: `REVIEW_DECISION_${decision.decision}`,
    decidedBy: decision.decidedBy,
    decidedAt: timestamp(decision.decidedAt),
    findings: decision.findings.map(findingToProto),
    note: decision.note ?? '',
    releasedEventId: decision.decision === 'APPROVED' ? decision.eventId : decision.decision === 'APPROVED_MASKED' ? `${decision.eventId}${MASKED_ID_SUFFIX}` : '',
    channels: [],
  };
}

function findingToProto(finding: Finding): reviewApi.Finding {
  return {
    kind: finding.kind === 'UNKNOWN' ? 'FINDING_KIND_UNSPECIFIED' : `FINDING_KIND_${finding.kind}`,
    field: finding.field,
    excerpt: finding.excerpt,
    rule: finding.rule ?? '',
  };
}

function timestamp(date: Date): { seconds: string; nanos: number } {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
}

export interface ReviewApiOptions {
  readonly kafka: KafkaClients;
  readonly logger: Logger;
  /** Prefix of this instance's own consumer group and transactional id. */
  readonly instancePrefix: string;
  readonly host: string;
  readonly port: number;
  readonly operators: OperatorRegistry;
  readonly processor: ReviewProcessorConfig;
}

/** The running review API: its bound port, the desk retractions go through, and how to stop it. */
export interface ReviewApi {
  readonly port: number;
  readonly desk: ReviewDesk;
  stop(): Promise<void>;
}

/**
 * Rebuilds the held-items read model from Kafka, and serves the review API once it has caught
 * up. Decisions are written in Kafka transactions, so a released
 * event and its decision are there together or not at all.
 */
export async function startReviewApi(options: ReviewApiOptions): Promise<ReviewApi> {
  const { kafka, logger, operators } = options;
  const feed = await HeldItemsFeed.start({ kafka, logger, groupPrefix: options.instancePrefix });
  const producer = kafka.producer({ transactionalId: `${options.instancePrefix}-decisions-${randomUUID()}` });
  try {
    await producer.connect();
  } catch (err) {
    await feed.stop();
    throw err;
  }

  // One transaction at a time per producer.
  let writing: Promise<unknown> = Promise.resolve();
  const writeDecision = (records: readonly OutgoingRecord[]): Promise<void> => {
    const write = async (): Promise<void> => {
      const transaction = await producer.transaction();
      try {
        await transaction.sendBatch({ acks: -1, topicMessages: topicMessagesOf(records) });
        await transaction.commit();
      } catch (err) {
        await transaction.abort().catch(() => undefined);
        throw err;
      }
    };
    const result = writing.then(write, write);
    writing = result.catch(() => undefined);
    return result;
  };

  const desk = new ReviewDesk({ source: feed, writeDecision, processor: options.processor, logger: logger.child({ component: 'review-desk' }) });
  const { server, health } = createReviewServer({ desk, operators, logger: logger.child({ component: 'review-api' }) });
  let port: number;
  try {
    port = await bindServer(server, `${options.host}:${options.port}`);
  } catch (err) {
    server.forceShutdown();
    await producer.disconnect();
    await feed.stop();
    throw err;
  }
  health.setStatus('', 'SERVING');
  health.setStatus(REVIEW_SERVICE_NAME, 'SERVING');
  logger.info({ listenAddress: `${options.host}:${port}`, operators: operators.operators.length }, 'review API serving');

  return {
    port,
    desk,
    async stop() {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(REVIEW_SERVICE_NAME, 'NOT_SERVING');
      await new Promise<void>((done) => server.tryShutdown(() => done()));
      await writing;
      await producer.disconnect();
      await feed.stop();
    },
  };
}
