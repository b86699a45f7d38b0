import { connect, type ClientHttp2Session } from 'node:http2';
import { Server } from '@grpc/grpc-js';
import { bindServer, raiseReceiveWindows } from './grpc-plumbing';

/** What a client connecting to the server is allowed to send: the stream window it advertised, and the connection window. */
async function windowsSeenByClient(server: Server): Promise<{ stream: number | undefined; connection: number | undefined }> {
  const port = await bindServer(server, '127.0.0.1:0');
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => resolve());
      session.once('error', reject);
    });
    // The connection window grows by a WINDOW_UPDATE that follows the SETTINGS; a ping's answer comes after it.
    await new Promise<void>((resolve, reject) => session.ping((err) => (err ? reject(err) : resolve())));
    return { stream: session.remoteSettings.initialWindowSize, connection: session.state.remoteWindowSize };
  } finally {
    session.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}

describe('raiseReceiveWindows', () => {
  it("leaves a plain grpc-js server at HTTP/2's 64 KiB windows (what it is for)", async () => {
    expect(await windowsSeenByClient(new Server())).toEqual({ stream: 65_535, connection: 65_535 });
  });

  it('has the server advertise the stream window and open the connection window', async () => {
    const server = new Server();
    raiseReceiveWindows(server, { connectionBytes: 4 * 1024 * 1024, streamBytes: 1024 * 1024 });
    expect(await windowsSeenByClient(server)).toEqual({ stream: 1024 * 1024, connection: 4 * 1024 * 1024 });
  });

  it('says so when grpc-js no longer has the internals it works through', () => {
    const stranger = { commonServerOptions: undefined } as unknown as Server;
    expect(() => raiseReceiveWindows(stranger, { connectionBytes: 1 << 20, streamBytes: 1 << 18 })).toThrow(/grpc-node#3058/);
  });
});
