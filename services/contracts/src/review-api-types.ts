/**
 * Types generated from `protos/gongkai/hub/v1/review.proto`, gathered so `index.ts` can offer
 * them as the `reviewApi` namespace (`Finding` and `ReviewDecision` would otherwise clash with
 * the event data types). `X` is what a caller may send, `X__Output` what a receiver gets with
 * the loader options.
 */
export type { DecideRequest, DecideRequest__Output } from './generated/gongkai/hub/v1/DecideRequest';
export type { Finding, Finding__Output } from './generated/gongkai/hub/v1/Finding';
export type { FindingKind, FindingKind__Output } from './generated/gongkai/hub/v1/FindingKind';
export type { GetHeldRequest, GetHeldRequest__Output } from './generated/gongkai/hub/v1/GetHeldRequest';
export type { HeldItem, HeldItem__Output } from './generated/gongkai/hub/v1/HeldItem';
export type { HeldPublication, HeldPublication__Output } from './generated/gongkai/hub/v1/HeldPublication';
export type { ListHeldRequest, ListHeldRequest__Output } from './generated/gongkai/hub/v1/ListHeldRequest';
export type { ListHeldResponse, ListHeldResponse__Output } from './generated/gongkai/hub/v1/ListHeldResponse';
export type { OperatorDecision, OperatorDecision__Output } from './generated/gongkai/hub/v1/OperatorDecision';
export type { RecordedDecision, RecordedDecision__Output } from './generated/gongkai/hub/v1/RecordedDecision';
export type { ReviewDecision, ReviewDecision__Output } from './generated/gongkai/hub/v1/ReviewDecision';
export type { ReviewServiceClient, ReviewServiceDefinition, ReviewServiceHandlers } from './generated/gongkai/hub/v1/ReviewService';
