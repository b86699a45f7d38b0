import { createServer } from 'node:net';

/**
 * Which of these ports on 127.0.0.1 cannot be bound now: another program listens there, or an
 * outgoing connection holds it as its local port (50051 and 50052 lie in Linux's ephemeral
 * range). Binding is the only test that catches both.
 */
export async function portsInUse(ports: readonly number[]): Promise<number[]> {
  const taken: number[] = [];
  for (const port of ports) if (!(await canBind(port))) taken.push(port);
  return taken;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}
