/**
 * Due dates in working days (Regulations on Open Government Information, 2019 revision).
 *
 * Proactive items (主动公开): published no later than 20 working days after being formed or
 * changed (Art. 26), and sooner where the city's pilot sets a per-type, per-channel limit.
 * Requests (依申请公开): answered within 20 working days of receipt, extended once by at most
 * 20 more (Art. 33); the time of third-party consultation (Art. 32) and of waiting for the
 * applicant's correction (Art. 30) does not count, and a corrected request is timed afresh
 * from receipt of the correction.
 *
 * Counting always starts the day after the day of formation, receipt or correction, which
 * itself does not count.
 */
import {
  CHANNELS,
  DISCLOSURE_EVENT_TYPES,
  findRequestHistoryProblem,
  isChannelName,
  type ChannelName,
  type EventDataMap,
  type RequestStatusChanged,
  type RequestStep,
} from '@gongkai/contracts';
import { InvalidConfigError, InvalidDateError, RequestHistoryError } from './errors';
import { chinaDateOf, nextDay, parseIsoDate, type IsoDate, type WorkingCalendar } from './working-calendar';

/** Art. 26: proactive information within 20 working days of being formed or changed. */
export const PROACTIVE_WORKING_DAYS = 20;
/** Art. 33: a reply within 20 working days of receipt. */
export const REQUEST_WORKING_DAYS = 20;
/** Art. 33: one extension of at most 20 working days. */
export const MAX_EXTENSION_WORKING_DAYS = 20;

/** Per-type, per-channel publishing limits in working days, e.g. `{ 'document.published': { website: 5, newmedia: 3 } }`. */
export type ChannelLimits = Readonly<Record<string, Readonly<Partial<Record<ChannelName, number>>>>>;

/**
 * Checks limits read from configuration: known event types and channels, whole numbers of
 * working days from 1. A limit above the statutory 20 is allowed but never wins.
 * @throws InvalidConfigError naming the entry.
 */
export function validateChannelLimits(limits: unknown): ChannelLimits {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidConfigError('limits', 'must map event types to channels to working days');
  }
  const out: Record<string, Partial<Record<ChannelName, number>>> = {};
  for (const [type, perChannel] of Object.entries(limits)) {
    if (!(DISCLOSURE_EVENT_TYPES as readonly string[]).includes(type) || type === 'publication.retracted' || type === 'request.status_changed') {
      throw new InvalidConfigError(`limits.${type}`, 'publishing limits are for document, interpretation and procurement events');
    }
    if (typeof perChannel !== 'object' || perChannel === null || Array.isArray(perChannel)) {
      throw new InvalidConfigError(`limits.${type}`, 'must map channels to working days');
    }
    const channels: Partial<Record<ChannelName, number>> = {};
    for (const [channel, days] of Object.entries(perChannel as Record<string, unknown>)) {
      if (!isChannelName(channel)) throw new InvalidConfigError(`limits.${type}.${channel}`, `is not a channel (${CHANNELS.join(', ')})`);
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
        throw new InvalidConfigError(`limits.${type}.${channel}`, `must be a whole number of working days from 1, got ${String(days)}`);
      }
      channels[channel] = days;
    }
    out[type] = Object.freeze(channels);
  }
  return Object.freeze(out);
}

/** When an item must be out on one channel, and which limit decided it. */
export interface ChannelDue {
  readonly channel: ChannelName;
  readonly dueOn: IsoDate;
  readonly workingDays: number;
  /** `statutory`: the 20 working days of Art. 26; `configured`: the shorter per-type, per-channel limit. */
  readonly basis: 'statutory' | 'configured';
}

/**
 * The due date of a proactive item on each channel it is routed to: 20 working days after
 * `formedOn`, or the configured limit for its type and channel when that comes earlier.
 */
export function proactiveDueDates(
  item: { readonly type: string; readonly formedOn: IsoDate },
  channels: readonly ChannelName[],
  limits: ChannelLimits,
  calendar: WorkingCalendar,
): ChannelDue[] {
  parseIsoDate(item.formedOn, 'formedOn');
  const statutoryDue = calendar.addWorkingDays(item.formedOn, PROACTIVE_WORKING_DAYS);
  return [...new Set(channels)].map((channel) => {
    const configured = limits[item.type]?.[channel];
    if (configured !== undefined && configured < PROACTIVE_WORKING_DAYS) {
      return { channel, dueOn: calendar.addWorkingDays(item.formedOn, configured), workingDays: configured, basis: 'configured' as const };
    }
    return { channel, dueOn: statutoryDue, workingDays: PROACTIVE_WORKING_DAYS, basis: 'statutory' as const };
  });
}

/**
 * The day a proactive item counts from: a document's 成文日期; for an interpretation or a
 * procurement notice, which carry no formation date, the China date of `publishedAt`.
 */
export function formationDateOf(
  event:
    | { readonly type: 'document.published'; readonly data: EventDataMap['document.published'] }
    | { readonly type: 'interpretation.published'; readonly data: EventDataMap['interpretation.published'] }
    | { readonly type: 'procurement.published'; readonly data: EventDataMap['procurement.published'] },
): IsoDate {
  return event.type === 'document.published' ? event.data.formedOn : chinaDateOf(event.data.publishedAt);
}

/** Whether something due on `dueOn` is late on `at`: the due date itself is still in time. */
export function isPastDue(dueOn: IsoDate, at: IsoDate): boolean {
  parseIsoDate(dueOn, 'dueOn');
  parseIsoDate(at, 'at');
  return at > dueOn;
}

/** One step of a request with the China date it happened on. */
export interface DatedRequestStep {
  readonly step: RequestStep;
  readonly on: IsoDate;
}

