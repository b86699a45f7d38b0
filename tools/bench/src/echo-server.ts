/**
 * The baseline server: the same IngestService definition on a bare grpc-js server, answering
 * each call at once with a fixed response. What it costs is what gRPC itself costs on this
 * machine — decoding the same messages, HTTP/2, one event loop. Run as its own process;
 * prints `{"port":N}` when it listens.
 */
import { Server, ServerCredentials, type ServiceDefinition, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { raiseReceiveWindows } from '@gongkai/runtime';

const service = loadIngestService().gongkai.hub.v1.IngestService.service as ServiceDefinition;
const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
// The gateway's HTTP/2 receive windows (ECHO_RECEIVE_WINDOW_BYTES, set by the bench), so the
// baseline's transport is the gateway's own.
const receiveWindow = Number(process.env.ECHO_RECEIVE_WINDOW_BYTES ?? 0);
if (receiveWindow > 0) raiseReceiveWindows(server, { connectionBytes: receiveWindow });
const fixed = { topic: 'disclosure', partition: 0, offset: '0', duplicate: false };

server.addService(service, {
  Publish: (call: ServerUnaryCall<ingestApi.PublishRequest__Output, ingestApi.PublishResponse>, callback: sendUnaryData<ingestApi.PublishResponse>) => {
    callback(null, { eventId: call.request.eventId, ...fixed });
  },
  PublishBatch: (call: ServerUnaryCall<ingestApi.PublishBatchRequest__Output, ingestApi.PublishBatchResponse>, callback: sendUnaryData<ingestApi.PublishBatchResponse>) => {
    callback(null, { results: call.request.items.map((item, index) => ({ index, published: { eventId: item.eventId, ...fixed } })) });
  },
  Retract: (call: ServerUnaryCall<ingestApi.RetractRequest__Output, ingestApi.PublishResponse>, callback: sendUnaryData<ingestApi.PublishResponse>) => {
    callback(null, { eventId: call.request.eventId, ...fixed });
  },
  GetPublication: (_call: unknown, callback: sendUnaryData<ingestApi.Publication>) => {
    callback(null, { publicationId: '', state: 'PUBLICATION_STATE_UNSPECIFIED' });
  },
});

server.bindAsync(`127.0.0.1:${process.env.ECHO_PORT ?? '0'}`, ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`echo server: cannot listen: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

const stop = (): void => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
