import type { OutgoingRecord, RecordPosition } from './batching-publisher';
import type { AcceptedFacts } from './idempotency-store';

/** What the producer thread is started with. */
export interface ProducerThreadData {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly lingerMs: number;
  /** Idempotent producers sharing the partitions, so requests to different partitions overlap. */
  readonly producers: number;
  readonly logLevel: string;
  /** The accepted-events file the thread records into (the gRPC thread reads it). */
  readonly acceptedEventsFile: string;
  readonly retentionMs: number;
}

/** A record to publish and, once Kafka has it, to record as accepted. */
export interface RecordToPublish {
  readonly id: number;
  readonly record: Omit<OutgoingRecord, 'value'> & { value: Uint8Array };
  readonly accepted: AcceptedFacts;
}

export type ToProducer =
  | { readonly kind: 'publish'; readonly records: readonly RecordToPublish[] }
  | { readonly kind: 'stop' };

export type ToMain =
  | { readonly kind: 'published'; readonly id: number; readonly position: RecordPosition }
  /** `kafka`: Kafka did not take it. `record`: Kafka took it, but it could not be recorded. */
  | { readonly kind: 'failed'; readonly id: number; readonly error: string; readonly stage: 'kafka' | 'record' }
  | { readonly kind: 'stopped' };
