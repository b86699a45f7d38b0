import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AcceptedEvent, PublicationRecord, RecordedEvent } from './accepted-event';
import { JsonLineWriter } from './json-line-writer';
import { LocationIndex } from './location-index';

/**
 * A line of the log, as a JSON array: caller, event id, payload digest, event type, subject,
 * topic, partition, offset, accepted at, and the subject's state after this event. A line that
 * only carries a subject's state (moved out of a segment being dropped, or imported) has no
 * caller, id, digest or position, and the time it was written in place of accepted at.
 */
type Line = [
  caller: string | null,
  eventId: string | null,
  payloadSha256: string | null,
  eventType: string,
  subject: string,
  topic: string | null,
  partition: number | null,
  offset: string | null,
  acceptedAt: number,
  state: PublicationState | RequestState,
];

/** latest revision, last event type, last event id, last caller, first accepted at, updated at, retracted (0/1), issuing body, title */
type PublicationState = [number, string, string, string, number, number, 0 | 1, string | null, string | null];
/** last step, updated at */
type RequestState = [string, number];

interface Segment {
  readonly n: number;
  readonly fd: number;
  size: number;
  /** Accepted time of its first line and of its newest (NaN while empty). */
  firstAt: number;
  newestAt: number;
}

export interface AcceptedLogOptions {
  /** A segment is closed for writing past this size (and at the turn of each UTC day). */
  readonly maxSegmentBytes?: number;
  readonly now?: () => number;
  /** The index's first size, in entries (it grows as needed). */
  readonly indexSlots?: number;
}

const SEGMENT_FILE = /^(\d{8})\.log$/;
const DAY = 86_400_000;
const READ_CHUNK = 1 << 20;
/** Opened by this process, so a second store on the same folder is refused here too. */
const openHere = new Set<string>();

/**
 * The gateway's memory of what it accepted (docs/decisions/010-accepted-events-log.md): an
 * append-only log of one line per event Kafka took, in daily segment files, with an in-memory
 * index from (caller, event id) and from each publication and request to their latest line.
 * Recording a turn's events is one write to the end of a file, whatever order the ids come in;
 * a B-tree keyed by id (SQLite, before) rewrote a page for nearly every random id.
 *
 * It lives on the gRPC thread: that thread answers callers, and records a turn's confirmed
 * events just before answering them. Segments older than the retention window are dropped,
 * the latest state of each publication and request in them moved forward first: ids are
 * forgotten after the window (give or take a day), publications never.
 */
export class AcceptedLog {
  private readonly segments = new Map<number, Segment>();
  private current!: Segment;
  private readonly index: LocationIndex;
  private readonly maxSegmentBytes: number;
  private readonly now: () => number;
  private readonly lockFile: string;
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** Lines of the batch being recorded, not yet written: by segment and offset. */
  private pending: Map<number, Line> | undefined;
  private pendingSegment = 0;
  private closed = false;

