/**
 * hubctl's commands, free of the process: they take the arguments, the environment, where to
 * write and how to reach the gateway, and return the exit code. `cli.ts` only wires them to
 * `process`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { status } from '@grpc/grpc-js';
import { CHANNELS, type ingestApi } from '@gongkai/contracts';
import { HubctlError, MissingTokenError, UsageError } from './errors';
import { isCallFailure, printFailure, reportCallFailure, reportLocalFailure, statusName, type FailureReport } from './error-report';
import { batchEvents, checkEventData, readEventFile, singleEvent, toPublishRequest, toRetractRequest, type FileEvent } from './event-file';
import { ExitCode, exitCodeForStatus } from './exit-codes';
import type { CallSettings, IngestCalls } from './ingest-client';
import { DEFAULT_BROKERS, parseDeliveryCommandLine, runDelivery, type DeliveryInvocation } from './delivery-commands';
import { connectKafka, type KafkaCalls } from './kafka-client';
import { connectReview, type ReviewCalls } from './review-client';
import { DEFAULT_REVIEW_SERVICE, parseReviewCommandLine, runReview, type ReviewInvocation } from './review-commands';
import { isoOf, withoutPrefix } from './proto-values';
import { formatViolation } from './status-details';

/** What the commands need from the world; `cli.ts` passes the real ones, tests their own. */
export interface HubctlContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes one line of results (stdout). */
  readonly out: (line: string) => void;
  /** Writes one line for the person: notes, errors, advice (stderr). */
  readonly err: (line: string) => void;
  readonly connect: (address: string) => IngestCalls;
  /** How to reach the review service; a real channel (`connectReview`) when absent. */
  readonly connectReview?: (address: string) => ReviewCalls;
  /** How to reach Kafka for the delivery commands, to be done by `deadline`; `connectKafka` when absent. */
  readonly connectKafka?: (brokers: readonly string[], deadline: number) => KafkaCalls;
  /** Who replays when `--operator` is not given; the OS user name when absent. */
  readonly userName?: () => string | undefined;
  /** Reads and parses an event file; `readEventFile` when absent. */
  readonly readFile?: (file: string) => unknown;
  readonly newEventId?: () => string;
  readonly now?: () => Date;
}

export const DEFAULT_GATEWAY = '127.0.0.1:50051';
export const DEFAULT_TIMEOUT_SECONDS = 15;
/** CloudEvents `source` of what hubctl sends when the file names none. */
export const DEFAULT_SOURCE = '/gongkai/hubctl';

export const USAGE = `hubctl — publish disclosure events to Gongkai Hub's gateway, retract them, look them up,
review the events the hub held, and replay deliveries that failed for good


  hubctl publish <event.json|event.yaml> [--event-id ID]
        one event: { type, eventId?, source?, data } with data in the event schema's terms;
        a file of type publication.retracted is sent as a retraction
  hubctl publish-batch <events.json|events.yaml>
        a list of such events (at most 500) in one call; each is judged on its own
  hubctl retract <publicationId> --reason-code CODE --reason TEXT --requested-by WHO
        [--event-id ID] [--retracted-at 2025-06-27T11:05:00+08:00]
        CODE: PUBLISHED_IN_ERROR, CONFIDENTIAL, PERSONAL_DATA, OUTDATED or OTHER
  hubctl get <publicationId>

  hubctl review list
        held events waiting for an operator's decision (保密审查), personal data masked
  hubctl review show <publicationId>
        a publication's held events: findings, and the decision once made
  hubctl review approve <publicationId> [--mask] [--note TEXT] [--event-id ID]
        release the held event as accepted; with --mask, a copy with every piece of
        personal data the review gate found masked (new event id: <id>:masked)
  hubctl review reject <publicationId> --note TEXT [--event-id ID]
        release nothing, ever; the note says why
        (--event-id picks the held event when the publication has more than one waiting)
  review commands call the review service, not the gateway:
  --review-service H:P  its address (or set HUB_REVIEW_SERVICE; default ${DEFAULT_REVIEW_SERVICE})
  --token T             the operator's token (role reviewer; or set HUB_TOKEN)

  hubctl delivery dead-letters --channel C [--target T] [--publication ID]
        [--since TIME] [--until TIME]
        the deliveries channel C parked on C.dlq after their last attempt: when, publication,
        event, target, action, attempts and the last error
  hubctl delivery replay --channel C [--target T] [--publication ID] [--since TIME]
        [--until TIME] [--all] [--dry-run] [--operator NAME]
        send the dead letters picked back to C.retry.1, where the delivery engine attempts
        them again at once (as never attempted; earlier attempts kept in their history);
        a target that already has an item skips it, so replaying twice is safe.
        Without a filter it refuses unless --all says every dead letter of C is meant;
        --dry-run shows what it would replay; --operator names who replays (default: the
        OS user), recorded on each record with the time
  C: ${CHANNELS.join(', ')}
  TIME: ISO 8601 (2025-06-27T09:30:00+08:00; without an offset, this machine's local time)
  or a span back from now (30m, 2h, 7d); compared with when each was dead-lettered,
  --since inclusive, --until exclusive
  delivery commands read and write Kafka directly, not through the gateway (no token):
  --brokers H:P[,H:P]   Kafka's brokers (or set KAFKA_BROKERS; default ${DEFAULT_BROKERS})
  --timeout S           bounds the whole command's time with Kafka

options for every command:
  --token T         the calling system's token (or set HUB_TOKEN)
  --gateway H:P     the gateway's address (or set HUB_GATEWAY; default ${DEFAULT_GATEWAY})
  --timeout S       seconds to wait for an answer (default ${DEFAULT_TIMEOUT_SECONDS})
  --source URI      the sending system as a URI reference (default ${DEFAULT_SOURCE})
  --json            print one JSON object for scripts instead of text
  -h, --help

Without an event id hubctl makes one up and prints it: retrying with the same id is safe,
the hub accepts an event id once.

exit codes: 0 ok · 1 other failure · 2 usage or unreadable file · 3 invalid event or request ·
            4 no token, not authenticated or not allowed · 5 event id already used for another event,
            or the held event is no longer waiting for a decision · 6 not found (a publication,
            or the retry topic to replay to) · 7 gateway, review service or Kafka unavailable,
            or no answer in time (retry with the same id; a replay may be run again)`;

