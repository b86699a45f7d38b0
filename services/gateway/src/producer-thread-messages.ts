import type { OutgoingRecord, RecordPosition } from './batching-publisher';

/** What the producer thread is started with. */
export interface ProducerThreadData {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly lingerMs: number;
  /** Idempotent producers sharing the partitions, so requests to different partitions overlap. */
  readonly producers: number;
  readonly logLevel: string;
}

export type ToProducer =
  | { readonly kind: 'publish'; readonly records: readonly { readonly id: number; readonly record: Omit<OutgoingRecord, 'value'> & { value: Uint8Array } }[] }
  | { readonly kind: 'stop' };

export type ToMain =
  | { readonly kind: 'published'; readonly id: number; readonly position: RecordPosition }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string }
  | { readonly kind: 'stopped' };
