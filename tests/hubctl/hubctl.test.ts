import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { unique } from '../support/kafka';

const cli = require.resolve('@gongkai/hubctl/dist/cli.js');
const example = resolve(__dirname, '../../tools/hubctl/examples/document-published.yaml');

function hubctl(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, HUB_TOKEN: '', ...env } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('hubctl against a real gateway', () => {
  let gw: RunningGateway;
  let dir: string;
  let eventFile: string;
  let publicationId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    dir = mkdtempSync(join(tmpdir(), 'hubctl-'));
    const event = parse(readFileSync(example, 'utf8')) as { data: { publicationId: string } };
    publicationId = unique('pub');
    event.data.publicationId = publicationId;
    eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(event));
  });
  afterAll(async () => {
    await gw?.close();
  });

  const gateway = (): string[] => ['--gateway', `127.0.0.1:${gw.app.port}`];

  it('publishes the example document, answers a retry as a duplicate, and gets the publication', async () => {
    const id = unique('evt');
    const first = await hubctl(['publish', eventFile, '--event-id', id, ...gateway()], { HUB_TOKEN: TOKENS.docs });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`accepted ${id} → disclosure\\[\\d+\\]@\\d+`));

    const again = await hubctl(['publish', eventFile, '--event-id', id, '--json', ...gateway()], { HUB_TOKEN: TOKENS.docs });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ eventId: id, duplicate: true });

    const got = await hubctl(['get', publicationId, '--json', ...gateway(), '--token', TOKENS.docs]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ publicationId });
  });

  it('lists each broken field and exits 3 for an invalid event', async () => {
    const bad = JSON.parse(readFileSync(eventFile, 'utf8')) as { data: Record<string, unknown> };
    bad.data.publicationId = unique('pub');
    (bad.data.issuingBody as { creditCode: string }).creditCode = '11371500004310437K';
    bad.data.title = '';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const result = await hubctl(['publish', file, ...gateway()], { HUB_TOKEN: TOKENS.docs });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('document.issuingBody.creditCode');
    expect(result.stderr).toContain('document.title');
  });

  it('exits 4 and says how to authenticate without a token, 5 on a reused id, 6 for an unknown publication', async () => {
    const noToken = await hubctl(['publish', eventFile, ...gateway()]);
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toMatch(/--token or set HUB_TOKEN/);

    const id = unique('evt');
    await hubctl(['publish', eventFile, '--event-id', id, ...gateway()], { HUB_TOKEN: TOKENS.docs });
    const changed = JSON.parse(readFileSync(eventFile, 'utf8')) as { data: { title: string } };
    changed.data.title = `${changed.data.title}（更正）`;
    const changedFile = join(dir, 'changed.json');
    writeFileSync(changedFile, JSON.stringify(changed));
    expect((await hubctl(['publish', changedFile, '--event-id', id, ...gateway()], { HUB_TOKEN: TOKENS.docs })).code).toBe(5);

    expect((await hubctl(['get', unique('missing'), ...gateway()], { HUB_TOKEN: TOKENS.docs })).code).toBe(6);
  });

  it('exits 7 when no gateway answers', async () => {
    const result = await hubctl(['publish', eventFile, '--gateway', '127.0.0.1:1', '--timeout', '2'], { HUB_TOKEN: TOKENS.docs });
    expect(result.code).toBe(7);
  });
});
