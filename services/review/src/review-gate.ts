/**
 * The review gate (保密审查): every free-text field of a disclosure event goes through the
 * detectors before any channel sees it. A finding holds the event for an operator, who
 * approves, approves with masking (`maskEvent`) or rejects.
 *
 * Two events are special. A retraction is never held: it is the remedy. A request-status
 * event carries its applicant (name, contact) by design, bound only for the provincial
 * platform; the gate does not look at those fields at all, so they never hold the event and
 * never reach a finding's excerpt, a decision event or a log.
 */
import {
  EVENT_FIELD_NAMES,
  type Attachment,
  type EventDataMap,
  type Finding as DecisionFinding,
  type FindingKind,
} from '@gongkai/contracts';
import {
  PERSONAL_DATA_DETECTORS,
  candidateSpans,
  findPersonalData,
  isPersonalDataRule,
  scanText,
  type DetectorFinding,
  type DetectorRule,
  type PersonalDataRule,
} from './detectors';
import { foldWidth } from './detectors/text-folding';
import type { WordLists } from './detectors/word-list';
import { FindingMismatchError, UnsupportedEventTypeError } from './errors';

/** The event types the gate reviews: those upstream systems hand the hub. */
export const REVIEWED_EVENT_TYPES = [
  'document.published',
  'interpretation.published',
  'procurement.published',
  'request.status_changed',
  'publication.retracted',
] as const;
/** An event type the gate reviews. */
export type ReviewedEventType = (typeof REVIEWED_EVENT_TYPES)[number];

/** An event as the gate sees it: its type and data (other envelope fields pass through `maskEvent` untouched). */
export type ReviewedEvent = { [T in ReviewedEventType]: { readonly type: T; readonly data: EventDataMap[T] } }[ReviewedEventType];

/** A detector's finding in one field of an event, e.g. `document.attachments[0].name`. */
export interface GateFinding extends DetectorFinding {
  readonly field: string;
}

/** What the gate checks besides its built-in rules. */
export interface ReviewConfig {
  readonly wordLists?: WordLists;
}

/** The gate's verdict: clean events are released, held ones wait for an operator. */
export interface ReviewResult {
  readonly verdict: 'clean' | 'held';
  readonly findings: readonly GateFinding[];
}

/** A free-text field of an event: where it is, what it holds, how to replace it in a copy. */
interface TextSlot {
  readonly path: string;
  readonly value: string;
  readonly write: (value: string) => void;
}

/** Collects the text fields of one object; `key` must hold a string (or null). */
function slotCollector(slots: TextSlot[]) {
  return <O extends object>(path: string, owner: O | null, key: keyof O & string): void => {
    if (owner === null) return;
    const value: unknown = owner[key];
    if (typeof value !== 'string' || value.length === 0) return;
    slots.push({ path, value, write: (v) => void ((owner as Record<string, unknown>)[key] = v) });
  };
}

function attachmentSlots(add: ReturnType<typeof slotCollector>, prefix: string, attachments: Attachment[]): void {
  attachments.forEach((a, i) => {
    add(`${prefix}.attachments[${i}].name`, a, 'name');
    add(`${prefix}.attachments[${i}].uri`, a, 'uri');
  });
}

/**
 * Every free-text field of an event, with its path. Identifiers checked at the gateway
 * (publication ids, index and project codes, credit codes, hashes, enums) are not free text.
 */
