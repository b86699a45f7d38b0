import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(): { lines: () => string[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n') };
}

describe('createLogger', () => {
  it('redacts secrets and personal data in structured fields', () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    log.info({ token: 'tok-123', request: { authorization: 'Bearer abc', applicant: '张三' }, publicationId: 'P1' }, 'call');
    const line = out.lines()[0] ?? '';
    expect(line).not.toContain('tok-123');
    expect(line).not.toContain('Bearer abc');
    expect(line).not.toContain('张三');
    expect(JSON.parse(line)).toMatchObject({ publicationId: 'P1', token: '[redacted]', request: { authorization: '[redacted]' } });
  });

  it('masks identity numbers, mobiles, e-mail and bearer tokens quoted in messages and errors', () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    log.warn('applicant 370102199003071234 mobile 13812345678 mail a.b@example.cn');
    log.error({ err: new Error('upstream said: Authorization Bearer eyJhbGciOi.xyz rejected') }, 'failed');
    const text = out.lines().join('\n');
    for (const secret of ['370102199003071234', '13812345678', 'a.b@example.cn', 'eyJhbGciOi']) expect(text).not.toContain(secret);
    expect(text).toContain('[masked]');
  });

  it('keeps ordinary numbers such as document serials', () => {
    const out = capture();
    createLogger({ service: 'test', destination: out.stream }).info('索引号 11371500004310437K/2025-00012 revision 3');
    expect(out.lines()[0]).toContain('2025-00012 revision 3');
  });

  it('child loggers carry their context', () => {
    const out = capture();
    createLogger({ service: 'test', destination: out.stream }).child({ channel: 'website', target: 'zwgk' }).info('delivered');
    expect(JSON.parse(out.lines()[0] ?? '{}')).toMatchObject({ service: 'test', channel: 'website', target: 'zwgk', msg: 'delivered' });
  });
});
