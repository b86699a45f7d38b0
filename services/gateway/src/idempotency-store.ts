import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { SeenFilter } from './seen-filter';

/** Where Kafka put an accepted event: the answer a retried call gets again. */
export interface AcceptedEvent {
  readonly caller: string;
  readonly eventId: string;
  readonly payloadSha256: string;
  readonly eventType: string;
  readonly subject: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly acceptedAt: number;
}

export interface PublicationRecord {
  readonly publicationId: string;
  readonly latestRevision: number;
  readonly lastEventType: string;
  readonly lastEventId: string;
  readonly lastCaller: string;
  readonly firstAcceptedAt: number;
  readonly updatedAt: number;
  readonly retracted: boolean;
  readonly issuingBody: string | null;
  readonly title: string | null;
}

/** What is recorded with an accepted event, beside the answer: what GetPublication and validation need later. */
export type RecordedEvent = AcceptedEvent & {
  readonly revision?: number;
  readonly issuingBody?: string;
  readonly title?: string;
  /** For request events: the step, remembered to check the next step's order. */
  readonly requestStep?: string;
};

/**
 * What the producer thread records once Kafka has an event: all of it but where, when, and the
 * payload's digest, which that thread computes from the record it sends (off the gRPC thread).
 */
export type AcceptedFacts = Omit<RecordedEvent, 'topic' | 'partition' | 'offset' | 'acceptedAt' | 'payloadSha256'>;

/**
 * A digest of what the caller asked to publish, to tell a retry from a conflicting reuse of an
 * id: SHA-256 over the type and the event's Avro bytes (the same data always encodes alike).
 */
export function payloadHash(type: string, avroValue: Uint8Array): string {
  return createHash('sha256').update(type).update('\u0000').update(avroValue).digest('hex');
}

/** The accepted facts with the record's digest, Kafka's position and the time, as one object of a fixed shape. */
export function recordedEvent(facts: AcceptedFacts, avroValue: Uint8Array, position: { topic: string; partition: number; offset: string }, acceptedAt: number): RecordedEvent {
  return {
    caller: facts.caller,
    eventId: facts.eventId,
    payloadSha256: payloadHash(facts.eventType, avroValue),
    eventType: facts.eventType,
    subject: facts.subject,
    topic: position.topic,
    partition: position.partition,
    offset: position.offset,
    acceptedAt,
    revision: facts.revision,
    issuingBody: facts.issuingBody,
    title: facts.title,
    requestStep: facts.requestStep,
  };
}