function textSlots(event: ReviewedEvent): TextSlot[] {
  const slots: TextSlot[] = [];
  const add = slotCollector(slots);
  const prefix = EVENT_FIELD_NAMES[event.type];
  switch (event.type) {
    case 'document.published': {
      const d = event.data;
      add(`${prefix}.title`, d, 'title');
      add(`${prefix}.body`, d, 'body');
      add(`${prefix}.documentNumber`, d, 'documentNumber');
      add(`${prefix}.subjectCategory`, d, 'subjectCategory');
      add(`${prefix}.catalogueItem.name`, d.catalogueItem, 'name');
      add(`${prefix}.issuingBody.name`, d.issuingBody, 'name');
      add(`${prefix}.region.name`, d.region, 'name');
      d.keywords.forEach((word, i) => {
        if (word.length > 0) slots.push({ path: `${prefix}.keywords[${i}]`, value: word, write: (v) => void (d.keywords[i] = v) });
      });
      attachmentSlots(add, prefix, d.attachments);
      break;
    }
    case 'interpretation.published': {
      const d = event.data;
      add(`${prefix}.title`, d, 'title');
      add(`${prefix}.body`, d, 'body');
      add(`${prefix}.interpreter`, d, 'interpreter');
      add(`${prefix}.issuingBody.name`, d.issuingBody, 'name');
      add(`${prefix}.region.name`, d.region, 'name');
      attachmentSlots(add, prefix, d.attachments);
      break;
    }
    case 'procurement.published': {
      const d = event.data;
      add(`${prefix}.title`, d, 'title');
      add(`${prefix}.body`, d, 'body');
      add(`${prefix}.projectName`, d, 'projectName');
      add(`${prefix}.purchaser.name`, d.purchaser, 'name');
      add(`${prefix}.agency.name`, d.agency, 'name');
      add(`${prefix}.supervisingDepartment.name`, d.supervisingDepartment, 'name');
      add(`${prefix}.awardedSupplier.name`, d.awardedSupplier, 'name');
      add(`${prefix}.region.name`, d.region, 'name');
      attachmentSlots(add, prefix, d.attachments);
      break;
    }
    case 'request.status_changed': {
      // `applicant` is left out on purpose: see the module comment.
      const d = event.data;
      add(`${prefix}.note`, d, 'note');
      add(`${prefix}.handlingBody.name`, d.handlingBody, 'name');
      break;
    }
    case 'publication.retracted':
      break;
    default:
      throw new UnsupportedEventTypeError(String((event as { type: unknown }).type));
  }
  return slots;
}

/** The issuing body whose own word list applies. */
function issuingBodyOf(event: ReviewedEvent): string | null {
  switch (event.type) {
    case 'document.published':
    case 'interpretation.published':
      return event.data.issuingBody.creditCode;
    case 'procurement.published':
      return event.data.purchaser.creditCode;
    case 'request.status_changed':
      return event.data.handlingBody.creditCode;
    default:
      return null;
  }
}

/** Reviews one event: `held` with its findings when any rule hits, `clean` otherwise. */
export function reviewEvent(event: ReviewedEvent, config: ReviewConfig = {}): ReviewResult {
  const slots = textSlots(event);
  if (event.type === 'publication.retracted') return { verdict: 'clean', findings: [] };
  const issuingBody = issuingBodyOf(event);
  const findings = slots.flatMap((slot) =>
    scanText(slot.value, { wordLists: config.wordLists, issuingBody }).map((f): GateFinding => ({ ...f, field: slot.path })),
  );
  return { verdict: findings.length > 0 ? 'held' : 'clean', findings };
}

const FINDING_KINDS: Readonly<Record<DetectorRule, FindingKind>> = {
  'classification-marker': 'CLASSIFICATION_MARKER',
  'resident-identity-number': 'RESIDENT_ID',
  'mobile-number': 'MOBILE_NUMBER',
  'bank-card-number': 'BANK_CARD',
  'email-address': 'EMAIL',
  'word-list': 'WORD_LIST',
};

/**
 * The findings as a `review.decided` event carries them: kind, field, masked excerpt, and the
 * rule (with the list for word lists, e.g. `word-list:global`). Offsets stay with the gate.
 */
export function toDecisionFindings(findings: readonly GateFinding[]): DecisionFinding[] {
  return findings.map((f) => ({
    kind: FINDING_KINDS[f.rule],
    field: f.field,
    excerpt: f.excerpt,
    rule: f.list === undefined ? f.rule : `${f.rule}:${f.list}`,
  }));
}

