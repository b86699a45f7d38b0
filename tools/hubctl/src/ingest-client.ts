/**
 * The gateway's ingest API as promises: the one module that opens a gRPC channel. Commands
 * take an {@link IngestCalls}, so tests hand them a fake without a server.
 */
import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { loadIngestService, type ingestApi } from '@gongkai/contracts';

export interface CallSettings {
  /** Bearer token of the calling system; sent as `authorization: Bearer …`, never printed. */
  readonly token: string;
  readonly deadline: Date;
}

/** The ingest API's four calls; each rejects with the grpc-js `ServiceError` of a failed call. */
export interface IngestCalls {
  publish(request: ingestApi.PublishRequest, settings: CallSettings): Promise<ingestApi.PublishResponse__Output>;
  publishBatch(request: ingestApi.PublishBatchRequest, settings: CallSettings): Promise<ingestApi.PublishBatchResponse__Output>;
  retract(request: ingestApi.RetractRequest, settings: CallSettings): Promise<ingestApi.PublishResponse__Output>;
  getPublication(request: ingestApi.GetPublicationRequest, settings: CallSettings): Promise<ingestApi.Publication__Output>;
  close(): void;
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: CallOptions, callback: (err: ServiceError | null, value?: Res) => void) => unknown;

/** A plaintext channel to the gateway at `host:port` (the local hub listens on loopback only). */
export function connectIngest(address: string): IngestCalls {
  const IngestService = loadIngestService().gongkai.hub.v1.IngestService;
  const client = new IngestService(address, credentials.createInsecure());
  const call =
    <Req, Res>(method: Unary<Req, Res>) =>
    (request: Req, settings: CallSettings): Promise<Res> =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${settings.token}`);
        method(request, metadata, { deadline: settings.deadline }, (err, value) => (err ? reject(err) : resolve(value as Res)));
      });
  return {
    publish: call<ingestApi.PublishRequest, ingestApi.PublishResponse__Output>((...args) => client.Publish(...args)),
    publishBatch: call<ingestApi.PublishBatchRequest, ingestApi.PublishBatchResponse__Output>((...args) => client.PublishBatch(...args)),
    retract: call<ingestApi.RetractRequest, ingestApi.PublishResponse__Output>((...args) => client.Retract(...args)),
    getPublication: call<ingestApi.GetPublicationRequest, ingestApi.Publication__Output>((...args) => client.GetPublication(...args)),
    close: () => client.close(),
  };
}
