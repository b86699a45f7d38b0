import Database from 'better-sqlite3';
import type { DeliveryResultKind } from './channel-adapter';

/**
 * What a channel's delivery engine remembers between restarts (SQLite, one file per channel):
 *
 * - **confirmed deliveries**, by idempotency key (`{eventId}:{target}`): a redelivered event
 *   whose target already confirmed it is not sent again, its recorded outcome is repeated;
 * - **the newest event of each publication at each target**, as its position on `released`
 *   (a publication's events share a partition, so positions order them). A delivery of an
 *   older position — a retry of revision 1 after revision 2 or a retraction came — is
 *   superseded and never sent; a retraction goes to every target the publication was ever
 *   meant for here.
 *
 * Writes made in one turn of the event loop share one transaction, committed at the end of
 * the turn (`setImmediate`): one commit for a fetched batch's claims or a burst of
 * confirmations, instead of one each. Reads see them at once (same connection). A crash before
 * the commit loses them with the turn, before any outcome they led to is in Kafka (outcomes
 * are written on a later turn), so the deliveries are redone and the targets' idempotency keys
 * absorb the repeat.
 */
export interface ConfirmedDelivery {
  readonly idempotencyKey: string;
  readonly outcome: DeliveryResultKind;
  readonly reference: string | null;
  readonly attempt: number;
}

/** How a delivery stands against what is known of its publication at its target. */
export type DeliveryStanding =
  | { readonly kind: 'send' }
  | { readonly kind: 'confirmed'; readonly confirmed: ConfirmedDelivery }
  | { readonly kind: 'superseded'; readonly by: { readonly eventId: string; readonly eventType: string; readonly position: number } };

export class DeliveryState {
  private readonly db: Database.Database;
  private readonly statements;
  private commitTimer: NodeJS.Immediate | undefined;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS confirmed (
        idempotency_key TEXT PRIMARY KEY,
        outcome TEXT NOT NULL,
        reference TEXT,
        attempt INTEGER NOT NULL,
        confirmed_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS newest (
        publication TEXT NOT NULL,
        target TEXT NOT NULL,
        position INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        PRIMARY KEY (publication, target)
      ) WITHOUT ROWID;
    `);
    this.statements = {
      confirmed: this.db.prepare<[string], { outcome: DeliveryResultKind; reference: string | null; attempt: number }>(
        'SELECT outcome, reference, attempt FROM confirmed WHERE idempotency_key = ?',
      ),
      confirm: this.db.prepare<[string, string, string | null, number, number]>(
        'INSERT INTO confirmed (idempotency_key, outcome, reference, attempt, confirmed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING',
      ),
      newest: this.db.prepare<[string, string], { position: number; event_id: string; event_type: string }>(
        'SELECT position, event_id, event_type FROM newest WHERE publication = ? AND target = ?',
      ),
      advance: this.db.prepare<[string, string, number, string, string]>(
        `INSERT INTO newest (publication, target, position, event_id, event_type) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (publication, target) DO UPDATE SET position = excluded.position, event_id = excluded.event_id, event_type = excluded.event_type
         WHERE excluded.position > newest.position`,
      ),
      targets: this.db.prepare<[string], { target: string }>('SELECT target FROM newest WHERE publication = ? ORDER BY target'),
    };
  }

  /**
   * Where a delivery stands, and — when it is to be sent — records it as the newest of its
   * publication at its target, so that anything older from now on is superseded.
   */
  claim(delivery: { readonly idempotencyKey: string; readonly publication: string; readonly target: string; readonly position: number; readonly eventId: string; readonly eventType: string }): DeliveryStanding {
    const confirmed = this.statements.confirmed.get(delivery.idempotencyKey);
    if (confirmed) return { kind: 'confirmed', confirmed: { idempotencyKey: delivery.idempotencyKey, ...confirmed } };
    const newest = this.statements.newest.get(delivery.publication, delivery.target);
    if (newest && newest.position > delivery.position) {
      return { kind: 'superseded', by: { eventId: newest.event_id, eventType: newest.event_type, position: newest.position } };
    }
    this.writing();
    this.statements.advance.run(delivery.publication, delivery.target, delivery.position, delivery.eventId, delivery.eventType);
    return { kind: 'send' };
  }

  /** Whether a delivery is still the newest of its publication at its target (checked again right before a call). */
  isNewest(publication: string, target: string, position: number): boolean {
    const newest = this.statements.newest.get(publication, target);
    return !newest || newest.position <= position;
  }

  /** Records that the target confirmed a delivery; a second confirmation of the same key keeps the first. */
  confirm(delivery: ConfirmedDelivery, at: number = Date.now()): void {
    this.writing();
    this.statements.confirm.run(delivery.idempotencyKey, delivery.outcome, delivery.reference, delivery.attempt, at);
  }

  /** The targets of this channel a publication was ever meant for: where its retraction goes. */
  targetsOf(publication: string): string[] {
    return this.statements.targets.all(publication).map((row) => row.target);
  }

  /** Commits what this turn wrote now rather than at its end. */
  commit(): void {
    if (this.commitTimer === undefined) return;
    clearImmediate(this.commitTimer);
    this.commitTimer = undefined;
    // A failed commit throws: the service stops rather than deliver on a memory it cannot keep.
    this.db.exec('COMMIT');
  }

  close(): void {
    this.commit();
    this.db.close();
  }

  /** Opens the turn's transaction before its first write. */
  private writing(): void {
    if (this.commitTimer !== undefined) return;
    this.db.exec('BEGIN');
    this.commitTimer = setImmediate(() => this.commit());
  }
}
