/**
 * `hubctl delivery`: the operators' side of the delivery engine's dead letters, straight on
 * Kafka. `dead-letters` lists what a channel parked on `<channel>.dlq` after its last attempt;
 * `replay` sends the ones picked back through the channel's first retry tier, where the engine
 * attempts them again at once. Replaying twice never shows an item twice: the targets confirm
 * each delivery once, by its idempotency key `{eventId}:{target}`.
 */
import { userInfo } from 'node:os';
import { CHANNELS, deadLetterTopic, isChannelName, retryTopic, type ChannelName } from '@gongkai/contracts';
import { byPosition, byTime, hasFilter, matchesFilter, readDeadLetter, replayRecordOf, type DeadLetter, type DeadLetterFilter, type Replay } from './dead-letters';
import { TopicMissingError, UsageError } from './errors';
import type { ReportOutput } from './error-report';
import { ExitCode } from './exit-codes';
import type { KafkaCalls } from './kafka-client';
import { parseTimeBound } from './time-bounds';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/** What `hubctl delivery` does. */
export const DELIVERY_ACTIONS = ['dead-letters', 'replay'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

/** A `hubctl delivery …` command line, read. */
export interface DeliveryInvocation {
  readonly command: 'delivery';
  readonly action: DeliveryAction;
  readonly channel: ChannelName;
  readonly filter: DeadLetterFilter;
  readonly brokers: readonly string[];
  /** The whole command's time with Kafka. */
  readonly timeoutMs: number;
  readonly json: boolean;
  /** replay: say what would be replayed, write nothing. */
  readonly dryRun: boolean;
  /** replay: every dead letter of the channel, with no filter. */
  readonly all: boolean;
  /** replay: who replays; the OS user when absent. */
  readonly operator?: string;
}

/** The options a delivery command line may carry (a subset of hubctl's). */
export interface DeliveryOptionValues {
  readonly channel?: string;
  readonly target?: string;
  readonly publication?: string;
  readonly since?: string;
  readonly until?: string;
  readonly brokers?: string;
  readonly 'dry-run'?: boolean;
  readonly all?: boolean;
  readonly operator?: string;
  readonly json?: boolean;
  readonly token?: string;
  readonly gateway?: string;
  readonly source?: string;
}

/** How the run finds who replays and what time it is; the real ones when absent. */
export interface DeliveryRunOptions {
  readonly now?: () => Date;
  /** The OS user name, `undefined` when there is none. */
  readonly userName?: () => string | undefined;
}

const REPLAY_ONLY = ['dry-run', 'all', 'operator'] as const;

/**
 * Reads `hubctl delivery <action>` (the words after `delivery`). Spans back from now
 * (`--since 2h`) are taken from `now`.
 * @throws UsageError naming what is wrong.
 */
export function parseDeliveryCommandLine(
  values: DeliveryOptionValues,
  words: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
  now: Date,
): DeliveryInvocation {
  const [action, ...extra] = words;
  if (action === undefined) throw new UsageError(`hubctl delivery needs one of ${DELIVERY_ACTIONS.join(', ')}`);
  if (!(DELIVERY_ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`unknown delivery command '${action}'; the delivery commands are ${DELIVERY_ACTIONS.join(', ')}`);
  }
  const act = action as DeliveryAction;
  if (extra.length > 0) throw new UsageError(`hubctl delivery ${act} takes no arguments; unexpected: ${extra.join(' ')}`);
  for (const name of ['token', 'gateway', 'source'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} does not apply to hubctl delivery; it reads and writes Kafka at --brokers`);
  }
  if (act !== 'replay') {
    for (const name of REPLAY_ONLY) if (values[name] !== undefined) throw new UsageError(`--${name} does not apply to hubctl delivery ${act}`);
  }

  const channel = values.channel;
  if (channel === undefined) throw new UsageError(`hubctl delivery ${act} needs --channel, one of ${CHANNELS.join(', ')}`);
  if (!isChannelName(channel)) throw new UsageError(`unknown channel '${channel}'; the channels are ${CHANNELS.join(', ')}`);
  const target = nonEmpty(values.target, '--target');
  const publicationId = nonEmpty(values.publication, '--publication');
  const operator = nonEmpty(values.operator, '--operator');
  const since = values.since === undefined ? undefined : parseTimeBound(values.since, now, '--since');
  const until = values.until === undefined ? undefined : parseTimeBound(values.until, now, '--until');
  if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
    throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  }
  const filter: DeadLetterFilter = {
    ...(target === undefined ? {} : { target }),
    ...(publicationId === undefined ? {} : { publicationId }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
  const all = values.all === true;
  if (act === 'replay' && !all && !hasFilter(filter)) {
    throw new UsageError(
      `hubctl delivery replay would replay every dead letter of ${channel}: pick them with --target, --publication, --since or --until, or say --all if every one is meant`,
    );
  }
  return {
    command: 'delivery',
    action: act,
    channel,
    filter,
    brokers: brokersOf(values.brokers ?? env.KAFKA_BROKERS),
    timeoutMs,
    json: values.json === true,
    dryRun: values['dry-run'] === true,
    all,
    ...(operator === undefined ? {} : { operator }),
  };
}

/** `host:port[,host:port…]`, the default when empty. */
function brokersOf(text: string | undefined): string[] {
  const list = (text ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (list.length === 0) return [DEFAULT_BROKERS];
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(broker)) {
      throw new UsageError(`--brokers (or KAFKA_BROKERS) must be host:port[,host:port…], e.g. ${DEFAULT_BROKERS}; got '${broker}'`);
    }
  }
  return list;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return value;
}

/**
 * Runs a delivery command against Kafka and returns the exit code.
 * @throws HubctlError when Kafka cannot be reached or refuses (exit 7 or 1), or the retry topic is missing (6).
 */
export async function runDelivery(
  invocation: DeliveryInvocation,
  output: ReportOutput,
  connect: (brokers: readonly string[], deadline: number) => KafkaCalls,
  options: DeliveryRunOptions = {},
): Promise<ExitCode> {
  const now = options.now ?? (() => new Date());
  // Known before Kafka is called: a replay nobody can be named for is refused untried.
  const replay: Replay | undefined = invocation.action === 'replay' ? { by: operatorOf(invocation, options), at: now() } : undefined;
  const { channel } = invocation;
  const topic = deadLetterTopic(channel);
  const kafka = connect(invocation.brokers, Date.now() + invocation.timeoutMs);
  try {
    const picked: DeadLetter[] = [];
    const read = await kafka.readTopic(topic, (record) => {
      const letter = readDeadLetter(record);
      if (!matchesFilter(letter, invocation.filter)) return;
      // A listing needs no value; up to 8 MiB each, they are not kept for it.
      picked.push(replay ? letter : { ...letter, record: { ...letter.record, value: null } });
    });
    const scope = { channel, topic, exists: read.exists, read: read.records, filtered: hasFilter(invocation.filter) };
    if (!replay) {
      printDeadLetters(picked.sort(byTime), scope, invocation.json, output);
      return ExitCode.OK;
    }
    const to = retryTopic(channel, 1);
    const replayable = picked.filter((l) => l.unreplayable === null).sort(byPosition);
    const skipped = picked.filter((l) => l.unreplayable !== null).sort(byPosition);
    if (!invocation.dryRun && replayable.length > 0) {
      if (!(await kafka.topicExists(to))) {
        throw new TopicMissingError(to, `the ${channel} channel's delivery engine creates it when it starts; start it, then replay (nothing was replayed)`);
      }
      await kafka.send(replayable.map((letter) => replayRecordOf(letter, channel, replay)));
    }
    printReplay({ ...scope, to, replay, dryRun: invocation.dryRun, replayable, skipped }, invocation.json, output);
    return ExitCode.OK;
  } finally {
    await kafka.close();
  }
}

