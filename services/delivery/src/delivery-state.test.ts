import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DeliveryState } from './delivery-state';

describe('DeliveryState', () => {
  let dir: string;
  let state: DeliveryState;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-state-'));
    state = new DeliveryState(join(dir, 'website.sqlite'));
  });
  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const delivery = (eventId: string, position: number, target = 'zfxxgk/zcwj', eventType = 'document.published') => ({
    idempotencyKey: `${eventId}:${target}`,
    publication: 'lc-1',
    target,
    position,
    eventId,
    eventType,
  });

  it('sends a delivery once: after its confirmation a redelivery finds the recorded outcome', () => {
    expect(state.claim(delivery('e1', 10))).toEqual({ kind: 'send' });
    state.confirm({ idempotencyKey: 'e1:zfxxgk/zcwj', outcome: 'PUBLISHED', reference: 'http://site/a.html', attempt: 2 });
    expect(state.claim(delivery('e1', 10))).toEqual({
      kind: 'confirmed',
      confirmed: { idempotencyKey: 'e1:zfxxgk/zcwj', outcome: 'PUBLISHED', reference: 'http://site/a.html', attempt: 2 },
    });
    // Unconfirmed, a redelivery of the same event is sent again (the target skips it by its key).
    expect(state.claim(delivery('e2', 11))).toEqual({ kind: 'send' });
    expect(state.claim(delivery('e2', 11))).toEqual({ kind: 'send' });
  });

  it('supersedes an older event of the publication at the same target, not at another', () => {
    state.claim(delivery('e1', 10));
    state.claim(delivery('retract-1', 12, 'zfxxgk/zcwj', 'publication.retracted'));
    expect(state.claim(delivery('e1', 10))).toEqual({ kind: 'superseded', by: { eventId: 'retract-1', eventType: 'publication.retracted', position: 12 } });
    expect(state.isNewest('lc-1', 'zfxxgk/zcwj', 10)).toBe(false);
    expect(state.isNewest('lc-1', 'zfxxgk/zcwj', 12)).toBe(true);
    expect(state.claim(delivery('e1', 10, 'zfxxgk/zdly/jy'))).toEqual({ kind: 'send' });
    expect(state.targetsOf('lc-1')).toEqual(['zfxxgk/zcwj', 'zfxxgk/zdly/jy']);
    expect(state.targetsOf('lc-2')).toEqual([]);
  });

  it('commits the writes of a turn together at its end; another connection sees them after', async () => {
    state.claim(delivery('e1', 10));
    state.confirm({ idempotencyKey: 'e1:zfxxgk/zcwj', outcome: 'PUBLISHED', reference: null, attempt: 1 });
    const reader = new Database(join(dir, 'website.sqlite'), { readonly: true });
    try {
      const count = (): number => (reader.prepare('SELECT count(*) AS n FROM confirmed').get() as { n: number }).n;
      expect(count()).toBe(0); // the turn is not over
      await new Promise((resolve) => setImmediate(resolve));
      expect(count()).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('remembers across a restart', () => {
    state.claim(delivery('e1', 10));
    state.confirm({ idempotencyKey: 'e1:zfxxgk/zcwj', outcome: 'PUBLISHED', reference: null, attempt: 1 });
    state.close();
    state = new DeliveryState(join(dir, 'website.sqlite'));
    expect(state.claim(delivery('e1', 10)).kind).toBe('confirmed');
    expect(state.claim(delivery('e0', 9)).kind).toBe('superseded');
  });
});
