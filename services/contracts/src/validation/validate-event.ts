/**
 * The hub's rules for an event's data, beyond what the Avro schema can say. The gateway calls
 * {@link validateEvent} before anything reaches Kafka and answers the caller with every
 * broken rule at once, so a clerk fixes a document in one round, not ten.
 */
import { epochDaysToIsoDate, isoDateToEpochDays } from '../avro-logical-types';
import { EVENT_FIELD_NAMES, type EventData, type EventType } from '../events/event-types';
import type { RequestStep } from '../events/request-status-changed';
import { getDefaultRegistry, type SchemaRegistry } from '../schema-registry';
import { findCreditCodeProblem } from './credit-code';
import { parseDocumentNumber } from './document-number';
import { parseIndexNumber } from './index-number';
import { INPUT_LIMITS } from './input-limits';
import { allowedNextRequestSteps, isRequestStepAllowed } from './request-steps';
import { findUnsafeText } from './text-safety';
import type { ValidationRule, Violation } from './violation';

/** What the validator cannot know from the event alone. */
export interface ValidationContext {
  /**
   * For `request.status_changed`: the request's previous step, or null when this is its
   * first. Leave it out when unknown, and the step order is not checked.
   */
  readonly previousRequestStep?: RequestStep | null;
  /** Schemas to check the data's shape against; the repository's by default. */
  readonly registry?: SchemaRegistry;
}

/** The event to validate: its type and its data in the current schema version. */
export interface EventToValidate<T extends EventType = EventType> {
  readonly type: T;
  readonly data: EventData<T>;
}

/**
 * Checks an event against the hub's rules and returns every violation, with fields named as
 * in the ingest API (`document.issuingBody.creditCode`); an empty array when it is valid.
 * Never throws on malformed data: what does not fit the schema is reported as `schema`.
 */
export function validateEvent<T extends EventType>(event: EventToValidate<T>, context: ValidationContext = {}): Violation[] {
  const prefix = EVENT_FIELD_NAMES[event.type];
  if (prefix === undefined) {
    return [{ field: 'type', rule: 'schema', description: `"${String(event.type)}" is not an event type of the hub` }];
  }
  const data: unknown = event.data;
  if (!isRecord(data)) return [{ field: prefix, rule: 'required', description: 'the event has no data' }];
  const check = new Checker(prefix);

  checkText(check, data, []);
  switch (event.type) {
    case 'document.published':
      checkDocument(check, data);
      break;
    case 'interpretation.published':
      checkInterpretation(check, data);
      break;
    case 'procurement.published':
      checkProcurement(check, data);
      break;
    case 'request.status_changed':
      checkRequestStatus(check, data, context);
      break;
    case 'publication.retracted':
      checkRetraction(check, data);
      break;
    default:
      // Internal events (review, delivery, alerts) are written by the hub itself; the schema
      // and text checks below are what protects their readers.
      break;
  }
  checkSchema(check, event.type, data, context.registry ?? getDefaultRegistry());
  return check.violations;
}

/** Collects violations under one field prefix. */
class Checker {
  readonly violations: Violation[] = [];
  constructor(private readonly prefix: string) {}

  add(path: readonly (string | number)[], rule: ValidationRule, description: string): void {
    this.violations.push({ field: fieldPath(this.prefix, path), rule, description });
  }

  /** Whether some violation already names this field or one inside it. */
  covers(path: readonly (string | number)[]): boolean {
    const field = fieldPath(this.prefix, path);
    return this.violations.some((v) => v.field === field || v.field.startsWith(`${field}.`) || v.field.startsWith(`${field}[`));
  }
}

