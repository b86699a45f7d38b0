/** A record for a service to produce. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * Records in requests of at most `maxBytes` of values and headers each (a larger record goes
 * alone), so no partition's batch passes the broker's `message.max.bytes` (1 MiB by default)
 * whatever the topic was created with.
 */
export function boundedRequests(records: readonly OutgoingRecord[], maxBytes = 900 * 1024): OutgoingRecord[][] {
  const requests: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    let size = record.value.length + record.key.length + 64;
    for (const [k, v] of Object.entries(record.headers)) size += k.length + v.length + 8;
    if (current.length > 0 && bytes + size > maxBytes) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** Records grouped by topic, as a producer's `sendBatch` takes them. */
export function topicMessagesOf(records: readonly OutgoingRecord[]): { topic: string; messages: { key: string; value: Buffer; headers: Record<string, string> }[] }[] {
  const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
  for (const { topic, key, value, headers } of records) {
    const list = byTopic.get(topic) ?? [];
    list.push({ key, value, headers });
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** A Kafka header value as kafkajs gives it. */
type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** Kafka headers as text, the first value of each (the hub never repeats a header). */
export function textHeaders(headers: Readonly<Record<string, HeaderValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}
