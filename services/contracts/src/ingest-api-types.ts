/**
 * Types generated from `protos/gongkai/hub/v1/ingest.proto` and the google.rpc error
 * types, gathered in one module so `index.ts` can offer them as the `ingestApi` namespace
 * (their names, such as `DocumentPublished`, would otherwise clash with the event data types).
 * `X` is what a caller may send, `X__Output` what a receiver gets with the loader options.
 */
export type { Applicant, Applicant__Output } from './generated/gongkai/hub/v1/Applicant';
export type { ApplicantKind, ApplicantKind__Output } from './generated/gongkai/hub/v1/ApplicantKind';
export type { Attachment, Attachment__Output } from './generated/gongkai/hub/v1/Attachment';
export type { CatalogueItem, CatalogueItem__Output } from './generated/gongkai/hub/v1/CatalogueItem';
export type { ChannelDelivery, ChannelDelivery__Output } from './generated/gongkai/hub/v1/ChannelDelivery';
export type { DeliveryOutcomeKind, DeliveryOutcomeKind__Output } from './generated/gongkai/hub/v1/DeliveryOutcomeKind';
export type { DocumentPublished, DocumentPublished__Output } from './generated/gongkai/hub/v1/DocumentPublished';
export type { GetPublicationRequest, GetPublicationRequest__Output } from './generated/gongkai/hub/v1/GetPublicationRequest';
export type { Importance, Importance__Output } from './generated/gongkai/hub/v1/Importance';
export type { IngestServiceClient, IngestServiceDefinition, IngestServiceHandlers } from './generated/gongkai/hub/v1/IngestService';
export type { InterpretationForm, InterpretationForm__Output } from './generated/gongkai/hub/v1/InterpretationForm';
export type { InterpretationPublished, InterpretationPublished__Output } from './generated/gongkai/hub/v1/InterpretationPublished';
export type { IssuingBody, IssuingBody__Output } from './generated/gongkai/hub/v1/IssuingBody';
export type { Party, Party__Output } from './generated/gongkai/hub/v1/Party';
export type { ProcurementMethod, ProcurementMethod__Output } from './generated/gongkai/hub/v1/ProcurementMethod';
export type { ProcurementNoticeKind, ProcurementNoticeKind__Output } from './generated/gongkai/hub/v1/ProcurementNoticeKind';
export type { ProcurementPublished, ProcurementPublished__Output } from './generated/gongkai/hub/v1/ProcurementPublished';
export type { Publication, Publication__Output } from './generated/gongkai/hub/v1/Publication';
export type { PublicationRetracted, PublicationRetracted__Output } from './generated/gongkai/hub/v1/PublicationRetracted';
export type { PublicationState, PublicationState__Output } from './generated/gongkai/hub/v1/PublicationState';
export type { PublishBatchRequest, PublishBatchRequest__Output } from './generated/gongkai/hub/v1/PublishBatchRequest';
export type { PublishBatchResponse, PublishBatchResponse__Output } from './generated/gongkai/hub/v1/PublishBatchResponse';
export type { PublishBatchResult, PublishBatchResult__Output } from './generated/gongkai/hub/v1/PublishBatchResult';
export type { PublishError, PublishError__Output } from './generated/gongkai/hub/v1/PublishError';
export type { PublishRequest, PublishRequest__Output } from './generated/gongkai/hub/v1/PublishRequest';
export type { PublishResponse, PublishResponse__Output } from './generated/gongkai/hub/v1/PublishResponse';
export type { Region, Region__Output } from './generated/gongkai/hub/v1/Region';
export type { ReplyOutcome, ReplyOutcome__Output } from './generated/gongkai/hub/v1/ReplyOutcome';
export type { RequestStatusChanged, RequestStatusChanged__Output } from './generated/gongkai/hub/v1/RequestStatusChanged';
export type { RequestStep, RequestStep__Output } from './generated/gongkai/hub/v1/RequestStep';
export type { RetractRequest, RetractRequest__Output } from './generated/gongkai/hub/v1/RetractRequest';
export type { RetractionReason, RetractionReason__Output } from './generated/gongkai/hub/v1/RetractionReason';
export type { Validity, Validity__Output } from './generated/gongkai/hub/v1/Validity';
export type { ValidityStatus, ValidityStatus__Output } from './generated/gongkai/hub/v1/ValidityStatus';
export type { BadRequest, BadRequest__Output } from './generated/google/rpc/BadRequest';
export type { Code, Code__Output } from './generated/google/rpc/Code';
export type { LocalizedMessage, LocalizedMessage__Output } from './generated/google/rpc/LocalizedMessage';
export type { Status, Status__Output } from './generated/google/rpc/Status';