function fieldPath(prefix: string, path: readonly (string | number)[]): string {
  let out = prefix;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${part}`;
  return out;
}

type Data = Record<string, unknown>;

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// ---- rules shared by several events ---------------------------------------------------

/** Every string anywhere in the data must be safe to show and to encode. */
function checkText(check: Checker, value: unknown, path: (string | number)[]): void {
  if (typeof value === 'string') {
    const problem = findUnsafeText(value);
    if (problem === 'control-character') {
      check.add(path, problem, 'contains a control character; only tab, line feed and carriage return are allowed');
    } else if (problem === 'invalid-utf8') {
      check.add(path, problem, 'contains bytes that are not valid UTF-8 (or the replacement character U+FFFD)');
    } else if (problem === 'lone-surrogate') {
      check.add(path, problem, 'contains a lone UTF-16 surrogate, which is not valid Unicode text');
    }
  } else if (Array.isArray(value)) {
    // One path, extended and cut back as the walk goes: check.add copies it into the field name.
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      checkText(check, value[index], path);
      path.pop();
    }
  } else if (isRecord(value)) {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      path.push(key);
      checkText(check, value[key], path);
      path.pop();
    }
  }
}

function required(check: Checker, data: Data, path: (string | number)[], what: string): string | undefined {
  const value = text(valueAt(data, path));
  if (value === undefined || value.trim().length === 0) {
    check.add(path, 'required', `${what} is required`);
    return undefined;
  }
  return value;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = data;
  for (const part of path) {
    if (typeof part === 'number') current = Array.isArray(current) ? current[part] : undefined;
    else current = isRecord(current) ? current[part] : undefined;
  }
  return current;
}

function positiveInteger(check: Checker, data: Data, path: string[], what: string): void {
  const value = valueAt(data, path);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    check.add(path, 'positive-integer', `${what} is a whole number from 1`);
  }
}

function enumSet(check: Checker, data: Data, path: string[], what: string): void {
  if (valueAt(data, path) === 'UNKNOWN') {
    check.add(path, 'enum-unspecified', `${what} must be stated`);
  }
}

function creditCode(check: Checker, data: Data, path: string[], what: string, optional: boolean): void {
  const value = text(valueAt(data, path));
  if (value === undefined || value.length === 0) {
    if (!optional) check.add(path, 'required', `${what} is required`);
    return;
  }
  const problem = findCreditCodeProblem(value);
  if (problem?.kind === 'format') {
    check.add(path, 'credit-code-format', `${what} is not a unified social credit code (统一社会信用代码): it ${problem.reason}`);
  } else if (problem?.kind === 'check-character') {
    check.add(
      path,
      'credit-code-check-character',
      `${what} has check character ${problem.actual} where GB 32100-2015 gives ${problem.expected}; a character is probably mistyped`,
    );
  }
}

function isoDate(check: Checker, data: Data, path: string[], what: string, optional: boolean): string | undefined {
  const value = valueAt(data, path);
  if (value === null && optional) return undefined;
  if (typeof value !== 'string' || isoDateToEpochDays(value) === undefined) {
    check.add(path, 'date-format', `${what} must be a calendar date written YYYY-MM-DD`);
    return undefined;
  }
  return value;
}

function timestamp(check: Checker, data: Data, path: string[], what: string, optional: boolean): Date | undefined {
  const value = valueAt(data, path);
  if (value === null && optional) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    check.add(path, 'timestamp-invalid', `${what} must be a valid point in time`);
    return undefined;
  }
  return value;
}

/** The calendar date of an instant (a Date or epoch milliseconds) in China Standard Time (UTC+8, no daylight saving). */
export function chinaDate(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return epochDaysToIsoDate(Math.floor((ms + 8 * 3_600_000) / 86_400_000));
}

function issuingBody(check: Checker, data: Data, key: string, what: string): void {
  required(check, data, [key, 'name'], `the name of the ${what}`);
  creditCode(check, data, [key, 'creditCode'], `the credit code of the ${what}`, false);
}

function region(check: Checker, data: Data): void {
  const code = text(valueAt(data, ['region', 'code']));
  if (code === undefined || !REGION_CODE.test(code)) {
    check.add(['region', 'code'], 'region-code-format', 'the region code is the six-digit administrative division code (行政区划代码), e.g. 371500');
  }
  required(check, data, ['region', 'name'], 'the region name');
}

function titleAndBody(check: Checker, data: Data): void {
  const title = required(check, data, ['title'], 'the title');
  if (title !== undefined && [...title].length > INPUT_LIMITS.titleMaxChars) {
    check.add(['title'], 'title-length', `the title has ${[...title].length} characters; at most ${INPUT_LIMITS.titleMaxChars} are allowed`);
  }
  const body = text(data.body);
  if (body === undefined) {
    check.add(['body'], 'required', 'the body is required');
  } else if (Buffer.byteLength(body, 'utf8') > INPUT_LIMITS.bodyMaxBytes) {
    check.add(['body'], 'body-size', `the body is ${Buffer.byteLength(body, 'utf8')} bytes of UTF-8; at most ${INPUT_LIMITS.bodyMaxBytes} are allowed`);
  }
}

/** A region code: the six-digit administrative division code (行政区划代码). */
export const REGION_CODE = /^\d{6}$/;
/** An attachment's hash: SHA-256 as 64 lowercase hexadecimal characters. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** An attachment's media type: RFC 6838 type/subtype names, without parameters. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

function attachments(check: Checker, data: Data): void {
  const list = data.attachments;
  if (!Array.isArray(list)) return; // the schema check reports it
  if (list.length > INPUT_LIMITS.attachmentsMax) {
    check.add(['attachments'], 'attachment-count', `${list.length} attachments; at most ${INPUT_LIMITS.attachmentsMax} are allowed`);
  }
  list.forEach((item: unknown, index) => {
    if (!isRecord(item)) return;
    const at = (key: string): (string | number)[] => ['attachments', index, key];
    required(check, data, at('name'), 'the attachment name');
    required(check, data, at('uri'), 'the attachment location');
    const mediaType = text(item.mediaType);
    if (mediaType === undefined || !MEDIA_TYPE.test(mediaType)) {
      check.add(at('mediaType'), 'attachment-media-type', 'the media type must be a type/subtype such as application/pdf, without parameters');
    }
    const hash = text(item.sha256);
    if (hash === undefined || !SHA256_HEX.test(hash)) {
      check.add(at('sha256'), 'attachment-hash', 'the hash must be the SHA-256 of the file as 64 lowercase hexadecimal characters');
    }
    const size = item.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > INPUT_LIMITS.attachmentMaxBytes) {
      check.add(at('size'), 'attachment-size', `the declared size must be a whole number of bytes from 1 to ${INPUT_LIMITS.attachmentMaxBytes}`);
    }
  });
}

function indexNumber(check: Checker, data: Data, optional: boolean): void {
  const value = valueAt(data, ['indexNumber']);
  if ((value === null || value === '') && optional) return;
  const parsed = typeof value === 'string' ? parseIndexNumber(value) : undefined;
  if (!parsed) {
    check.add(['indexNumber'], 'index-number-format', 'the index number (索引号) is written {issuing body code}/{YYYY}-{5-digit serial}, e.g. 11371500004310437T/2025-00012');
    return;
  }
  const codes = [valueAt(data, ['issuingBody', 'creditCode']), valueAt(data, ['issuingBody', 'code'])];
  if (!codes.includes(parsed.bodyCode)) {
    check.add(['indexNumber'], 'index-number-issuing-body', `the index number starts with ${parsed.bodyCode}, which is neither the issuing body's credit code nor its code`);
  }
}

