/**
 * `hubctl review`: the operators' side of the review gate (保密审查), through the review
 * service's API. List the held events, look at one publication's, approve (with `--mask`,
 * approve with masking) or reject. The operator's token goes in `--token` or `HUB_TOKEN`.
 */
import type { reviewApi } from '@gongkai/contracts';
import { MissingTokenError, UsageError } from './errors';
import { isCallFailure, printFailure, reportCallFailure, type ReportOutput } from './error-report';
import { ExitCode } from './exit-codes';
import type { ReviewCalls } from './review-client';
import { isoOf, withoutPrefix } from './proto-values';
import type { CallSettings } from './unary-call';

export const DEFAULT_REVIEW_SERVICE = '127.0.0.1:50052';

/** What `hubctl review` does. */
export const REVIEW_ACTIONS = ['list', 'show', 'approve', 'reject'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** A `hubctl review …` command line, read. */
export interface ReviewInvocation {
  readonly command: 'review';
  readonly action: ReviewAction;
  /** For show, approve and reject. */
  readonly publicationId?: string;
  readonly reviewService: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly token?: string;
  /** approve: approve with masking. */
  readonly mask: boolean;
  readonly note?: string;
  /** approve, reject: which held event, when the publication has more than one waiting. */
  readonly eventId?: string;
}

/** The options a review command line may carry (a subset of hubctl's). */
export interface ReviewOptionValues {
  readonly token?: string;
  readonly json?: boolean;
  readonly 'review-service'?: string;
  readonly mask?: boolean;
  readonly note?: string;
  readonly 'event-id'?: string;
  readonly gateway?: string;
  readonly source?: string;
}

const NEEDS_PUBLICATION: readonly ReviewAction[] = ['show', 'approve', 'reject'];

/**
 * Reads `hubctl review <action> [publicationId]` (the words after `review`).
 * @throws UsageError naming what is wrong.
 */
export function parseReviewCommandLine(
  values: ReviewOptionValues,
  words: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): ReviewInvocation {
  const [action, publicationId, ...extra] = words;
  if (action === undefined) throw new UsageError(`hubctl review needs one of ${REVIEW_ACTIONS.join(', ')}`);
  if (!(REVIEW_ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`unknown review command '${action}'; the review commands are ${REVIEW_ACTIONS.join(', ')}`);
  }
  const act = action as ReviewAction;
  if (NEEDS_PUBLICATION.includes(act) && publicationId === undefined) throw new UsageError(`hubctl review ${act} needs <publicationId>`);
  const unexpected = act === 'list' ? words.slice(1) : extra;
  if (unexpected.length > 0) throw new UsageError(`hubctl review ${act} takes ${act === 'list' ? 'no arguments' : 'one <publicationId>'}; unexpected: ${unexpected.join(' ')}`);
  if (values.gateway !== undefined) throw new UsageError('--gateway does not apply to hubctl review; the review service is at --review-service');
  if (values.source !== undefined) throw new UsageError('--source does not apply to hubctl review');
  if (values.mask && act !== 'approve') throw new UsageError(`--mask does not apply to hubctl review ${act}`);
  if (values.note !== undefined && act !== 'approve' && act !== 'reject') throw new UsageError(`--note does not apply to hubctl review ${act}`);
  if (values['event-id'] !== undefined && act !== 'approve' && act !== 'reject') throw new UsageError(`--event-id does not apply to hubctl review ${act}`);
  if (act === 'reject' && (values.note ?? '').trim() === '') throw new UsageError('hubctl review reject needs --note saying why');

  const reviewService = values['review-service'] ?? env.HUB_REVIEW_SERVICE ?? DEFAULT_REVIEW_SERVICE;
  if (!/^[^\s:]+:\d{1,5}$/.test(reviewService) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(reviewService)) {
    throw new UsageError(`--review-service must be host:port, e.g. ${DEFAULT_REVIEW_SERVICE}; got '${reviewService}'`);
  }
  const token = values.token ?? env.HUB_TOKEN;
  return {
    command: 'review',
    action: act,
    ...(publicationId === undefined ? {} : { publicationId }),
    reviewService,
    timeoutMs,
    json: values.json === true,
    ...(token ? { token } : {}),
    mask: values.mask === true,
    ...(values.note === undefined ? {} : { note: values.note }),
    ...(values['event-id'] === undefined ? {} : { eventId: values['event-id'] }),
  };
}

/** Runs a review command against the review service and returns the exit code. */
export async function runReview(invocation: ReviewInvocation, output: ReportOutput, connect: (address: string) => ReviewCalls): Promise<ExitCode> {
  if (!invocation.token) throw new MissingTokenError('operator');
  const settings: CallSettings = { token: invocation.token, deadline: new Date(Date.now() + invocation.timeoutMs) };
  const client = connect(invocation.reviewService);
  let eventId = invocation.eventId;
  try {
    switch (invocation.action) {
      case 'list': {
        const { items } = await client.listHeld({}, settings);
        if (invocation.json) output.out(JSON.stringify({ ok: true, items: items.map(heldItemJson) }));
        else formatHeldList(items).forEach((line) => output.out(line));
        return ExitCode.OK;
      }
      case 'show': {
        const publication = await client.getHeld({ publicationId: invocation.publicationId! }, settings);
        if (invocation.json) output.out(JSON.stringify({ ok: true, publicationId: publication.publicationId, items: publication.items.map(heldItemJson) }));
        else formatHeldPublication(publication).forEach((line) => output.out(line));
        return ExitCode.OK;
      }
      default: {
        const publicationId = invocation.publicationId!;
        eventId ??= chooseEvent(await client.getHeld({ publicationId }, settings));
        const decision: reviewApi.OperatorDecision =
          invocation.action === 'reject' ? 'OPERATOR_DECISION_REJECT' : invocation.mask ? 'OPERATOR_DECISION_APPROVE_WITH_MASKING' : 'OPERATOR_DECISION_APPROVE';
        const recorded = await client.decide({ publicationId, eventId, decision, note: invocation.note ?? '' }, settings);
        if (invocation.json) output.out(JSON.stringify({ ok: true, ...decisionJson(recorded) }));
        else formatRecordedDecision(recorded).forEach((line) => output.out(line));
        return ExitCode.OK;
      }
    }
  } catch (err) {
    if (!isCallFailure(err)) throw err;
    return printFailure(reportCallFailure(err, { reviewService: invocation.reviewService, ...(eventId === undefined ? {} : { eventId }) }), invocation.json, output, false);
  } finally {
    client.close();
  }
}

/**
 * The held event a decision without `--event-id` is about: the one waiting. With none waiting,
 * the latest, so the review service says why it cannot be decided.
 */
function chooseEvent(publication: reviewApi.HeldPublication__Output): string {
  const waiting = publication.items.filter((item) => item.state === 'REVIEW_DECISION_HELD');
  if (waiting.length > 1) {
    throw new UsageError(
      `publication ${publication.publicationId} has ${waiting.length} held events waiting (${waiting.map((w) => w.eventId).join(', ')}); name one with --event-id`,
    );
  }
  const chosen = waiting[0] ?? publication.items.at(-1);
  if (!chosen) throw new UsageError(`nothing of publication ${publication.publicationId} is held`);
  return chosen.eventId;
}

/** The held events waiting for a decision, for people. */
export function formatHeldList(items: readonly reviewApi.HeldItem__Output[]): string[] {
  if (items.length === 0) return ['no held events wait for a decision'];
  const lines = [`${items.length} held event${items.length === 1 ? '' : 's'} waiting for a decision, the longest-waiting first:`];
  for (const item of items) {
    lines.push(`  ${item.publicationId}  ${item.title}`);
    lines.push(`    ${describeEvent(item)}, held ${isoOf(item.heldAt) ?? '?'}${item.issuingBodyName ? `, ${item.issuingBodyName}` : ''}`);
    lines.push(`    found: ${findingCounts(item.findings)}`);
  }
  return lines;
}

/** One publication's held events, waiting or decided, with their findings, for people. */
export function formatHeldPublication(publication: reviewApi.HeldPublication__Output): string[] {
  const { items } = publication;
  const lines = [`${publication.publicationId}: ${items.length} held event${items.length === 1 ? '' : 's'}`];
  for (const item of items) {
    lines.push(`  ${describeEvent(item)}`);
    lines.push(`    title:         ${item.title}`);
    if (item.issuingBodyName || item.issuingBodyCreditCode) lines.push(`    issuing body:  ${item.issuingBodyName}${item.issuingBodyCreditCode ? ` (${item.issuingBodyCreditCode})` : ''}`);
    lines.push(`    held at:       ${isoOf(item.heldAt) ?? '?'}`);
    lines.push(`    state:         ${describeState(item)}`);
    if (item.decision?.note) lines.push(`    note:          ${item.decision.note}`);
    lines.push(`    findings:`);
    for (const f of item.findings) lines.push(`      ${withoutPrefix(f.kind, 'FINDING_KIND_')} in ${f.field}: ${f.excerpt}${f.rule ? ` (${f.rule})` : ''}`);
  }
  return lines;
}

/** A decision just made, for people: what was released (or not), by whom and when. */
export function formatRecordedDecision(d: reviewApi.RecordedDecision__Output): string[] {
  const outcome = withoutPrefix(d.decision, 'REVIEW_DECISION_');
  const to = d.channels.length > 0 ? ` to ${d.channels.join(', ')}` : '';
  const first =
    outcome === 'APPROVED'
      ? `approved ${d.eventId} of ${d.publicationId}: released as accepted${to}`
      : outcome === 'APPROVED_MASKED'
        ? `approved with masking ${d.eventId} of ${d.publicationId}: released the masked copy ${d.releasedEventId}${to}`
        : `rejected ${d.eventId} of ${d.publicationId}: nothing released`;
  return [first, `  decided by ${d.decidedBy} at ${isoOf(d.decidedAt) ?? '?'}${d.note ? `: ${d.note}` : ''}`];
}

function describeEvent(item: reviewApi.HeldItem__Output): string {
  return `event ${item.eventId} (${item.eventType}${item.revision !== undefined ? `, revision ${item.revision}` : ''})`;
}

function describeState(item: reviewApi.HeldItem__Output): string {
  const d = item.decision;
  if (!d) return 'waiting for a decision';
  const outcome = withoutPrefix(d.decision, 'REVIEW_DECISION_');
  const by = d.decidedBy === 'retraction' ? 'cancelled by a retraction' : `by ${d.decidedBy}`;
  return `${outcome} ${by} at ${isoOf(d.decidedAt) ?? '?'}${d.releasedEventId ? `, released ${d.releasedEventId}` : ''}`;
}

/** `RESIDENT_ID ×2, MOBILE_NUMBER`. */
function findingCounts(findings: readonly reviewApi.Finding__Output[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const kind = withoutPrefix(f.kind, 'FINDING_KIND_');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => (n === 1 ? kind : `${kind} ×${n}`)).join(', ') || 'nothing';
}

function heldItemJson(item: reviewApi.HeldItem__Output): Record<string, unknown> {
  return {
    publicationId: item.publicationId,
    eventId: item.eventId,
    eventType: item.eventType,
    revision: item.revision ?? null,
    title: item.title,
    issuingBody: { name: item.issuingBodyName, creditCode: item.issuingBodyCreditCode },
    heldAt: isoOf(item.heldAt) ?? null,
    state: withoutPrefix(item.state, 'REVIEW_DECISION_'),
    findings: item.findings.map((f) => ({ kind: withoutPrefix(f.kind, 'FINDING_KIND_'), field: f.field, excerpt: f.excerpt, rule: f.rule || null })),
    decision: item.decision ? decisionJson(item.decision) : null,
  };
}

function decisionJson(d: reviewApi.RecordedDecision__Output): Record<string, unknown> {
  return {
    publicationId: d.publicationId,
    eventId: d.eventId,
    decision: withoutPrefix(d.decision, 'REVIEW_DECISION_'),
    decidedBy: d.decidedBy,
    decidedAt: isoOf(d.decidedAt) ?? null,
    note: d.note || null,
    releasedEventId: d.releasedEventId || null,
    channels: d.channels,
  };
}