/** Opens (and if need be creates) the gateway's SQLite file of accepted events, in WAL mode. */
function openAcceptedEvents(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable across process crashes; an OS crash may lose the last
  // transactions, and then a retried id is sent to Kafka again (downstream dedupes on ce_id).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS accepted_events (
      caller TEXT NOT NULL, event_id TEXT NOT NULL, payload_sha256 TEXT NOT NULL,
      event_type TEXT NOT NULL, subject TEXT NOT NULL,
      topic TEXT NOT NULL, partition INTEGER NOT NULL, offset TEXT NOT NULL, accepted_at INTEGER NOT NULL,
      PRIMARY KEY (caller, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS accepted_events_by_time ON accepted_events (accepted_at);
    CREATE TABLE IF NOT EXISTS publications (
      publication_id TEXT PRIMARY KEY, latest_revision INTEGER NOT NULL, last_event_type TEXT NOT NULL,
      last_event_id TEXT NOT NULL, last_caller TEXT NOT NULL, first_accepted_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, retracted INTEGER NOT NULL DEFAULT 0,
      issuing_body TEXT, title TEXT
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS request_steps (
      request_id TEXT PRIMARY KEY, step TEXT NOT NULL, updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  return db;
}

/**
 * The gateway's memory of what it accepted, in SQLite (WAL), so a retry minutes or days later —
 * or after a restart — gets the original answer. Ids are remembered for `retentionMs`
 * (docs/decisions/002-gateway-idempotency.md). This is the reading side, on the gRPC thread;
 * the producer thread writes, through {@link AcceptedEventsWriter}, as soon as Kafka has an event.
 */
export class IdempotencyStore {
  private readonly db: Database.Database;
  private readonly findStmt: Database.Statement<[string, string], Record<string, unknown>>;
  private readonly findPublication: Database.Statement<[string], Record<string, unknown>>;
  private readonly findStep: Database.Statement<[string], { step: string }>;

  private readonly seen: SeenFilter;

  constructor(readonly file: string, readonly retentionMs: number) {
    this.db = openAcceptedEvents(file);
    this.findStmt = this.db.prepare('SELECT * FROM accepted_events WHERE caller = ? AND event_id = ?');
    const { count } = this.db.prepare('SELECT count(*) AS count FROM accepted_events').get() as { count: number };
    this.seen = new SeenFilter(Math.max(1_000_000, count * 2));
    for (const row of this.db.prepare('SELECT caller, event_id FROM accepted_events').iterate() as Iterable<{ caller: string; event_id: string }>) {
      this.seen.add(seenKey(row.caller, row.event_id));
    }
    this.findPublication = this.db.prepare('SELECT * FROM publications WHERE publication_id = ?');
    this.findStep = this.db.prepare('SELECT step FROM request_steps WHERE request_id = ?');
  }

  find(caller: string, eventId: string): AcceptedEvent | undefined {
    if (!this.seen.mightContain(seenKey(caller, eventId))) return undefined;
    const row = this.findStmt.get(caller, eventId);
    return row ? rowToAccepted(row) : undefined;
  }

  /** Told of each event the writer has recorded, so `find` stops ruling it out. */
  noteRecorded(caller: string, eventId: string): void {
    this.seen.add(seenKey(caller, eventId));
  }

  /** The last accepted step of a request for disclosure, or null for a request not seen yet. */
  lastRequestStep(requestId: string): string | null {
    return this.findStep.get(requestId)?.step ?? null;
  }

  publication(publicationId: string): PublicationRecord | undefined {
    const r = this.findPublication.get(publicationId);
    if (!r) return undefined;
    return {
      publicationId: r.publication_id as string,
      latestRevision: r.latest_revision as number,
      lastEventType: r.last_event_type as string,
      lastEventId: r.last_event_id as string,
      lastCaller: r.last_caller as string,
      firstAcceptedAt: r.first_accepted_at as number,
      updatedAt: r.updated_at as number,
      retracted: r.retracted === 1,
      issuingBody: (r.issuing_body as string | null) ?? null,
      title: (r.title as string | null) ?? null,
    };
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The writing side of the accepted-events file: one transaction per batch of events Kafka has
 * confirmed (typically one produce request's worth), on the producer thread, so the gRPC thread
 * spends nothing on it. The first answer for an id wins.
 */
export class AcceptedEventsWriter {
  private readonly db: Database.Database;
  private readonly recordMany: (events: readonly RecordedEvent[]) => void;
  private readonly pruneStmt: Database.Statement<[number]>;

  constructor(file: string, readonly retentionMs: number) {
    this.db = openAcceptedEvents(file);
    const insert = this.db.prepare(`INSERT OR IGNORE INTO accepted_events
      (caller, event_id, payload_sha256, event_type, subject, topic, partition, offset, accepted_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const upsertPublication = this.db.prepare(`INSERT INTO publications
      (publication_id, latest_revision, last_event_type, last_event_id, last_caller, first_accepted_at, updated_at, retracted, issuing_body, title)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(publication_id) DO UPDATE SET
        latest_revision = MAX(latest_revision, excluded.latest_revision),
        last_event_type = excluded.last_event_type, last_event_id = excluded.last_event_id,
        last_caller = excluded.last_caller, updated_at = excluded.updated_at,
        issuing_body = COALESCE(excluded.issuing_body, issuing_body), title = COALESCE(excluded.title, title),
        retracted = CASE WHEN excluded.retracted = 1 THEN 1 WHEN excluded.last_event_type = 'document.published' THEN 0 ELSE retracted END`);
    const upsertStep = this.db.prepare(
      'INSERT INTO request_steps (request_id, step, updated_at) VALUES (?, ?, ?) ON CONFLICT(request_id) DO UPDATE SET step = excluded.step, updated_at = excluded.updated_at',
    );
    this.pruneStmt = this.db.prepare('DELETE FROM accepted_events WHERE accepted_at < ?');
    this.recordMany = this.db.transaction((events: readonly RecordedEvent[]) => {
      for (const e of events) {
        const inserted = insert.run(e.caller, e.eventId, e.payloadSha256, e.eventType, e.subject, e.topic, e.partition, e.offset, e.acceptedAt);
        if (inserted.changes === 0) continue; // a replay: the first answer stands
        if (e.requestStep !== undefined) {
          upsertStep.run(e.subject, e.requestStep, e.acceptedAt);
        } else {
          const retracted = e.eventType === 'publication.retracted' ? 1 : 0;
          upsertPublication.run(e.subject, e.revision ?? 0, e.eventType, e.eventId, e.caller, e.acceptedAt, e.acceptedAt, retracted, e.issuingBody ?? null, e.title ?? null);
        }
      }
    });
  }

  /** Record accepted events (one transaction). */
  record(events: readonly RecordedEvent[]): void {
    if (events.length > 0) this.recordMany(events);
  }

  /** Forget ids older than the retention window; returns how many. */
  prune(now = Date.now()): number {
    return this.pruneStmt.run(now - this.retentionMs).changes;
  }

  close(): void {
    this.db.close();
  }
}

function seenKey(caller: string, eventId: string): string {
  return `${caller}\u0000${eventId}`;
}

function rowToAccepted(r: Record<string, unknown>): AcceptedEvent {
  return {
    caller: r.caller as string,
    eventId: r.event_id as string,
    payloadSha256: r.payload_sha256 as string,
    eventType: r.event_type as string,
    subject: r.subject as string,
    topic: r.topic as string,
    partition: r.partition as number,
    offset: r.offset as string,
    acceptedAt: r.accepted_at as number,
  };
}
