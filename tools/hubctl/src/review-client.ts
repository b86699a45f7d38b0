/**
 * The review service's operator API as promises: the one module that opens a channel to it.
 * Review commands take a {@link ReviewCalls}, so tests hand them a fake without a server.
 */
import { credentials } from '@grpc/grpc-js';
import { loadReviewService, type reviewApi } from '@gongkai/contracts';
import { unaryCall, type CallSettings } from './unary-call';

/** The review API's three calls; each rejects with the grpc-js `ServiceError` of a failed call. */
export interface ReviewCalls {
  listHeld(request: reviewApi.ListHeldRequest, settings: CallSettings): Promise<reviewApi.ListHeldResponse__Output>;
  getHeld(request: reviewApi.GetHeldRequest, settings: CallSettings): Promise<reviewApi.HeldPublication__Output>;
  decide(request: reviewApi.DecideRequest, settings: CallSettings): Promise<reviewApi.RecordedDecision__Output>;
  close(): void;
}

/** A plaintext channel to the review service at `host:port` (the local hub listens on loopback only). */
export function connectReview(address: string): ReviewCalls {
  const ReviewService = loadReviewService().gongkai.hub.v1.ReviewService;
  const client = new ReviewService(address, credentials.createInsecure());
  return {
    listHeld: unaryCall<reviewApi.ListHeldRequest, reviewApi.ListHeldResponse__Output>((...args) => client.ListHeld(...args)),
    getHeld: unaryCall<reviewApi.GetHeldRequest, reviewApi.HeldPublication__Output>((...args) => client.GetHeld(...args)),
    decide: unaryCall<reviewApi.DecideRequest, reviewApi.RecordedDecision__Output>((...args) => client.Decide(...args)),
    close: () => client.close(),
  };
}