// ---- per event type -------------------------------------------------------------------

function checkDocument(check: Checker, data: Data): void {
  const publicationId = required(check, data, ['publicationId'], 'the publication id');
  positiveInteger(check, data, ['revision'], 'the revision');
  issuingBody(check, data, 'issuingBody', 'issuing body');
  indexNumber(check, data, false);
  const documentNumber = valueAt(data, ['documentNumber']);
  if (documentNumber !== null && (typeof documentNumber !== 'string' || !parseDocumentNumber(documentNumber))) {
    check.add(['documentNumber'], 'document-number-format', 'the document number (文号) is written like 聊政办字〔2025〕12号: issuer code, the year in 〔〕, the serial without leading zeros, then 号');
  }
  required(check, data, ['catalogueItem', 'code'], 'the catalogue item code');
  required(check, data, ['catalogueItem', 'name'], 'the catalogue item name');
  required(check, data, ['subjectCategory'], 'the subject category');
  titleAndBody(check, data);
  attachments(check, data);
  const formedOn = isoDate(check, data, ['formedOn'], 'the formed-on date (成文日期)', false);
  const publishedAt = timestamp(check, data, ['publishedAt'], 'the publication time', false);
  if (formedOn !== undefined && publishedAt !== undefined && formedOn > chinaDate(publishedAt)) {
    check.add(['formedOn'], 'formed-not-after-published', `the document is formed on ${formedOn}, after it was published on ${chinaDate(publishedAt)}`);
  }
  enumSet(check, data, ['validity', 'status'], 'the validity');
  const effectiveOn = isoDate(check, data, ['validity', 'effectiveOn'], 'the effective date', true);
  const endedOn = isoDate(check, data, ['validity', 'endedOn'], 'the end date', true);
  const status = valueAt(data, ['validity', 'status']);
  if ((status === 'EXPIRED' || status === 'REPEALED') && valueAt(data, ['validity', 'endedOn']) === null) {
    check.add(['validity', 'endedOn'], 'validity-end-date', `a document that is ${status === 'EXPIRED' ? '失效 (expired)' : '废止 (repealed)'} needs the date it ended`);
  }
  if (status === 'VALID' && endedOn !== undefined) {
    check.add(['validity', 'endedOn'], 'validity-end-date', 'a document in force (有效) has no end date');
  }
  if (effectiveOn !== undefined && endedOn !== undefined && endedOn < effectiveOn) {
    check.add(['validity', 'endedOn'], 'validity-dates-order', `the end date ${endedOn} is before the effective date ${effectiveOn}`);
  }
  region(check, data);
  enumSet(check, data, ['importance'], 'the importance');
  if (publicationId !== undefined && valueAt(data, ['supersedes']) === publicationId) {
    check.add(['supersedes'], 'supersedes-self', 'a document cannot supersede itself');
  }
}