  constructor(
    readonly dir: string,
    readonly retentionMs: number,
    options: AcceptedLogOptions = {},
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 256 * 1024 * 1024;
    this.index = new LocationIndex(options.indexSlots);
    this.now = options.now ?? Date.now;
    mkdirSync(dir, { recursive: true });
    this.lockFile = join(dir, 'LOCK');
    this.lock();
    try {
      const numbers = readdirSync(dir)
        .map((f) => SEGMENT_FILE.exec(f)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      for (const [i, n] of numbers.entries()) this.load(n, i === numbers.length - 1);
      const last = numbers.at(-1);
      this.current = last === undefined ? this.openSegment(1) : this.segments.get(last)!;
    } catch (err) {
      this.release();
      throw err;
    }
  }

  find(caller: string, eventId: string): AcceptedEvent | undefined {
    const line = this.idLine(caller, eventId);
    if (!line) return undefined;
    return {
      caller,
      eventId,
      payloadSha256: line[2]!,
      eventType: line[3],
      subject: line[4],
      topic: line[5]!,
      partition: line[6]!,
      offset: line[7]!,
      acceptedAt: line[8],
    };
  }

  publication(publicationId: string): PublicationRecord | undefined {
    const line = this.subjectSlot(false, publicationId) >= 0 ? this.found : undefined;
    if (!line) return undefined;
    const [latestRevision, lastEventType, lastEventId, lastCaller, firstAcceptedAt, updatedAt, retracted, issuingBody, title] = line[9] as PublicationState;
    return { publicationId, latestRevision, lastEventType, lastEventId, lastCaller, firstAcceptedAt, updatedAt, retracted: retracted === 1, issuingBody, title };
  }

  /** The last accepted step of a request for disclosure, or null for a request not seen yet. */
  lastRequestStep(requestId: string): string | null {
    return this.subjectSlot(true, requestId) >= 0 ? (this.found![9] as RequestState)[0] : null;
  }

  /**
   * Records events Kafka took, in one write; an id already recorded keeps its first answer.
   * Throws if the write fails, and then nothing of the batch is recorded.
   */
  record(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    // Each event's two keys, made once: its id's and its subject's.
    const keys = this.keys;
    keys.length = 0;
    for (const e of events) keys.push(idKey(e.caller, e.eventId), subjectKey(e.eventType === 'request.status_changed', e.subject));
    this.batch(events.length, () => {
      // After `batch` has made room: that may move entries, and with them the slots to read.
      this.index.warm(keys);
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const id = keys[2 * i]!;
        const subject = keys[2 * i + 1]!;
        if (this.idLine(e.caller, e.eventId, id)) continue; // a replay: the first answer stands
        const request = e.eventType === 'request.status_changed';
        const slot = this.subjectSlot(request, e.subject, subject);
        const state = request ? ([e.requestStep ?? '', e.acceptedAt] satisfies RequestState) : nextPublicationState(slot >= 0 ? (this.found![9] as PublicationState) : undefined, e);
        // Later events of the batch see this one (a revision right after its first version).
        this.stage([e.caller, e.eventId, e.payloadSha256, e.eventType, e.subject, e.topic, e.partition, e.offset, e.acceptedAt, state], slot, id, subject);
      }
    });
  }

  /** The keys of `record` and `warmIds`, the list reused from one call to the next (it holds the last call's until then). */
  private readonly keys: string[] = [];

  /**
   * Reads where the lookups of these events' ids will start, all at once ({@link LocationIndex.warm}):
   * a PublishBatch call's items are then looked up one by one as they are handed over, and find
   * their places in the CPU's cache instead of each waiting for memory.
   */
  warmIds(caller: string, items: readonly { readonly eventId?: string | undefined }[]): void {
    const keys = this.keys;
    keys.length = 0;
    for (const item of items) if (item.eventId) keys.push(idKey(caller, item.eventId));
    this.index.warm(keys);
  }

