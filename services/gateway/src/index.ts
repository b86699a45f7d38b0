export { startGateway, type GatewayApp } from './gateway-app';
export { loadGatewayConfig, gatewayVariables, type GatewayConfig } from './gateway-config';
export { CallerRegistry, CallerRegistryError, hashToken, type Caller } from './caller-registry';
export { IngestHandler, payloadHash, type PublishResult } from './ingest-handler';
export { IdempotencyStore } from './idempotency-store';
export { BatchingPublisher } from './batching-publisher';
export { toGrpcStatus, readStatusDetails } from './grpc-status';
export { INGEST_SERVICE_NAME } from './grpc-server';
export * from './errors';
