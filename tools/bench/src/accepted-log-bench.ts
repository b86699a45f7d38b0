/**
 * The gateway's record of accepted events (decision 010) beside what it replaced, in the same
 * run: the append-only log with its in-memory index, and a SQLite table keyed by (caller, id)
 * as the gateway kept it until then, each recording batches of 100 events — once with ids in
 * ascending order and once with UUIDs, which is what upstream systems send.
 *
 *   npm run bench:accepted-log -w @gongkai/bench
 *     ACCEPTED_BENCH_EVENTS   events per cell (default 200000)
 *
 * Printed per cell: wall and CPU µs per event of recording alone (making the events is not
 * timed) and the longest batch (when the log's index grows, say), then for the log: a lookup
 * of a known id and of an unknown one, and a restart (reading the files back into the index).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AcceptedLog, type RecordedEvent } from '@gongkai/gateway';

const EVENTS = Number(process.env.ACCEPTED_BENCH_EVENTS ?? 200_000);
const BATCH = 100;
const SHA = 'c'.repeat(64);

interface Store {
  record(events: readonly RecordedEvent[]): void;
  close(): void;
}

/** The gateway's SQLite store before decision 010: the same schema, statements and transaction per batch. */
function sqliteStore(dir: string): Store {
  const db = new Database(join(dir, 'accepted-events.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE accepted_events (caller TEXT NOT NULL, event_id TEXT NOT NULL, payload_sha256 TEXT NOT NULL, event_type TEXT NOT NULL, subject TEXT NOT NULL,
      topic TEXT NOT NULL, partition INTEGER NOT NULL, offset TEXT NOT NULL, accepted_at INTEGER NOT NULL, PRIMARY KEY (caller, event_id)) WITHOUT ROWID;
    CREATE INDEX accepted_events_by_time ON accepted_events (accepted_at);
    CREATE TABLE publications (publication_id TEXT PRIMARY KEY, latest_revision INTEGER NOT NULL, last_event_type TEXT NOT NULL, last_event_id TEXT NOT NULL,
      last_caller TEXT NOT NULL, first_accepted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, retracted INTEGER NOT NULL DEFAULT 0, issuing_body TEXT, title TEXT) WITHOUT ROWID;
  `);
  const insert = db.prepare('INSERT OR IGNORE INTO accepted_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const upsert = db.prepare(`INSERT INTO publications VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
    ON CONFLICT(publication_id) DO UPDATE SET latest_revision = MAX(latest_revision, excluded.latest_revision), last_event_type = excluded.last_event_type,
      last_event_id = excluded.last_event_id, last_caller = excluded.last_caller, updated_at = excluded.updated_at,
      issuing_body = COALESCE(excluded.issuing_body, issuing_body), title = COALESCE(excluded.title, title)`);
  const recordMany = db.transaction((events: readonly RecordedEvent[]) => {
    for (const e of events) {
      if (insert.run(e.caller, e.eventId, e.payloadSha256, e.eventType, e.subject, e.topic, e.partition, e.offset, e.acceptedAt).changes === 0) continue;
      upsert.run(e.subject, e.revision ?? 0, e.eventType, e.eventId, e.caller, e.acceptedAt, e.acceptedAt, e.issuingBody ?? null, e.title ?? null);
    }
  });
  return { record: (events) => recordMany(events), close: () => db.close() };
}

function batchOf(ids: () => string, seq: { n: number }): RecordedEvent[] {
  return Array.from({ length: BATCH }, () => {
    const id = ids();
    return {
      caller: 'docs-system',
      eventId: id,
      payloadSha256: SHA,
      eventType: 'document.published',
      subject: `pub-${id}`,
      topic: 'disclosure',
      partition: seq.n % 6,
      offset: String(seq.n++),
      acceptedAt: Date.now(),
      revision: 1,
      issuingBody: '11371500004305489N',
      title: '聊城市人民政府办公室关于印发聊城市2025年政务公开工作要点的通知',
    };
  });
}

/** Records EVENTS events; returns wall and CPU µs per event of the record calls alone, the longest call in ms, and the ids. */
function fill(store: Store, ids: () => string): { wall: number; cpu: number; longestMs: number; recorded: string[] } {
  const seq = { n: 0 };
  const recorded: string[] = [];
  let wall = 0n;
  let cpu = 0;
  let longest = 0n;
  for (let i = 0; i < EVENTS / BATCH; i++) {
    const batch = batchOf(ids, seq);
    recorded.push(batch[i % BATCH]!.eventId);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    store.record(batch);
    const took = process.hrtime.bigint() - t0;
    wall += took;
    if (took > longest) longest = took;
    const c = process.cpuUsage(c0);
    cpu += c.user + c.system;
  }
  return { wall: Number(wall) / 1000 / EVENTS, cpu: cpu / EVENTS, longestMs: Number(longest) / 1e6, recorded };
}

function microsEach(times: number, f: (i: number) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < times; i++) f(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / times;
}

function main(): void {
  const orders: [string, () => () => string][] = [
    ['ascending', () => {
      let n = 0;
      return () => `evt-${String(n++).padStart(10, '0')}`;
    }],
    ['UUID', () => randomUUID],
  ];
  const rows: string[][] = [];
  for (const [order, makeIds] of orders) {
    for (const kind of ['SQLite (before)', 'log']) {
      const dir = mkdtempSync(join(tmpdir(), 'accepted-bench-'));
      try {
        const retention = 30 * 86_400_000;
        const store: Store = kind === 'log' ? new AcceptedLog(join(dir, 'accepted'), retention) : sqliteStore(dir);
        const { wall, cpu, longestMs, recorded } = fill(store, makeIds());
        let extra = ['—', '—', '—'];
        if (store instanceof AcceptedLog) {
          microsEach(recorded.length, (i) => store.find('docs-system', recorded[i]!)); // warm-up
          const hit = microsEach(recorded.length, (i) => store.find('docs-system', recorded[i]!));
          const miss = microsEach(100_000, (i) => store.find('docs-system', `never-${i}`));
          if (recorded.some((id) => !store.find('docs-system', id))) throw new Error('accepted-log bench: a recorded id was not found');
          store.close();
          const t0 = process.hrtime.bigint();
          new AcceptedLog(join(dir, 'accepted'), retention).close();
          extra = [hit.toFixed(2), miss.toFixed(2), (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)];
        } else {
          store.close();
        }
        rows.push([order, kind, wall.toFixed(1), cpu.toFixed(1), longestMs.toFixed(1), ...extra]);
        process.stderr.write(`${order} ids, ${kind}: ${wall.toFixed(1)} µs per event\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const head = ['ids', 'store', 'wall µs/event', 'CPU µs/event', 'longest batch ms', 'find known µs', 'find unknown µs', 'restart ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`Recording ${EVENTS.toLocaleString('en')} accepted events in batches of ${BATCH} (one write or transaction each)\n`);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}

main();