  /**
   * Drops segments whose newest id is older than the retention window, moving forward the
   * latest state of each publication and request they hold. Returns how many ids were forgotten.
   */
  prune(now = this.now()): number {
    this.open();
    let forgotten = 0;
    const cutoff = now - this.retentionMs;
    for (const segment of [...this.segments.values()].sort((a, b) => a.n - b.n)) {
      if (segment === this.current || !(segment.newestAt < cutoff)) continue;
      const carried: Line[] = [];
      this.scan(segment, (line, offset) => {
        const here = (s: number, o: number): boolean => s === segment.n && o === offset;
        if (line[0] !== null && line[1] !== null) {
          const slot = this.index.find(idKey(line[0], line[1]), here);
          if (slot >= 0) {
            this.index.remove(slot);
            forgotten++;
          }
        }
        // Stamped with the time it is moved, so that the segment it lands in is not dropped
        // (and the state moved again) at the next prune: the state keeps its own times.
        if (this.index.find(subjectKey(line[3] === 'request.status_changed', line[4]), here) >= 0) {
          carried.push([null, null, null, line[3], line[4], null, null, null, now, line[9]]);
        }
      });
      this.batch(carried.length, () => {
        for (const line of carried) this.stage(line, this.subjectSlot(line[3] === 'request.status_changed', line[4]));
      });
      closeSync(segment.fd);
      unlinkSync(this.segmentFile(segment.n));
      this.segments.delete(segment.n);
    }
    return forgotten;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.segments.values()) closeSync(s.fd);
    this.segments.clear();
    this.release();
  }

  /**
   * Imports the gateway's earlier SQLite store (accepted-events.sqlite), once: its accepted ids
   * and the state of its publications and requests become lines of the log, and the file is
   * renamed `.migrated`. Does nothing when there is no such file.
   */
  importSqlite(file: string): { events: number; subjects: number } {
    if (!existsSync(file)) return { events: 0, subjects: 0 };
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const lines: Line[] = [];
    // A subject's line is stamped with the import's time, so it is not dropped with the old ids.
    const importedAt = this.now();
    try {
      type Row = Record<string, unknown>;
      for (const r of db.prepare('SELECT * FROM accepted_events ORDER BY accepted_at').iterate() as Iterable<Row>) {
        // The subject's state comes from its own table, below; this line answers the id only.
        lines.push([r.caller as string, r.event_id as string, r.payload_sha256 as string, r.event_type as string, '', r.topic as string, r.partition as number, r.offset as string, r.accepted_at as number, ['', 0]]);
      }
      const events = lines.length;
      for (const r of db.prepare('SELECT * FROM publications').iterate() as Iterable<Row>) {
        const state: PublicationState = [
          r.latest_revision as number,
          r.last_event_type as string,
          r.last_event_id as string,
          r.last_caller as string,
          r.first_accepted_at as number,
          r.updated_at as number,
          r.retracted === 1 ? 1 : 0,
          (r.issuing_body as string | null) ?? null,
          (r.title as string | null) ?? null,
        ];
        lines.push([null, null, null, r.last_event_type as string, r.publication_id as string, null, null, null, importedAt, state]);
      }
      for (const r of db.prepare('SELECT * FROM request_steps').iterate() as Iterable<Row>) {
        lines.push([null, null, null, 'request.status_changed', r.request_id as string, null, null, null, importedAt, [r.step as string, r.updated_at as number]]);
      }
      this.batch(lines.length, () => {
        for (const [i, line] of lines.entries()) this.stage(line, i < events ? null : this.subjectSlot(line[3] === 'request.status_changed', line[4]));
      });
      db.close();
      renameSync(file, `${file}.migrated`);
      return { events, subjects: lines.length - events };
    } finally {
      if (db.open) db.close();
    }
  }

  // ── writing ────────────────────────────────────────────────────────────────

  /**
   * Stages lines (`build` calls {@link stage}, at most `lines` times) and writes them in one go:
   * all or nothing. On any failure the index entries staged are taken back and a partial write
   * is cut off. The index makes room for the batch first, so no slot it hands out moves before
   * the batch ends (a subject's slot found before its line is staged, and those kept to undo).
   */
  private batch(lines: number, build: () => void): void {
    this.open();
    this.rotateIfDue();
    this.index.reserve(2 * lines);
    const segment = this.current;
    this.pending = new Map();
    this.pendingSegment = segment.n;
    this.pendingEnd = segment.size;
    this.out.reset();
    this.stagedLines = 0;
    this.undo = [];
    let writing = false;
    try {
      build();
      if (this.stagedLines === 0) return;
      const text = this.out.bytes.subarray(0, this.out.length);
      writing = true;
      for (let written = 0; written < text.length; ) written += writeSync(segment.fd, text, written, text.length - written);
      if (segment.size === 0) segment.firstAt = this.pending.values().next().value?.[8] ?? this.now();
      segment.size += text.length;
      if (!(this.stagedNewest <= segment.newestAt)) segment.newestAt = this.stagedNewest;
    } catch (err) {
      for (const [slot, s, o] of this.undo.reverse()) {
        if (s < 0) this.index.remove(slot);
        else this.index.repoint(slot, s, o);
      }
      if (writing) {
        try {
          ftruncateSync(segment.fd, segment.size);
        } catch {
          // the next start cuts an incomplete last line anyway
        }
      }
      throw err;
    } finally {
      this.pending = undefined;
      this.stagedLines = 0;
      this.undo = [];
    }
  }

  /**
   * Indexes a line of the batch about to be written, at the place it will have: under its id
   * (if it has one) and under its subject, where `subjectSlot` is the subject's entry (-1: none
   * yet; null: leave the subject's entry alone). `id` and `subject`: the line's two keys, when
   * the caller has made them already.
   */
  private stage(line: Line, subjectSlot: number | null, id?: string, subject?: string): void {
    const segment = this.pendingSegment;
    const offset = this.pendingEnd;
    this.pending!.set(offset, line);
    // Straight into the batch's bytes, without the line as a string (json-line-writer.ts).
    const bytes = this.out.line(line);
    this.pendingEnd += bytes;
    this.stagedNewest = Math.max(++this.stagedLines === 1 ? line[8] : this.stagedNewest, line[8]);
    if (line[0] !== null && line[1] !== null) this.undo.push([this.index.insert(id ?? idKey(line[0], line[1]), segment, offset), -1, -1]);
    if (subjectSlot === null) return;
    if (subjectSlot >= 0) {
      this.undo.push([subjectSlot, this.index.segmentAt(subjectSlot), this.index.offsetAt(subjectSlot)]);
      this.index.repoint(subjectSlot, segment, offset);
    } else {
      this.undo.push([this.index.insert(subject ?? subjectKey(line[3] === 'request.status_changed', line[4]), segment, offset), -1, -1]);
    }
  }

  private pendingEnd = 0;
  /** The batch's lines as written to the segment. */
  private readonly out = new JsonLineWriter();
  private stagedLines = 0;
  private stagedNewest = 0;
  /** How to take back what staging did to the index: slot, and its place before (-1: it was new). */
  private undo: [number, number, number][] = [];

  /** A new segment once the current one is full or from an earlier UTC day. */
  private rotateIfDue(): void {
    const c = this.current;
    if (c.size === 0) return;
    if (c.size >= this.maxSegmentBytes || Math.floor(c.firstAt / DAY) !== Math.floor(this.now() / DAY)) this.current = this.openSegment(c.n + 1);
  }

  private openSegment(n: number): Segment {
    const fd = openSync(this.segmentFile(n), 'a+');
    const segment: Segment = { n, fd, size: fstatSync(fd).size, firstAt: Number.NaN, newestAt: Number.NaN };
    this.segments.set(n, segment);
    return segment;
  }

  // ── reading ────────────────────────────────────────────────────────────────

  /** The line a lookup found last. */
  private found: Line | undefined;

  private idLine(caller: string, eventId: string, key = idKey(caller, eventId)): Line | undefined {
    const slot = this.index.find(key, (segment, offset) => {
      this.found = this.lineAt(segment, offset);
      return this.found?.[0] === caller && this.found[1] === eventId;
    });
    return slot >= 0 ? this.found : undefined;
  }

  /** The entry of a publication's or request's latest line (-1: none), that line in `found`. */
  private subjectSlot(request: boolean, subject: string, key = subjectKey(request, subject)): number {
    return this.index.find(key, (segment, offset) => {
      this.found = this.lineAt(segment, offset);
      return this.found?.[4] === subject && (this.found[3] === 'request.status_changed') === request;
    });
  }

  /** The line at a place, or undefined if there is none there (a place another key's hash shares). */
  private lineAt(segmentNumber: number, offset: number): Line | undefined {
    if (this.pending && segmentNumber === this.pendingSegment) {
      const staged = this.pending.get(offset);
      if (staged) return staged;
    }
    const segment = this.segments.get(segmentNumber);
    if (!segment || offset >= segment.size) return undefined;
    // Most lines are a few hundred bytes: read a little first, more only for a longer line.
    for (let want = 1024; ; want *= 2) {
      if (this.scratch.length < want) this.scratch = Buffer.allocUnsafe(want);
      const got = readSync(segment.fd, this.scratch, 0, want, offset);
      const end = this.scratch.indexOf(10, 0);
      if (end >= 0 && end < got) return parseLine(this.scratch.toString('utf8', 0, end));
      if (got < want) return undefined;
    }
  }

  /** Calls `each` for every line of a segment with its offset. */
  private scan(segment: Segment, each: (line: Line, offset: number) => void): void {
    this.scanFile(segment.fd, this.segmentFile(segment.n), (text, offset) => {
      const line = parseLine(text);
      if (!line) throw new Error(`accepted-events log ${this.segmentFile(segment.n)}: line at byte ${offset} is not a record of the log`);
      each(line, offset);
    });
  }

  /** Reads a segment at start: indexes its lines; an incomplete last line of the last segment is cut off. */
  private load(n: number, last: boolean): void {
    const file = this.segmentFile(n);
    const segment = this.openSegment(n);
    let end = 0;
    this.scanFile(segment.fd, file, (text, offset, complete) => {
      const line = complete ? parseLine(text) : undefined;
      if (!line) {
        if (last && !complete) return; // torn by a crash mid-write: cut below
        throw new Error(`accepted-events log ${file}: line at byte ${offset} is not a record of the log; move the file aside to start without what it holds`);
      }
      end = offset + Buffer.byteLength(text) + 1;
      if (!(line[8] >= segment.firstAt)) segment.firstAt = line[8];
      if (!(line[8] <= segment.newestAt)) segment.newestAt = line[8];
      // A replayed id never gets a second line; were there one, the first would stand.
      if (line[0] !== null && line[1] !== null && !this.idLine(line[0], line[1])) this.index.insert(idKey(line[0], line[1]), n, offset);
      // Imported ids have no subject: their publication's state came on a line of its own.
      if (line[4] !== '' || line[0] === null) {
        const request = line[3] === 'request.status_changed';
        const slot = this.subjectSlot(request, line[4]);
        if (slot >= 0) this.index.repoint(slot, n, offset);
        else this.index.insert(subjectKey(request, line[4]), n, offset);
      }
    });
    if (end < segment.size) {
      ftruncateSync(segment.fd, end);
      segment.size = end;
    }
  }

  private scanFile(fd: number, file: string, each: (text: string, offset: number, complete: boolean) => void): void {
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    let carry = Buffer.alloc(0);
    let position = 0;
    let lineStart = 0;
    for (;;) {
      const got = readSync(fd, chunk, 0, chunk.length, position);
      if (got === 0) break;
      position += got;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
        each(data.toString('utf8', from, nl), lineStart, true);
        lineStart += nl - from + 1;
        from = nl + 1;
      }
      carry = Buffer.from(data.subarray(from));
    }
    if (carry.length > 0) each(carry.toString('utf8'), lineStart, false);
    if (lineStart + carry.length !== position) throw new Error(`accepted-events log ${file}: read ${position} bytes but counted ${lineStart + carry.length}`);
  }

  // ── the folder ─────────────────────────────────────────────────────────────

  private segmentFile(n: number): string {
    return join(this.dir, `${String(n).padStart(8, '0')}.log`);
  }

  private open(): void {
    if (this.closed) throw new Error(`accepted-events log ${this.dir} is closed`);
  }

  /** One store a folder: a second (another gateway on the same state dir) would interleave lines. */
  private lock(): void {
    if (openHere.has(this.dir)) throw new Error(`accepted-events log ${this.dir} is already open in this process`);
    if (existsSync(this.lockFile)) {
      const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new Error(`accepted-events log ${this.dir} is in use by process ${pid}; each gateway needs a GATEWAY_STATE_DIR of its own (if no gateway runs there, delete ${this.lockFile})`);
      }
    }
    writeFileSync(this.lockFile, `${process.pid}\n`);
    openHere.add(this.dir);
  }

  private release(): void {
    openHere.delete(this.dir);
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }
}

