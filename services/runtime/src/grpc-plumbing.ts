/**
 * Small pieces every gRPC server of the hub needs, kept here so services do not copy them:
 * binding a port and reading call metadata.
 */
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