function operatorOf(invocation: DeliveryInvocation, options: DeliveryRunOptions): string {
  const name = invocation.operator ?? (options.userName ?? osUserName)();
  if (name === undefined || name.trim() === '') throw new UsageError('cannot tell who replays: this process has no user name; say who with --operator NAME');
  return name;
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    // A uid without an entry in the passwd database (some containers).
    return process.env.USER ?? process.env.LOGNAME;
  }
}

interface Scope {
  readonly channel: ChannelName;
  readonly topic: string;
  readonly exists: boolean;
  readonly read: number;
  readonly filtered: boolean;
}

function printDeadLetters(letters: readonly DeadLetter[], scope: Scope, json: boolean, output: ReportOutput): void {
  if (json) {
    output.out(JSON.stringify({ ok: true, channel: scope.channel, topic: scope.topic, exists: scope.exists, read: scope.read, deadLetters: letters.map(deadLetterJson) }));
    return;
  }
  if (letters.length === 0) {
    output.out(nothingThere(scope));
    return;
  }
  const of = scope.filtered ? ` (of ${scope.read} read)` : '';
  output.out(`${count(letters.length, 'dead letter')} on ${scope.topic}${of}, the oldest first:`);
  letters.forEach((letter) => formatDeadLetter(letter).forEach((line) => output.out(line)));
}