function nextPublicationState(previous: PublicationState | undefined, e: RecordedEvent): PublicationState {
  const retracted = e.eventType === 'publication.retracted';
  if (!previous) return [e.revision ?? 0, e.eventType, e.eventId, e.caller, e.acceptedAt, e.acceptedAt, retracted ? 1 : 0, e.issuingBody ?? null, e.title ?? null];
  const [revision, , , , firstAt, , wasRetracted, issuingBody, title] = previous;
  return [
    Math.max(revision, e.revision ?? 0),
    e.eventType,
    e.eventId,
    e.caller,
    firstAt,
    e.acceptedAt,
    retracted ? 1 : e.eventType === 'document.published' ? 0 : wasRetracted,
    e.issuingBody ?? issuingBody,
    e.title ?? title,
  ];
}

function parseLine(text: string): Line | undefined {
  try {
    const line: unknown = JSON.parse(text);
    return Array.isArray(line) && line.length === 10 && typeof line[3] === 'string' && typeof line[4] === 'string' && typeof line[8] === 'number' && Array.isArray(line[9]) ? (line as Line) : undefined;
  } catch {
    return undefined;
  }
}

function idKey(caller: string, eventId: string): string {
  return `${caller}\u0000${eventId}`;
}

function subjectKey(request: boolean, subject: string): string {
  return `${request ? 'r' : 'p'}\u0001${subject}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
