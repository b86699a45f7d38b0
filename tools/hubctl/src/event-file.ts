/**
 * Event files: what a person writes for `hubctl publish` — one event, or a list of them for
 * `publish-batch` — in JSON or YAML, with the event data in the schema's own terms
 * (`importance: IMPORTANT`, dates as `2025-06-26`, instants as ISO 8601 text):
 *
 * ```yaml
 * type: document.published
 * eventId: lc-oa-2025-000123-r1   # optional; hubctl makes one up when absent
 * data:
 *   publicationId: lc-zfbgs-2025-000123
 *   ...
 * ```
 *
 * hubctl checks only what would otherwise be lost on the way to the gateway: a field the
 * schema does not have would be dropped without a word, an unknown enum symbol would arrive as
 * "unspecified", text where a number belongs would be coerced. Every rule of the hub itself
 * (credit codes, document numbers, sizes …) is the gateway's to judge, so there is one source
 * of truth for it.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Type, types } from 'avsc';
import YAML from 'yaml';
import { PUBLISH_ONEOF_TYPES, eventDataToProto, getDefaultRegistry, type PublishOneofField, type ingestApi } from '@gongkai/contracts';
import { EventFileError, UnreadableFileError, type FileProblem } from './errors';

/** Event types hubctl can send: those `Publish` takes, and `publication.retracted` (sent with `Retract`). */
export const PUBLISHABLE_TYPES = Object.freeze([...Object.values(PUBLISH_ONEOF_TYPES), 'publication.retracted'] as const);
export type PublishableType = (typeof PUBLISHABLE_TYPES)[number];

/** Most items one `PublishBatch` call takes (`PublishBatchRequest.items`). */
export const MAX_BATCH_ITEMS = 500;

/** One event as an event file holds it. */
export interface FileEvent {
  readonly type: PublishableType;
  readonly eventId?: string;
  readonly source?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const TOP_LEVEL_KEYS = ['type', 'eventId', 'source', 'data'] as const;
const ONEOF_BY_TYPE = Object.fromEntries(Object.entries(PUBLISH_ONEOF_TYPES).map(([field, type]) => [type, field])) as Record<string, PublishOneofField>;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Reads the file: JSON when it ends in `.json`, YAML otherwise. */
export function readEventFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new UnreadableFileError(file, reason, { cause: err });
  }
  return parseEventFileText(text, file);
}

/** Parses an event file's text; `file` names it in errors and picks the format by its extension. */
export function parseEventFileText(text: string, file: string): unknown {
  if (text.trim() === '') throw new EventFileError(file, [{ path: '', problem: 'the file is empty' }]);
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      // V8 states the position in some messages only; the YAML parser (JSON is YAML) finds it for most others.
      const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
      const stated = /at position (\d+)/.exec(message)?.[1];
      const position = stated === undefined ? YAML.parseDocument(text, { prettyErrors: false }).errors[0]?.pos[0] : Number(stated);
      const where = position === undefined ? '' : `${lineAndColumn(text, position)}: `;
      throw new EventFileError(file, [{ path: '', problem: `not valid JSON: ${where}${message}` }]);
    }
  }
  const documents = YAML.parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const all = Array.isArray(documents) ? documents : [documents];
  const problems: FileProblem[] = [];
  for (const doc of all) {
    for (const error of doc.errors) problems.push({ path: '', problem: `not valid YAML: ${lineAndColumn(text, error.pos[0])}: ${error.message}` });
  }
  if (problems.length > 0) throw new EventFileError(file, problems);
  if (all.length > 1) {
    throw new EventFileError(file, [{ path: '', problem: `holds ${all.length} YAML documents (separated by ---); put several events in one list instead` }]);
  }
  return all[0]?.toJS() as unknown;
}

/** The one event of a `publish` file, checked. */
export function singleEvent(content: unknown, file: string): FileEvent {
  if (Array.isArray(content)) {
    throw new EventFileError(file, [{ path: '', problem: `holds a list of ${content.length} events; use 'hubctl publish-batch' for a list, or keep one event in the file` }]);
  }
  const problems: FileProblem[] = [];
  const event = checkEvent(content, '', problems);
  if (!event || problems.length > 0) throw new EventFileError(file, problems);
  return event;
}