/** A request's history from its `request.status_changed` events, in sequence order, dated in China time. */
export function requestStepsFromEvents(events: readonly RequestStatusChanged[]): DatedRequestStep[] {
  return [...events].sort((a, b) => a.sequence - b.sequence).map((e) => ({ step: e.step, on: chinaDateOf(e.occurredAt) }));
}

/** Days that do not count: after `after` up to and including `until`. */
export interface ExcludedSpan {
  readonly reason: 'THIRD_PARTY_CONSULTATION';
  readonly after: IsoDate;
  readonly until: IsoDate;
}

/** Where a request stands against its statutory deadline. */
export interface RequestDeadline {
  readonly receivedOn: IsoDate;
  /** The day counting starts after: receipt, or receipt of the correction. */
  readonly clockStartedOn: IsoDate;
  /** 20, or 20 plus the extension. */
  readonly workingDaysAllowed: number;
  /** Null while the clock is stopped (an open consultation, an outstanding correction) with days still left. */
  readonly dueOn: IsoDate | null;
  readonly stoppedBy: 'CORRECTION_REQUESTED' | 'THIRD_PARTY_CONSULTATION' | null;
  /** The reply (or withdrawal) that stopped the clock for good. */
  readonly closedOn: IsoDate | null;
  readonly excluded: readonly ExcludedSpan[];
}

/**
 * Times a request from its step history (as the contracts' legal order allows it).
 * @throws RequestHistoryError for an illegal order or dates going back.
 * @throws CalendarYearMissingError when counting reaches a year without a calendar.
 */
export function requestDeadline(
  steps: readonly DatedRequestStep[],
  calendar: WorkingCalendar,
  options: { readonly extensionWorkingDays?: number } = {},
): RequestDeadline {
  const extension = options.extensionWorkingDays ?? MAX_EXTENSION_WORKING_DAYS;
  if (!Number.isInteger(extension) || extension < 1 || extension > MAX_EXTENSION_WORKING_DAYS) {
    throw new InvalidConfigError('extensionWorkingDays', `must be a whole number from 1 to ${MAX_EXTENSION_WORKING_DAYS}, got ${extension}`);
  }
  if (steps.length === 0) throw new RequestHistoryError(0, 'a request history starts with RECEIVED');
  const problem = findRequestHistoryProblem(steps.map((s) => s.step));
  if (problem) throw new RequestHistoryError(problem.index, problem.reason);
  steps.forEach((s, i) => {
    try {
      parseIsoDate(s.on, `steps[${i}].on`);
    } catch (err) {
      if (err instanceof InvalidDateError) throw new RequestHistoryError(i, `'${s.on}' is not a date YYYY-MM-DD`);
      throw err;
    }
    const previous = steps[i - 1];
    if (previous && s.on < previous.on) throw new RequestHistoryError(i, `${s.step} on ${s.on} is before ${previous.step} on ${previous.on}`);
  });

  const receivedOn = steps[0]!.on;
  let clockStartedOn = receivedOn;
  let allowed = REQUEST_WORKING_DAYS;
  let excluded: ExcludedSpan[] = [];
  let open: { reason: 'CORRECTION_REQUESTED' | 'THIRD_PARTY_CONSULTATION'; after: IsoDate } | null = null;
  let closedOn: IsoDate | null = null;
  for (const { step, on } of steps) {
    if (closedOn !== null) break;
    switch (step) {
      case 'CORRECTION_REQUESTED':
        open = { reason: 'CORRECTION_REQUESTED', after: on };
        break;
      case 'CORRECTED':
        // Art. 30: the period runs from receipt of the corrected request; days before it are gone.
        clockStartedOn = on;
        excluded = [];
        open = null;
        break;
      case 'THIRD_PARTY_CONSULTATION':
        open = { reason: 'THIRD_PARTY_CONSULTATION', after: on };
        break;
      case 'CONSULTATION_ENDED':
        if (open?.reason === 'THIRD_PARTY_CONSULTATION') excluded.push({ reason: 'THIRD_PARTY_CONSULTATION', after: open.after, until: on });
        open = null;
        break;
      case 'EXTENDED':
        allowed = REQUEST_WORKING_DAYS + extension;
        break;
      case 'REPLIED':
      case 'WITHDRAWN':
        closedOn = on;
        break;
      default:
        break;
    }
  }

  // Walk forward from the clock start, skipping excluded spans, until the allowed days are used
  // or an open stop is reached with days left.
  let dueOn: IsoDate | null = null;
  let stoppedBy: RequestDeadline['stoppedBy'] = null;
  let used = 0;
  for (let day = nextDay(clockStartedOn); ; day = nextDay(day)) {
    if (open && day > open.after) {
      stoppedBy = open.reason;
      break;
    }
    if (excluded.some((span) => day > span.after && day <= span.until)) continue;
    if (calendar.isWorkingDay(day) && ++used === allowed) {
      dueOn = day;
      break;
    }
  }
  return Object.freeze({ receivedOn, clockStartedOn, workingDaysAllowed: allowed, dueOn, stoppedBy, closedOn, excluded: Object.freeze(excluded) });
}

/**
 * Whether a request is overdue on `at`: unanswered past its due date, or answered after it (a
 * late reply stays late). A request whose clock is stopped with days left is not overdue.
 */
export function isRequestOverdue(deadline: RequestDeadline, at: IsoDate): boolean {
  parseIsoDate(at, 'at');
  if (deadline.dueOn === null) return false;
  const end = deadline.closedOn !== null && deadline.closedOn <= at ? deadline.closedOn : at;
  return end > deadline.dueOn;
}
