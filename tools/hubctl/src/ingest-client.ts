/**
 * The gateway's ingest API as promises: the one module that opens a channel to the gateway.
 * Commands take an {@link IngestCalls}, so tests hand them a fake without a server.
 */
import { credentials } from '@grpc/grpc-js';
import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { unaryCall, type CallSettings } from './unary-call';

export type { CallSettings } from './unary-call';

/** The ingest API's four calls; each rejects with the grpc-js `ServiceError` of a failed call. */
export interface IngestCalls {
  publish(request: ingestApi.PublishRequest, settings: CallSettings): Promise<ingestApi.PublishResponse__Output>;
  publishBatch(request: ingestApi.PublishBatchRequest, settings: CallSettings): Promise<ingestApi.PublishBatchResponse__Output>;
  retract(request: ingestApi.RetractRequest, settings: CallSettings): Promise<ingestApi.PublishResponse__Output>;
  getPublication(request: ingestApi.GetPublicationRequest, settings: CallSettings): Promise<ingestApi.Publication__Output>;
  close(): void;
}

/** A plaintext channel to the gateway at `host:port` (the local hub listens on loopback only). */
export function connectIngest(address: string): IngestCalls {
  const IngestService = loadIngestService().gongkai.hub.v1.IngestService;
  const client = new IngestService(address, credentials.createInsecure());
  return {
    publish: unaryCall<ingestApi.PublishRequest, ingestApi.PublishResponse__Output>((...args) => client.Publish(...args)),
    publishBatch: unaryCall<ingestApi.PublishBatchRequest, ingestApi.PublishBatchResponse__Output>((...args) => client.PublishBatch(...args)),
    retract: unaryCall<ingestApi.RetractRequest, ingestApi.PublishResponse__Output>((...args) => client.Retract(...args)),
    getPublication: unaryCall<ingestApi.GetPublicationRequest, ingestApi.Publication__Output>((...args) => client.GetPublication(...args)),
    close: () => client.close(),
  };
}
