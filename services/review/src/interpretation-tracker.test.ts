import { mkdtempSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { decodeEvent } from '@gongkai/contracts';
import { InterpretationTracker, missingInterpretationAlerts } from './interpretation-tracker';
import { WorkingCalendar } from './working-calendar';

describe('InterpretationTracker', () => {
  const calendar = WorkingCalendar.fromDirectory();
  const file = (): string => join(mkdtempSync(join(tmpdir(), 'interp-')), 'state.sqlite');
  const policy = { ...sampleEvents()['document.published'], publicationId: 'policy-1', needsInterpretation: true };
  const interpretation = { ...sampleEvents()['interpretation.published'], publicationId: 'interp-1', policyPublicationId: 'policy-1' };

  it('knows the policies it has seen, and only those', () => {
    const tracker = new InterpretationTracker(file(), calendar, 5);
    expect(tracker.interpretationSeen(interpretation)).toBe(false);
    tracker.documentSeen(policy, '2025-06-26');
    expect(tracker.interpretationSeen(interpretation)).toBe(true);
  });

  it('alerts once for a policy needing an interpretation past its due working day, not before, and not when one came', () => {
    const path = file();
    const tracker = new InterpretationTracker(path, calendar, 5);
    tracker.documentSeen(policy, '2025-06-26'); // Thursday: 5 working days later is Thursday 2025-07-03
    tracker.documentSeen({ ...policy, publicationId: 'policy-2' }, '2025-06-26');
    tracker.documentSeen({ ...policy, publicationId: 'policy-3', needsInterpretation: false }, '2025-06-26');
    tracker.interpretationSeen({ ...interpretation, policyPublicationId: 'policy-2' });
    expect(tracker.takeOverdue('2025-07-03')).toEqual([]);
    expect(tracker.takeOverdue('2025-07-04').map((m) => [m.policyPublicationId, m.dueOn])).toEqual([['policy-1', '2025-07-03']]);
    expect(tracker.takeOverdue('2025-07-10')).toEqual([]);
    tracker.close();
    // A restart remembers what it alerted.
    expect(new InterpretationTracker(path, calendar, 5).takeOverdue('2025-08-01')).toEqual([]);
  });

  it('counts working days across the National Day holiday', () => {
    const tracker = new InterpretationTracker(file(), calendar, 3);
    tracker.documentSeen(policy, '2025-09-30'); // Oct 1–8 off, Oct 9 Thu, Oct 10 Fri, Oct 11 make-up Sat
    expect(tracker.takeOverdue('2025-10-11')).toEqual([]);
    expect(tracker.takeOverdue('2025-10-12').map((m) => m.dueOn)).toEqual(['2025-10-11']);
  });

  it("keeps a batch's writes in one transaction: seen by its own reads at once, by another connection after commit", async () => {
    const path = file();
    const tracker = new InterpretationTracker(path, calendar, 5);
    const reader = new Database(path, { readonly: true });
    const known = (): string[] => reader.prepare<[], { publication_id: string }>('SELECT publication_id FROM policies ORDER BY 1').all().map((r) => r.publication_id);
    tracker.documentSeen(policy, '2025-06-26');
    tracker.documentSeen({ ...policy, publicationId: 'policy-2' }, '2025-06-26');
    expect(tracker.interpretationSeen(interpretation)).toBe(true);
    expect(known()).toEqual([]);
    tracker.commit();
    expect(known()).toEqual(['policy-1', 'policy-2']);
    // A caller that never commits still has its writes on disk by the next turn of the event loop.
    tracker.documentSeen({ ...policy, publicationId: 'policy-3' }, '2025-06-26');
    await new Promise((resolve) => setImmediate(resolve));
    expect(known()).toEqual(['policy-1', 'policy-2', 'policy-3']);
    tracker.close();
    reader.close();
  });

  it('makes one INTERPRETATION_MISSING alert per late policy, keyed by the policy', () => {
    const [record] = missingInterpretationAlerts([{ policyPublicationId: 'policy-1', title: '关于印发方案的通知', issuingBody: '聊城市人民政府办公室', releasedOn: '2025-06-26', dueOn: '2025-07-03' }], new Date('2025-07-04T01:00:00Z'));
    expect(record?.topic).toBe('alerts');
    const event = decodeEvent({ key: record!.key, value: record!.value, headers: record!.headers });
    expect(event).toMatchObject({ type: 'alert.raised', subject: 'policy-1', data: { kind: 'INTERPRETATION_MISSING', attributes: { dueOn: '2025-07-03' } } });
  });
});
