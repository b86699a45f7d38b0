import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublicationStatusFollower, PublicationStatusStore } from '@gongkai/gateway';
import { startTestGateway } from '../support/gateway';
import { eventually, quietLogger, testKafka, unique } from '../support/kafka';

/** The members of a consumer group, as the broker sees them. */
async function members(groupId: string): Promise<number> {
  const admin = testKafka().kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

describe('the publication status follower, against the real broker', () => {
  let dir: string;
  let store: PublicationStatusStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'status-follower-'));
    store = new PublicationStatusStore(join(dir, 'status.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins its group while it follows and leaves it when stopped', async () => {
    const group = unique('status');
    const follower = new PublicationStatusFollower(testKafka(), store, group, quietLogger);
    // As the gateway's probe does: a group's first join on a fresh broker may fail, and start() says so.
    await eventually(async () => {
      await follower.start().catch(() => undefined);
      return follower.following;
    }, 30_000, 'the follower to follow');
    expect(await members(group)).toBe(1);
    await follower.stop();
    expect(await members(group)).toBe(0);
  }, 60_000);

  it('stopped while it is still starting, it does not go on to follow', async () => {
    const group = unique('status');
    const follower = new PublicationStatusFollower(testKafka(), store, group, quietLogger);
    const starting = follower.start();
    await follower.stop();
    await starting;
    expect(follower.following).toBe(false);
    expect(await members(group)).toBe(0);
  }, 60_000);

  it('a gateway that stops leaves its status group within its shutdown budget for it', async () => {
    const gw = await startTestGateway();
    await eventually(async () => (await members(gw.statusGroup)) === 1, 30_000, "the gateway's follower to join its group");
    await gw.close();
    // The gateway gives the follower 5 s; a fetch still waiting on the broker must not outlast that.
    expect(await members(gw.statusGroup)).toBe(0);
  }, 60_000);
});