function checkInterpretation(check: Checker, data: Data): void {
  const publicationId = required(check, data, ['publicationId'], 'the publication id');
  positiveInteger(check, data, ['revision'], 'the revision');
  const policy = required(check, data, ['policyPublicationId'], 'the publication id of the policy interpreted');
  if (policy !== undefined && policy === publicationId) {
    check.add(['policyPublicationId'], 'policy-self-reference', 'an interpretation explains another publication, not itself');
  }
  enumSet(check, data, ['form'], 'the form of the interpretation');
  indexNumber(check, data, true);
  issuingBody(check, data, 'issuingBody', 'issuing body');
  titleAndBody(check, data);
  attachments(check, data);
  timestamp(check, data, ['publishedAt'], 'the publication time', false);
  region(check, data);
  enumSet(check, data, ['importance'], 'the importance');
}

function checkProcurement(check: Checker, data: Data): void {
  required(check, data, ['publicationId'], 'the publication id');
  positiveInteger(check, data, ['revision'], 'the revision');
  enumSet(check, data, ['noticeKind'], 'the kind of notice');
  required(check, data, ['projectCode'], 'the project code');
  required(check, data, ['projectName'], 'the project name');
  titleAndBody(check, data);
  required(check, data, ['purchaser', 'name'], 'the purchaser');
  creditCode(check, data, ['purchaser', 'creditCode'], "the purchaser's credit code", true);
  if (isRecord(data.agency)) {
    required(check, data, ['agency', 'name'], 'the name of the agency');
    creditCode(check, data, ['agency', 'creditCode'], "the agency's credit code", true);
  }
  const department = text(valueAt(data, ['supervisingDepartment', 'name']));
  if (department === undefined || department.trim().length === 0) {
    check.add(['supervisingDepartment'], 'supervising-department-required', 'a procurement notice must name its supervising department (监督部门)');
  } else {
    creditCode(check, data, ['supervisingDepartment', 'creditCode'], "the supervising department's credit code", true);
  }
  enumSet(check, data, ['method'], 'the procurement method');
  for (const key of ['budgetFen', 'awardAmountFen']) {
    const amount = data[key];
    if (amount === null && key === 'awardAmountFen') continue;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      check.add([key], 'money-non-negative', 'amounts are whole numbers of fen (分), never negative');
    }
  }
  const kind = data.noticeKind;
  if (kind === 'AWARD' || kind === 'CONTRACT') {
    if (!isRecord(data.awardedSupplier)) {
      check.add(['awardedSupplier'], 'award-details-required', `a ${kind === 'AWARD' ? 'result' : 'contract'} notice names the awarded supplier`);
    } else {
      required(check, data, ['awardedSupplier', 'name'], 'the name of the awarded supplier');
      creditCode(check, data, ['awardedSupplier', 'creditCode'], "the awarded supplier's credit code", true);
    }
    if (data.awardAmountFen === null) {
      check.add(['awardAmountFen'], 'award-details-required', `a ${kind === 'AWARD' ? 'result' : 'contract'} notice states the amount`);
    }
  }
  timestamp(check, data, ['bidDeadlineAt'], 'the bid deadline', true);
  attachments(check, data);
  timestamp(check, data, ['publishedAt'], 'the publication time', false);
  region(check, data);
}