/** The events of a `publish-batch` file, checked; retractions are not allowed in a batch. */
export function batchEvents(content: unknown, file: string): FileEvent[] {
  if (!Array.isArray(content)) {
    throw new EventFileError(file, [{ path: '', problem: "holds one event, not a list; use 'hubctl publish' for it, or make it a list of events" }]);
  }
  if (content.length === 0) throw new EventFileError(file, [{ path: '', problem: 'the list of events is empty' }]);
  if (content.length > MAX_BATCH_ITEMS) {
    throw new EventFileError(file, [{ path: '', problem: `holds ${content.length} events; one batch takes at most ${MAX_BATCH_ITEMS}` }]);
  }
  const problems: FileProblem[] = [];
  const events: FileEvent[] = [];
  content.forEach((item, index) => {
    const event = checkEvent(item, `[${index}]`, problems);
    if (event?.type === 'publication.retracted') {
      problems.push({ path: `[${index}].type`, problem: "a batch cannot carry a retraction; use 'hubctl retract' or 'hubctl publish' with a file of its own" });
    } else if (event) {
      events.push(event);
    }
  });
  if (problems.length > 0) throw new EventFileError(file, problems);
  return events;
}

/** A `PublishRequest` for the gateway, with the data turned into the proto's terms. */
export function toPublishRequest(event: FileEvent, eventId: string, source: string): ingestApi.PublishRequest {
  const field = ONEOF_BY_TYPE[event.type];
  if (!field) throw new TypeError(`${event.type} is not sent with Publish`);
  return { eventId, source, [field]: eventDataToProto(event.type, event.data) };
}

/** A `RetractRequest` for the gateway from `publication.retracted` data. */
export function toRetractRequest(data: Readonly<Record<string, unknown>>, eventId: string, source: string): ingestApi.RetractRequest {
  return { eventId, source, retraction: eventDataToProto('publication.retracted', data) };
}

/** What `check` finds in `data` against the current schema of `type`, with paths under `data.`. */
export function checkEventData(type: PublishableType, data: unknown, at = 'data'): FileProblem[] {
  const problems: FileProblem[] = [];
  checkValue(getDefaultRegistry().latest(type).type, data, at, type, problems);
  return problems;
}

function checkEvent(value: unknown, at: string, problems: FileProblem[]): FileEvent | undefined {
  const path = (key: string): string => (at ? `${at}.${key}` : key);
  if (!isMapping(value)) {
    problems.push({ path: at, problem: `an event must be a mapping with ${TOP_LEVEL_KEYS.join(', ')}; found ${kindOf(value)}` });
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      problems.push({ path: path(key), problem: `not a key of an event file (${TOP_LEVEL_KEYS.join(', ')}); the event's own fields go under 'data'` });
    }
  }
  const { type, eventId, source, data } = value;
  if (typeof type !== 'string' || !(PUBLISHABLE_TYPES as readonly string[]).includes(type)) {
    problems.push({ path: path('type'), problem: `must be one of ${PUBLISHABLE_TYPES.join(', ')}; found ${describe(type)}` });
  }
  if (eventId !== undefined && (typeof eventId !== 'string' || eventId === '')) problems.push({ path: path('eventId'), problem: `must be text; found ${describe(eventId)}` });
  if (source !== undefined && (typeof source !== 'string' || source === '')) problems.push({ path: path('source'), problem: `must be text, e.g. /liaocheng/oa; found ${describe(source)}` });
  if (!isMapping(data)) {
    problems.push({ path: path('data'), problem: `must be a mapping of the event's fields; found ${kindOf(data)}` });
  } else if (typeof type === 'string' && (PUBLISHABLE_TYPES as readonly string[]).includes(type)) {
    problems.push(...checkEventData(type as PublishableType, data, path('data')));
  }
  if (problems.length > before) return undefined;
  return {
    type: type as PublishableType,
    data: data as Record<string, unknown>,
    ...(typeof eventId === 'string' ? { eventId } : {}),
    ...(typeof source === 'string' ? { source } : {}),
  };
}