function printReplay(
  result: Scope & { to: string; replay: Replay; dryRun: boolean; replayable: readonly DeadLetter[]; skipped: readonly DeadLetter[] },
  json: boolean,
  output: ReportOutput,
): void {
  const { replayable, skipped, replay, to } = result;
  if (json) {
    output.out(
      JSON.stringify({
        ok: true,
        channel: result.channel,
        from: result.topic,
        to,
        dryRun: result.dryRun,
        replayedBy: replay.by,
        replayedAt: replay.at.toISOString(),
        replayed: result.dryRun ? 0 : replayable.length,
        items: replayable.map(deadLetterJson),
        skipped: skipped.map(deadLetterJson),
      }),
    );
    return;
  }
  if (replayable.length === 0 && skipped.length === 0) {
    output.out(`nothing to replay: ${nothingThere(result)}`);
    return;
  }
  if (replayable.length > 0) {
    const what = `${count(replayable.length, 'dead letter')} from ${result.topic} to ${to} as ${replay.by}`;
    output.out(result.dryRun ? `would replay ${what} (dry run: nothing written):` : `replayed ${what}:`);
    replayable.forEach((letter) => formatDeadLetter(letter).forEach((line) => output.out(line)));
    if (!result.dryRun) output.out(`the ${result.channel} delivery engine attempts ${replayable.length === 1 ? 'it' : 'each'} again now; a target that already has an item skips it`);
  } else {
    output.out(`nothing replayed from ${result.topic}`);
  }
  if (skipped.length > 0) {
    output.out(`${result.dryRun ? 'would skip' : 'skipped'} ${count(skipped.length, 'dead letter')} that cannot be replayed:`);
    skipped.forEach((letter) => formatDeadLetter(letter).forEach((line) => output.out(line)));
  }
}

function nothingThere(scope: Scope): string {
  if (!scope.exists) return `no dead letters: ${scope.topic} does not exist (the ${scope.channel} channel has parked nothing yet)`;
  if (scope.filtered) return `no dead letters on ${scope.topic} match (${scope.read} read)`;
  return `no dead letters on ${scope.topic}`;
}

/** One dead letter for people: when, what and where, then how it failed. */
export function formatDeadLetter(letter: DeadLetter): string[] {
  const where = letter.target === null ? '' : ` → ${letter.target}${letter.action === null ? '' : ` (${letter.action})`}`;
  const facts = [
    `event ${letter.eventId ?? '?'}${letter.eventType === null ? '' : ` (${letter.eventType})`}`,
    letter.attempts === null ? undefined : count(letter.attempts, 'attempt'),
    letter.errorCode === null ? undefined : `${letter.errorCode}${letter.errorMessage ? `: ${letter.errorMessage}` : ''}`,
  ].filter((f) => f !== undefined);
  const lines = [`  ${letter.at.toISOString()}  ${letter.publicationId || '(no key)'}${where}`, `    ${facts.join(', ')}`];
  if (letter.unreplayable !== null) lines.push(`    cannot be replayed: ${letter.unreplayable}`);
  return lines;
}

/** One dead letter for scripts. */
export function deadLetterJson(letter: DeadLetter): Record<string, unknown> {
  return {
    at: letter.at.toISOString(),
    partition: letter.partition,
    offset: letter.offset,
    publicationId: letter.publicationId,
    eventId: letter.eventId,
    eventType: letter.eventType,
    target: letter.target,
    action: letter.action,
    attempts: letter.attempts,
    errorCode: letter.errorCode,
    errorMessage: letter.errorMessage,
    origin: letter.origin,
    history: letter.history,
    replayable: letter.unreplayable === null,
    problem: letter.unreplayable,
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