function checkRequestStatus(check: Checker, data: Data, context: ValidationContext): void {
  required(check, data, ['requestId'], 'the request id');
  enumSet(check, data, ['step'], 'the step');
  positiveInteger(check, data, ['sequence'], 'the sequence number');
  const step = data.step as RequestStep;
  if (step === 'RECEIVED' && data.sequence !== 1) {
    check.add(['sequence'], 'request-sequence', 'receipt is the first step of a request, sequence 1');
  }
  if (context.previousRequestStep !== undefined && step !== 'UNKNOWN' && !isRequestStepAllowed(context.previousRequestStep, step)) {
    const previous = context.previousRequestStep;
    const allowed = allowedNextRequestSteps(previous);
    check.add(
      ['step'],
      'request-step-order',
      `${step} may not follow ${previous ?? 'the start of a request'}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (the request is closed)'}`,
    );
  }
  timestamp(check, data, ['occurredAt'], 'the time of the step', false);
  const receivedOn = isoDate(check, data, ['receivedOn'], 'the date of receipt', false);
  const dueOn = isoDate(check, data, ['dueOn'], 'the due date', true);
  if (receivedOn !== undefined && dueOn !== undefined && dueOn < receivedOn) {
    check.add(['dueOn'], 'request-dates-order', `the reply is due on ${dueOn}, before the request was received on ${receivedOn}`);
  }
  issuingBody(check, data, 'handlingBody', 'handling body');
  const outcome = data.outcome;
  if (step === 'REPLIED' && (outcome === null || outcome === 'UNKNOWN')) {
    check.add(['outcome'], 'reply-outcome', 'a reply states its outcome (答复结果)');
  } else if (step !== 'REPLIED' && outcome !== null && outcome !== undefined) {
    check.add(['outcome'], 'reply-outcome', 'only a reply has an outcome');
  }
  if (isRecord(data.applicant)) {
    enumSet(check, data, ['applicant', 'kind'], 'the kind of applicant');
    required(check, data, ['applicant', 'name'], "the applicant's name");
  }
}

function checkRetraction(check: Checker, data: Data): void {
  required(check, data, ['publicationId'], 'the publication id');
  enumSet(check, data, ['reasonCode'], 'the reason for the retraction');
  required(check, data, ['reason'], 'the reason in words');
  required(check, data, ['requestedBy'], 'who ordered the retraction');
  timestamp(check, data, ['retractedAt'], 'the time of the retraction', false);
}

/** Anything the rules above did not already report that would stop the Avro encoder. */
function checkSchema(check: Checker, type: EventType, data: Data, registry: SchemaRegistry): void {
  const schema = registry.latest(type).type;
  // The plain check is compiled by avsc and fast; only data that fails pays for the walk that names fields.
  if (schema.isValid(data)) return;
  schema.isValid(data, {
    errorHook: (path: string[]) => {
      const parts = path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      if (check.covers(parts)) return;
      check.add(parts, 'schema', 'is missing or not of the type the event schema requires');
    },
  });
}