function checkValue(type: Type, value: unknown, at: string, eventType: string, problems: FileProblem[]): void {
  // Absent or null: the gateway says whether the field is required.
  if (value === null || value === undefined) return;
  if (Type.isType(type, 'union')) {
    const branch = (type as unknown as { types: Type[] }).types.find((t) => t.typeName !== 'null');
    if (branch) checkValue(branch, value, at, eventType, problems);
    return;
  }
  if (Type.isType(type, 'record')) {
    if (!isMapping(value)) {
      problems.push({ path: at, problem: `must be a mapping of fields; found ${kindOf(value)}` });
      return;
    }
    const fields = (type as types.RecordType).fields;
    const names = fields.map((f) => f.name);
    for (const key of Object.keys(value)) {
      if (!names.includes(key)) {
        const hint = suggestion(key, names);
        problems.push({ path: `${at}.${key}`, problem: `not a field of ${eventType}${hint ? `; did you mean '${hint}'?` : ` here (fields: ${names.join(', ')})`}` });
      }
    }
    for (const field of fields) checkValue(field.type, value[field.name], `${at}.${field.name}`, eventType, problems);
    return;
  }
  if (Type.isType(type, 'array')) {
    if (!Array.isArray(value)) {
      problems.push({ path: at, problem: `must be a list; found ${kindOf(value)}` });
      return;
    }
    value.forEach((item, i) => checkValue((type as types.ArrayType).itemsType, item, `${at}[${i}]`, eventType, problems));
    return;
  }
  if (Type.isType(type, 'map')) {
    if (!isMapping(value)) {
      problems.push({ path: at, problem: `must be a mapping; found ${kindOf(value)}` });
      return;
    }
    for (const [key, item] of Object.entries(value)) checkValue((type as types.MapType).valuesType as Type, item, `${at}.${key}`, eventType, problems);
    return;
  }
  if (Type.isType(type, 'enum')) {
    const symbols = (type as types.EnumType).symbols.filter((s) => s !== 'UNKNOWN');
    const prefix = `${upperSnake(((type as types.EnumType).name ?? '').split('.').pop() ?? '')}_`;
    const symbol = typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : value;
    if (typeof symbol !== 'string' || !symbols.includes(symbol)) problems.push({ path: at, problem: `must be one of ${symbols.join(', ')}; found ${describe(value)}` });
    return;
  }
  if (Type.isType(type, 'logical:timestamp-millis')) {
    if (!(value instanceof Date) && (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value)))) {
      problems.push({ path: at, problem: `must be a date and time with its offset, e.g. 2025-06-27T09:30:00+08:00; found ${describe(value)}` });
    }
    return;
  }
  if (Type.isType(type, 'logical:date')) {
    if (typeof value !== 'string') problems.push({ path: at, problem: `must be a date written YYYY-MM-DD, e.g. 2025-06-26; found ${describe(value)}` });
    return;
  }
  if (Type.isType(type, 'int', 'long')) {
    const whole = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!whole) problems.push({ path: at, problem: `must be a whole number; found ${describe(value)}` });
    return;
  }
  if (Type.isType(type, 'float', 'double')) {
    if (typeof value !== 'number') problems.push({ path: at, problem: `must be a number; found ${describe(value)}` });
    return;
  }
  if (Type.isType(type, 'boolean')) {
    if (typeof value !== 'boolean') problems.push({ path: at, problem: `must be true or false; found ${describe(value)}` });
    return;
  }
  if (Type.isType(type, 'string')) {
    if (typeof value !== 'string') problems.push({ path: at, problem: `must be text (put it in quotes); found ${describe(value)}` });
  }
}

/** A field the person probably meant: the same name in another case or in snake_case, or one typo away. */
function suggestion(key: string, names: readonly string[]): string | undefined {
  const squash = (s: string): string => s.replace(/[_-]/g, '').toLowerCase();
  return names.find((n) => squash(n) === squash(key)) ?? names.find((n) => editDistance(squash(n), squash(key)) <= Math.min(2, Math.floor(n.length / 4)));
}

/** Edit distance counting a swap of neighbours as one edit, for spotting a typo in a field name. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return describe(value);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : typeof value;
}

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
