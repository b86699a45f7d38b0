import Database from 'better-sqlite3';
import { TOPICS, encodeEvent, type EventDataMap } from '@gongkai/contracts';
import type { WorkingCalendar } from './working-calendar';

/** A policy still waiting for its interpretation past the configured time. */
export interface MissingInterpretation {
  readonly policyPublicationId: string;
  readonly title: string;
  readonly issuingBody: string;
  readonly releasedOn: string;
  readonly dueOn: string;
}

/**
 * What the review service must remember across events about policies and their
 * interpretations (政策解读), in SQLite so a restart keeps it: which policies it has seen (an
 * interpretation of an unknown policy is held), which need an interpretation, by when, and
 * whether one came. The plan asks that interpretations be released together with the policy;
 * `dueWorkingDays` after the policy is the tolerance before an alert.
 *
 * What events teach it is written in one transaction per batch of events, not one per event:
 * the writes stay open until {@link InterpretationTracker.commit}, which the service calls
 * before it produces the batch's outcomes (so nothing is released that the tracker could
 * forget), and at the latest at the end of the current turn of the event loop. Reads on this
 * connection see the open writes.
 */
export class InterpretationTracker {
  private readonly db: Database.Database;
  private readonly upsertPolicy: Database.Statement;
  private readonly markInterpreted: Database.Statement;
  private readonly findPolicy: Database.Statement<[string], { publication_id: string }>;
  private readonly overdue: Database.Statement<[string], Record<string, string>>;
  private readonly markAlerted: Database.Statement<[string, string]>;
  private commitScheduled = false;
  /** The due date of the last `releasedOn` seen: a batch of documents is released on one day. */
  private lastDue: { readonly releasedOn: string; readonly dueOn: string } | undefined;

  constructor(file: string, private readonly calendar: WorkingCalendar, private readonly dueWorkingDays: number) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS policies (
      publication_id TEXT PRIMARY KEY, title TEXT NOT NULL, issuing_body TEXT NOT NULL,
      needs_interpretation INTEGER NOT NULL, released_on TEXT NOT NULL, due_on TEXT,
      interpreted_by TEXT, alerted_at TEXT) WITHOUT ROWID`);
    this.upsertPolicy = this.db.prepare(`INSERT INTO policies (publication_id, title, issuing_body, needs_interpretation, released_on, due_on)
      VALUES (@publicationId, @title, @issuingBody, @needs, @releasedOn, @dueOn)
      ON CONFLICT(publication_id) DO UPDATE SET title = excluded.title, issuing_body = excluded.issuing_body,
        needs_interpretation = excluded.needs_interpretation, due_on = COALESCE(policies.due_on, excluded.due_on)`);
    this.markInterpreted = this.db.prepare('UPDATE policies SET interpreted_by = COALESCE(interpreted_by, ?) WHERE publication_id = ?');
    this.findPolicy = this.db.prepare('SELECT publication_id FROM policies WHERE publication_id = ?');
    this.overdue = this.db.prepare(`SELECT publication_id, title, issuing_body, released_on, due_on FROM policies
      WHERE needs_interpretation = 1 AND interpreted_by IS NULL AND alerted_at IS NULL AND due_on < ?`);
    this.markAlerted = this.db.prepare('UPDATE policies SET alerted_at = ? WHERE publication_id = ?');
  }

  /** Remember a document (every document can be the policy an interpretation names). */
  documentSeen(data: EventDataMap['document.published'], releasedOn: string): void {
    const needs = data.needsInterpretation === true;
    const dueOn = needs ? this.dueOn(releasedOn) : null;
    this.beginWrites();
    this.upsertPolicy.run({ publicationId: data.publicationId, title: data.title, issuingBody: data.issuingBody.name, needs: needs ? 1 : 0, releasedOn, dueOn });
  }

  /** True when the policy an interpretation names is known; records that it has its interpretation. */
  interpretationSeen(data: EventDataMap['interpretation.published']): boolean {
    if (!this.findPolicy.get(data.policyPublicationId)) return false;
    this.beginWrites();
    this.markInterpreted.run(data.publicationId, data.policyPublicationId);
    return true;
  }

  /** Policies whose interpretation is overdue on `today` and not alerted yet; marks them alerted. */
  takeOverdue(today: string, alertedAt = new Date().toISOString()): MissingInterpretation[] {
    const rows = this.overdue.all(today);
    if (rows.length > 0) this.beginWrites();
    for (const r of rows) this.markAlerted.run(alertedAt, r.publication_id!);
    // The alerts are produced next: that they were raised is on disk first.
    this.commit();
    return rows.map((r) => ({
      policyPublicationId: r.publication_id!,
      title: r.title!,
      issuingBody: r.issuing_body!,
      releasedOn: r.released_on!,
      dueOn: r.due_on!,
    }));
  }

  /** Makes what was written since the last commit durable; nothing to do when nothing was. */
  commit(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  close(): void {
    this.commit();
    this.db.close();
  }

  /** Opens the batch's transaction on its first write. */
  private beginWrites(): void {
    if (this.db.inTransaction) return;
    this.db.exec('BEGIN');
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    // A caller that never commits still gets its writes made durable within one turn.
    setImmediate(() => {
      this.commitScheduled = false;
      if (this.db.open) this.commit();
    }).unref();
  }

  private dueOn(releasedOn: string): string {
    if (this.lastDue?.releasedOn !== releasedOn) this.lastDue = { releasedOn, dueOn: this.calendar.addWorkingDays(releasedOn, this.dueWorkingDays) };
    return this.lastDue.dueOn;
  }
}

/** One `alert.raised` (INTERPRETATION_MISSING) record per late policy, keyed by the policy. */
export function missingInterpretationAlerts(late: readonly MissingInterpretation[], raisedAt: Date): { topic: string; key: string; value: Buffer; headers: Record<string, string> }[] {
  return late.map((m) => {
    const encoded = encodeEvent({
      type: 'alert.raised',
      source: '/gongkai/review',
      id: `interpretation-missing:${m.policyPublicationId}`,
      data: {
        alertId: `interpretation-missing:${m.policyPublicationId}`,
        kind: 'INTERPRETATION_MISSING',
        severity: 'WARNING',
        subject: m.policyPublicationId,
        channel: null,
        summary: `《${m.title}》(${m.issuingBody}) needs a policy interpretation, due ${m.dueOn}; none has arrived`,
        raisedAt,
        attributes: { releasedOn: m.releasedOn, dueOn: m.dueOn },
      },
    });
    return { topic: TOPICS.alerts, key: encoded.key, value: encoded.value, headers: encoded.headers };
  });
}