const OPTIONS = {
  token: { type: 'string' },
  gateway: { type: 'string' },
  timeout: { type: 'string' },
  source: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'event-id': { type: 'string' },
  'reason-code': { type: 'string' },
  reason: { type: 'string' },
  'requested-by': { type: 'string' },
  'retracted-at': { type: 'string' },
  'review-service': { type: 'string' },
  mask: { type: 'boolean' },
  note: { type: 'string' },
  channel: { type: 'string' },
  target: { type: 'string' },
  publication: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  brokers: { type: 'string' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  operator: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const COMMON: readonly OptionName[] = ['token', 'gateway', 'timeout', 'source', 'json', 'help'];
const COMMANDS: Record<string, { args: string; options: readonly OptionName[] }> = {
  publish: { args: '<file>', options: ['event-id'] },
  'publish-batch': { args: '<file>', options: [] },
  retract: { args: '<publicationId>', options: ['event-id', 'reason-code', 'reason', 'requested-by', 'retracted-at'] },
  get: { args: '<publicationId>', options: [] },
  review: { args: 'list | show | approve | reject', options: ['review-service', 'mask', 'note', 'event-id'] },
  delivery: { args: 'dead-letters | replay', options: ['channel', 'target', 'publication', 'since', 'until', 'brokers', 'dry-run', 'all', 'operator'] },
};

interface Invocation {
  readonly command: string;
  readonly argument: string;
  readonly values: Values;
  readonly gateway: string;
  readonly timeoutMs: number;
  readonly json: boolean;
}

/** Runs one hubctl command line (without `node` and the script) and returns the exit code. */
export async function runHubctl(argv: readonly string[], context: HubctlContext): Promise<ExitCode> {
  const json = argv.includes('--json');
  let invocation: Invocation | ReviewInvocation | DeliveryInvocation | undefined;
  try {
    invocation = parseCommandLine(argv, context.env, context.now?.());
    if (!invocation) {
      context.out(USAGE);
      return ExitCode.OK;
    }
    if (isReview(invocation)) return await runReview(invocation, context, context.connectReview ?? connectReview);
    if (isDelivery(invocation)) {
      return await runDelivery(invocation, context, context.connectKafka ?? connectKafka, {
        ...(context.now ? { now: context.now } : {}),
        ...(context.userName ? { userName: context.userName } : {}),
      });
    }
    return await run(invocation, context);
  } catch (err) {
    if (err instanceof HubctlError) return fail(reportLocalFailure(err), json, context, err instanceof UsageError);
    throw err;
  }
}

/**
 * Reads the command line: `undefined` when help was asked for. Times back from now
 * (`--since 2h`) are taken from `now`.
 * @throws UsageError naming what is wrong.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): Invocation | ReviewInvocation | DeliveryInvocation | undefined {
  let parsed: { values: Values; positionals: string[] };
  try {
    const result = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (err) {
    // node's own sentence names the option ("Unknown option '--tokn'").
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [command, argument, ...extra] = positionals;
  if (values.help && (command === undefined || command === 'help')) return undefined;
  if (command === 'help' && argument === undefined) return undefined;
  if (command === undefined) throw new UsageError(`name a command: ${Object.keys(COMMANDS).join(', ')} (hubctl --help tells more)`);
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command '${command}'; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  if (values.help) return undefined;
  const timeoutMs = timeoutOf(values);
  if (command === 'review') {
    for (const name of Object.keys(values) as OptionName[]) {
      if (!COMMON.includes(name) && !spec.options.includes(name)) throw new UsageError(`--${name} does not apply to hubctl review`);
    }
    return parseReviewCommandLine(values, positionals.slice(1), env, timeoutMs);
  }
  if (command === 'delivery') {
    for (const name of Object.keys(values) as OptionName[]) {
      if (!COMMON.includes(name) && !spec.options.includes(name)) throw new UsageError(`--${name} does not apply to hubctl delivery`);
    }
    return parseDeliveryCommandLine(values, positionals.slice(1), env, timeoutMs, now);
  }
  if (argument === undefined) throw new UsageError(`hubctl ${command} needs ${spec.args}`);
  if (extra.length > 0) throw new UsageError(`hubctl ${command} takes one ${spec.args}; unexpected: ${extra.join(' ')}`);
  for (const name of Object.keys(values) as OptionName[]) {
    if (!COMMON.includes(name) && !spec.options.includes(name)) throw new UsageError(`--${name} does not apply to hubctl ${command}`);
  }

  const gateway = values.gateway ?? env.HUB_GATEWAY ?? DEFAULT_GATEWAY;
  if (!/^[^\s:]+:\d{1,5}$/.test(gateway) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(gateway)) {
    throw new UsageError(`--gateway must be host:port, e.g. ${DEFAULT_GATEWAY}; got '${gateway}'`);
  }
  return { command, argument, values, gateway, timeoutMs, json: values.json === true };
}

function timeoutOf(values: Values): number {
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) throw new UsageError(`--timeout must be a number of seconds from 0 to 3600; got '${values.timeout}'`);
  return Math.round(timeout * 1000);
}

function isReview(invocation: Invocation | ReviewInvocation | DeliveryInvocation): invocation is ReviewInvocation {
  return invocation.command === 'review';
}

function isDelivery(invocation: Invocation | ReviewInvocation | DeliveryInvocation): invocation is DeliveryInvocation {
  return invocation.command === 'delivery';
}

async function run(invocation: Invocation, context: HubctlContext): Promise<ExitCode> {
  switch (invocation.command) {
    case 'publish':
      return publish(invocation, context);
    case 'publish-batch':
      return publishBatch(invocation, context);
    case 'retract':
      return retract(invocation, context);
    default:
      return get(invocation, context);
  }
}

async function publish(invocation: Invocation, context: HubctlContext): Promise<ExitCode> {
  const file = invocation.argument;
  const event = singleEvent((context.readFile ?? readEventFile)(file), file);
  const settings = callSettings(invocation, context);
  const eventId = invocation.values['event-id'] ?? event.eventId ?? generatedId(invocation, context);
  const source = invocation.values.source ?? event.source ?? DEFAULT_SOURCE;
  const retryCommand = commandLine(['hubctl', 'publish', file, '--event-id', eventId]);
  return withClient(invocation, context, { eventId, retryCommand }, async (client) => {
    const response =
      event.type === 'publication.retracted'
        ? await client.retract(toRetractRequest(event.data, eventId, source), settings)
        : await client.publish(toPublishRequest(event, eventId, source), settings);
    printPublished(response, invocation, context);
    return ExitCode.OK;
  });
}

async function publishBatch(invocation: Invocation, context: HubctlContext): Promise<ExitCode> {
  const file = invocation.argument;
  const events = batchEvents((context.readFile ?? readEventFile)(file), file);
  const settings = callSettings(invocation, context);
  const newId = context.newEventId ?? randomUUID;
  const generated: string[] = [];
  const items = events.map((event: FileEvent, index) => {
    let eventId = event.eventId;
    if (eventId === undefined) {
      eventId = newId();
      generated.push(`  [${index}] ${eventId}`);
    }
    return toPublishRequest(event, eventId, invocation.values.source ?? event.source ?? DEFAULT_SOURCE);
  });
  if (generated.length > 0 && !invocation.json) {
    context.err(`event ids made up for items without one (to retry the same events, put them in ${file} as eventId):`);
    generated.forEach((line) => context.err(line));
  }
  const retryCommand = generated.length > 0 ? `add the event ids above to ${file}, then: ${commandLine(['hubctl', 'publish-batch', file])}` : commandLine(['hubctl', 'publish-batch', file]);
  return withClient(invocation, context, { retryCommand }, async (client) => {
    const response = await client.publishBatch({ items }, settings);
    return printBatch(response, items, invocation, context);
  });
}

async function retract(invocation: Invocation, context: HubctlContext): Promise<ExitCode> {
  const { values } = invocation;
  const missing = (['reason-code', 'reason', 'requested-by'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`hubctl retract needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const retractedAt = values['retracted-at'] ?? (context.now ?? (() => new Date()))().toISOString();
  const data = { publicationId: invocation.argument, reasonCode: values['reason-code'], reason: values.reason, requestedBy: values['requested-by'], retractedAt };
  const flags: Record<string, string> = { 'data.reasonCode': '--reason-code', 'data.retractedAt': '--retracted-at' };
  const problems = checkEventData('publication.retracted', data);
  if (problems.length > 0) throw new UsageError(problems.map((p) => `${flags[p.path] ?? p.path}: ${p.problem}`).join('\n'));
  const settings = callSettings(invocation, context);
  const eventId = values['event-id'] ?? generatedId(invocation, context);
  const retryCommand = commandLine([
    'hubctl', 'retract', invocation.argument,
    '--reason-code', String(data.reasonCode), '--reason', String(data.reason), '--requested-by', String(data.requestedBy),
    '--retracted-at', retractedAt, '--event-id', eventId,
  ]);
  return withClient(invocation, context, { eventId, retryCommand }, async (client) => {
    const response = await client.retract(toRetractRequest(data, eventId, values.source ?? DEFAULT_SOURCE), settings);
    printPublished(response, invocation, context, 'retraction ');
    return ExitCode.OK;
  });
}

async function get(invocation: Invocation, context: HubctlContext): Promise<ExitCode> {
  const settings = callSettings(invocation, context);
  return withClient(invocation, context, {}, async (client) => {
    const publication = await client.getPublication({ publicationId: invocation.argument }, settings);
    if (invocation.json) context.out(JSON.stringify({ ok: true, ...publicationJson(publication) }));
    else formatPublication(publication).forEach((line) => context.out(line));
    return ExitCode.OK;
  });
}

function callSettings(invocation: Invocation, context: HubctlContext): CallSettings {
  const token = invocation.values.token ?? context.env.HUB_TOKEN;
  if (!token) throw new MissingTokenError();
  return { token, deadline: new Date(Date.now() + invocation.timeoutMs) };
}

function generatedId(invocation: Invocation, context: HubctlContext): string {
  const id = (context.newEventId ?? randomUUID)();
  if (!invocation.json) context.err(`event id ${id} (made up; pass --event-id ${id} to retry this same event)`);
  return id;
}

async function withClient(
  invocation: Invocation,
  context: HubctlContext,
  failure: { eventId?: string; retryCommand?: string },
  body: (client: IngestCalls) => Promise<ExitCode>,
): Promise<ExitCode> {
  const client = context.connect(invocation.gateway);
  try {
    return await body(client);
  } catch (err) {
    if (!isCallFailure(err)) throw err;
    return fail(reportCallFailure(err, { gateway: invocation.gateway, ...failure }), invocation.json, context, false);
  } finally {
    client.close();
  }
}

function fail(report: FailureReport, json: boolean, context: HubctlContext, showUsageHint: boolean): ExitCode {
  return printFailure(report, json, context, showUsageHint);
}

/** `accepted evt-1 → disclosure[2]@145`, or `already accepted (duplicate) …` for a replayed id. */
export function formatPublished(response: ingestApi.PublishResponse__Output, prefix = ''): string {
  const where = `${response.eventId} → ${response.topic}[${response.partition}]@${response.offset}`;
  return response.duplicate ? `${prefix}already accepted (duplicate) ${where}; nothing new was written` : `${prefix}accepted ${where}`;
}

function printPublished(response: ingestApi.PublishResponse__Output, invocation: Invocation, context: HubctlContext, prefix = ''): void {
  if (invocation.json) context.out(JSON.stringify({ ok: true, ...publishedJson(response) }));
  else context.out(formatPublished(response, prefix));
}

function publishedJson(r: ingestApi.PublishResponse__Output): Record<string, unknown> {
  return { eventId: r.eventId, topic: r.topic, partition: r.partition, offset: r.offset, duplicate: r.duplicate };
}

function printBatch(response: ingestApi.PublishBatchResponse__Output, items: readonly ingestApi.PublishRequest[], invocation: Invocation, context: HubctlContext): ExitCode {
  let exitCode: ExitCode = ExitCode.OK;
  let accepted = 0;
  let duplicates = 0;
  const results: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (const result of response.results) {
    const eventId = items[result.index]?.eventId ?? '';
    if (result.published) {
      accepted += 1;
      if (result.published.duplicate) duplicates += 1;
      results.push({ index: result.index, ok: true, ...publishedJson(result.published) });
      lines.push(`[${result.index}] ${formatPublished(result.published)}`);
    } else {
      const error = result.error;
      const code = statusCodeOf(error?.code);
      if (exitCode === ExitCode.OK) exitCode = exitCodeForStatus(code);
      const violations = (error?.fieldViolations ?? []).map((v) => ({ field: v.field, description: v.description, ...(v.reason ? { reason: v.reason } : {}) }));
      results.push({ index: result.index, ok: false, eventId, code: statusName(code), message: error?.message ?? '', fieldViolations: violations });
      if (code === status.INVALID_ARGUMENT && violations.length > 0) {
        // The message repeats the violations in one line; one per line reads better.
        lines.push(`[${result.index}] refused ${eventId} (${statusName(code)}): the event breaks ${violations.length === 1 ? 'a rule' : `${violations.length} rules`}:`);
        violations.forEach((v) => lines.push(`      ${formatViolation(v)}`));
      } else {
        lines.push(`[${result.index}] refused ${eventId} (${statusName(code)}): ${error?.message ?? ''}`);
      }
    }
  }
  const refused = response.results.length - accepted;
  if (invocation.json) {
    context.out(JSON.stringify({ ok: refused === 0, accepted, duplicates, refused, results }));
  } else {
    lines.forEach((line) => context.out(line));
    context.out(`${accepted} accepted${duplicates > 0 ? ` (${duplicates} already before)` : ''}, ${refused} refused`);
  }
  return exitCode;
}

/** A batch item's `google.rpc.Code`, which arrives as its name (or a number from other servers). */
function statusCodeOf(code: unknown): status {
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && code in status) return status[code as keyof typeof status];
  return status.UNKNOWN;
}

/** A publication for people, one line per fact and one per channel target. */
export function formatPublication(p: ingestApi.Publication__Output): string[] {
  const lines = [
    `${p.publicationId}${p.title ? `  ${p.title}` : ''}`,
    `  latest event:  ${p.eventType}${p.latestRevision > 0 ? `, revision ${p.latestRevision}` : ''}`,
    `  state:         ${withoutPrefix(p.state, 'PUBLICATION_STATE_')}`,
    `  updated at:    ${isoOf(p.updatedAt) ?? 'unknown'}`,
  ];
  if (p.deliveries.length === 0) {
    lines.push('  deliveries:    none yet');
  } else {
    lines.push('  deliveries:');
    for (const d of p.deliveries) {
      const facts = [
        withoutPrefix(d.outcome, 'DELIVERY_OUTCOME_KIND_'),
        d.revision > 0 ? `revision ${d.revision}` : undefined,
        `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`,
        d.channelReference ? `ref ${d.channelReference}` : undefined,
        d.errorCode ? `last error ${d.errorCode}${d.errorMessage ? `: ${d.errorMessage}` : ''}` : undefined,
      ].filter((f) => f !== undefined);
      lines.push(`    ${d.channel} ${d.target}: ${facts.join(', ')}`);
    }
  }
  return lines;
}

function publicationJson(p: ingestApi.Publication__Output): Record<string, unknown> {
  return {
    publicationId: p.publicationId,
    eventType: p.eventType,
    latestRevision: p.latestRevision,
    title: p.title,
    state: withoutPrefix(p.state, 'PUBLICATION_STATE_'),
    updatedAt: isoOf(p.updatedAt) ?? null,
    deliveries: p.deliveries.map((d) => ({
      channel: d.channel,
      target: d.target,
      revision: d.revision,
      outcome: withoutPrefix(d.outcome, 'DELIVERY_OUTCOME_KIND_'),
      attempts: d.attempts,
      channelReference: d.channelReference || null,
      updatedAt: isoOf(d.updatedAt) ?? null,
      errorCode: d.errorCode || null,
      errorMessage: d.errorMessage || null,
    })),
  };
}

/** A command line a person can paste into a POSIX shell. */
export function commandLine(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
