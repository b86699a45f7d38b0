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

  it('redacts a key down to three levels, in arrays too, as pino paths k, *.k and *.*.k reach', () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    const fields = {
      email: 'top@example.cn',
      call: { password: 'pw-1', req: { headers: { authorization: 'Bearer deep' } } },
      list: [{ mobile: '13812345678' }, 'plain'],
      deeper: { a: { b: { token: 'kept: four levels down' } } },
    };
    log.info(fields, 'call');
    const line = JSON.parse(out.lines()[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ email: '[redacted]', call: { password: '[redacted]', req: { headers: { authorization: 'Bearer deep' } } }, list: [{ mobile: '[redacted]' }, 'plain'] });
    expect(line.deeper).toEqual(fields.deeper);
    // The caller's object is left as it was.
    expect(fields.call.password).toBe('pw-1');
    expect(fields.list[0]).toEqual({ mobile: '13812345678' });
  });

  it('redacts child bindings and the own fields of a logged error', () => {
    const out = capture();
    const log = createLogger({ service: 'test', destination: out.stream });
    const err = Object.assign(new Error('refused'), { token: 'tok-err', status: 401 });
    log.child({ channel: 'website', secret: 'shh' }).error({ err }, 'failed');
    const line = out.lines()[0] ?? '';
    expect(line).not.toContain('shh');
    expect(line).not.toContain('tok-err');
    expect(JSON.parse(line)).toMatchObject({ channel: 'website', secret: '[redacted]', err: { message: 'refused', status: 401, token: '[redacted]', type: 'Error' } });
    expect(err.token).toBe('tok-err');
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
