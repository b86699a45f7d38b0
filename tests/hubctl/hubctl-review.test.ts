import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOPICS, type EventData } from '@gongkai/contracts';
import { parse } from 'yaml';
import { startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { eventually, unique } from '../support/kafka';
import { OPERATOR_TOKENS, REVIEWER_ID, readUntil, startTestReview, type RunningReview } from '../support/review';

const cli = require.resolve('@gongkai/hubctl/dist/cli.js');
const example = resolve(__dirname, '../../tools/hubctl/examples/document-published.yaml');
const IDENTITY = '370102199003071238';

function hubctl(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, HUB_TOKEN: '', HUB_REVIEW_SERVICE: '', ...env } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('hubctl review against a real review service', () => {
  let gw: RunningGateway;
  let review: RunningReview;
  let dir: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    review = await startTestReview();
    dir = mkdtempSync(join(tmpdir(), 'hubctl-review-'));
  }, 90_000);
  afterAll(async () => {
    await review?.close();
    await gw?.close();
  });

  /** Publishes the example document with an identity number in its title and body, through hubctl. */
  async function publishHeld(): Promise<string> {
    const event = parse(readFileSync(example, 'utf8')) as { data: EventData<'document.published'> };
    const publicationId = unique('pub');
    event.data.publicationId = publicationId;
    event.data.title = `关于居民${IDENTITY}的公示`;
    event.data.body = `${event.data.body}\n身份证号码 ${IDENTITY}`;
    const file = join(dir, `${publicationId}.json`);
    writeFileSync(file, JSON.stringify(event));
    const published = await hubctl(['publish', file, '--gateway', `127.0.0.1:${gw.app.port}`], { HUB_TOKEN: TOKENS.docs });
    expect(published.code).toBe(0);
    return publicationId;
  }

  const reviewer = (args: string[]) => hubctl([...args, '--review-service', review.address], { HUB_TOKEN: OPERATOR_TOKENS.reviewer });

  it('lists and shows a held document masked, approves it with masking, and refuses a second decision', async () => {
    const publicationId = await publishHeld();
    let listed = { code: -1, stdout: '', stderr: '' };
    await eventually(async () => {
      listed = await reviewer(['review', 'list']);
      return listed.stdout.includes(publicationId);
    }, 60_000, `${publicationId} in hubctl review list`);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${publicationId}  关于居民370102********1238的公示`);
    expect(listed.stdout).not.toContain(IDENTITY);

    const shown = await hubctl(['review', 'show', publicationId, '--review-service', review.address, '--token', OPERATOR_TOKENS.reviewer]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('state:         waiting for a decision');
    expect(shown.stdout).toMatch(/RESIDENT_ID in document\.title: 370102\*{8}1238/);
    expect(shown.stdout).not.toContain(IDENTITY);

    const approved = await reviewer(['review', 'approve', publicationId, '--mask', '--note', '已脱敏']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`^approved with masking \\S+ of ${publicationId}: released the masked copy \\S+:masked to .*website`));
    expect(approved.stdout).toContain(`decided by ${REVIEWER_ID} at `);
    const [released] = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.length >= 1, `${publicationId} released`);
    expect(released!.event.id).toMatch(/:masked$/);
    expect(JSON.stringify(released!.event.data)).not.toContain(IDENTITY);

    const again = await reviewer(['review', 'reject', publicationId, '--note', '迟到的驳回']);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain(`already decided: APPROVED_MASKED by ${REVIEWER_ID}`);
    expect(again.stderr).toContain('ALREADY_DECIDED');
  });

  it('rejects with a note, and refuses operators who are not reviewers or give no token', async () => {
    const publicationId = await publishHeld();
    await eventually(async () => (await reviewer(['review', 'show', publicationId])).code === 0, 60_000, `${publicationId} held`);

    const viewer = await hubctl(['review', 'reject', publicationId, '--note', 'x', '--review-service', review.address], { HUB_TOKEN: OPERATOR_TOKENS.viewer });
    expect(viewer.code).toBe(4);
    expect(viewer.stderr).toContain('PERMISSION_DENIED');
    const noToken = await hubctl(['review', 'list', '--review-service', review.address]);
    expect(noToken.code).toBe(4);

    const rejected = await reviewer(['review', 'reject', publicationId, '--note', '涉及个人隐私', '--json']);
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ ok: true, publicationId, decision: 'REJECTED', decidedBy: REVIEWER_ID, note: '涉及个人隐私', releasedEventId: null });
    const shown = await reviewer(['review', 'show', publicationId, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ items: [{ state: 'REJECTED', decision: { decidedBy: REVIEWER_ID } }] });

    const unknown = await reviewer(['review', 'show', unique('nothing-held')]);
    expect(unknown.code).toBe(6);
  });
});
