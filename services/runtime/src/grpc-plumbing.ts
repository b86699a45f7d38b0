/**
 * Small pieces every gRPC server of the hub needs, kept here so services do not copy them:
 * binding a port, reading call metadata, and the server's HTTP/2 receive windows.
 */
import type { Http2Server, Http2Session, Settings } from 'node:http2';
import { ServerCredentials, type Metadata, type Server } from '@grpc/grpc-js';

/** Binds the server; resolves with the port actually bound (port 0 picks a free one). */
export function bindServer(server: Server, address: string, credentials = ServerCredentials.createInsecure()): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))));
}

/** The first text value of a metadata key (e.g. `authorization`), or undefined. */
export function metadataText(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/** The grpc-js Server internals {@link raiseReceiveWindows} works through (grpc-js 1.14). */
interface ServerInternals {
  commonServerOptions?: { settings?: Settings };
  createHttp2Server?: (credentials: ServerCredentials) => Http2Server;
}

/**
 * Lets callers have `connectionBytes` of request data in flight to the server per connection,
 * and `streamBytes` per call (by default a quarter of it), before HTTP/2 flow control holds
 * them back. Call it before the server binds.
 *
 * HTTP/2 starts both windows at 64 KiB, and the server reopens them only as its event loop
 * reads. A 200 KB batch, or fifty 2 KB calls at once, then arrives in 64 KiB pieces, each
 * waiting a round trip through a loop that is busy with earlier calls. grpc-js honours
 * `grpc-node.flow_control_window` on clients only (the server side is grpc/grpc-node#3058, not
 * released), so this does here what that change does: advertise the stream window in the
 * server's SETTINGS and raise each session's connection window as it opens.
 */
export function raiseReceiveWindows(
  server: Server,
  { connectionBytes, streamBytes = Math.max(65_535, Math.floor(connectionBytes / 4)) }: { connectionBytes: number; streamBytes?: number },
): void {
  const internals = server as unknown as ServerInternals;
  const create = internals.createHttp2Server;
  if (!internals.commonServerOptions || typeof create !== 'function') {
    throw new Error('raiseReceiveWindows: this grpc-js version has no commonServerOptions/createHttp2Server; see grpc/grpc-node#3058 for its own option');
  }
  internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: streamBytes };
  internals.createHttp2Server = (credentials) => {
    const http2Server = create.call(server, credentials);
    http2Server.on('session', (session: Http2Session) => session.setLocalWindowSize(connectionBytes));
    return http2Server;
  };
}