/** Lower-cases ASCII letters only, so offsets stay put. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Masks every occurrence of the given values in a text, in whatever form the detectors know it and literally. */
function maskValues(text: string, values: ReadonlyMap<PersonalDataRule, ReadonlySet<string>>): string {
  // Every hit and every occurrence of a value lies within the detector's spans: a value is all
  // characters of its spans' alphabet (see `candidateSpans`), so only those are folded and searched.
  const spans = candidateSpans(text);
  const ranges: { start: number; end: number; replacement: string }[] = [];
  for (const detector of PERSONAL_DATA_DETECTORS) {
    const wanted = values.get(detector.rule);
    if (!wanted || wanted.size === 0) continue;
    for (const hit of findPersonalData(detector, text, spans)) {
      const raw = text.slice(hit.start, hit.end);
      if (wanted.has(detector.canonical(raw))) ranges.push({ start: hit.start, end: hit.end, replacement: detector.maskInPlace(raw) });
    }
    // The same value glued to other characters (inside a longer digit run, a file name) is
    // not a detector hit but still the value.
    const bounds = spans[detector.spans];
    const haystacks: string[] = [];
    for (let k = 0; k < bounds.length; k += 2) haystacks.push(asciiLower(foldWidth(text.slice(bounds[k], bounds[k + 1]))));
    for (const value of wanted) {
      const needle = asciiLower(value);
      haystacks.forEach((haystack, h) => {
        const offset = bounds[2 * h]!;
        for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
          const raw = text.slice(offset + at, offset + at + needle.length);
          ranges.push({ start: offset + at, end: offset + at + needle.length, replacement: detector.maskInPlace(raw) });
        }
      });
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (const range of ranges) {
    if (range.start < cursor) continue;
    out += text.slice(cursor, range.start) + range.replacement;
    cursor = range.end;
  }
  return out + text.slice(cursor);
}

/**
 * "Approve with masking": a copy of the event with each personal-data finding masked
 * everywhere its value appears, in every field the gate reads (the same identity number in
 * the title and the body, a mobile number written `138-1234-5678` in one and `13812345678` in
 * another). Markers and word-list hits are left as written: masking cannot make them fit to
 * publish, the operator's approval does. The applicant of a request stays as it is, for the
 * provincial platform. Envelope fields other than `data` are copied unchanged.
 * @throws FindingMismatchError when a finding does not point at its value in this event; an
 * event is never released half-masked.
 */
export function maskEvent<E extends ReviewedEvent>(event: E, findings: readonly GateFinding[]): E {
  const original = new Map(textSlots(event).map((slot) => [slot.path, slot.value]));
  const values = new Map<PersonalDataRule, Set<string>>();
  for (const finding of findings) {
    const text = original.get(finding.field);
    if (text === undefined) throw new FindingMismatchError(finding.field, finding.rule, 'the event has no such text field');
    const raw = text.slice(finding.start, finding.end);
    if (!isPersonalDataRule(finding.rule)) {
      if (finding.end <= finding.start || finding.end > text.length) throw new FindingMismatchError(finding.field, finding.rule, 'offsets outside the field');
      continue;
    }
    const detector = PERSONAL_DATA_DETECTORS.find((d) => d.rule === finding.rule)!;
    const again = detector.find(foldWidth(raw));
    if (again.length !== 1 || again[0]!.start !== 0 || again[0]!.end !== raw.length) {
      throw new FindingMismatchError(finding.field, finding.rule, `the text at ${finding.start}–${finding.end} is not what the rule found`);
    }
    const set = values.get(finding.rule) ?? new Set<string>();
    set.add(detector.canonical(raw));
    values.set(finding.rule, set);
  }
  const copy = { ...event, data: structuredClone(event.data) } as E;
  if (values.size === 0) return copy;
  for (const slot of textSlots(copy)) {
    const masked = maskValues(slot.value, values);
    if (masked !== slot.value) slot.write(masked);
  }
  return copy;
}
