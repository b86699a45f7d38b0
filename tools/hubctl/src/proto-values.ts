/** Proto values as people read them: enum names without their prefix, timestamps as ISO 8601. */

/** `REVIEW_DECISION_APPROVED` → `APPROVED`. */
export function withoutPrefix(value: unknown, prefix: string): string {
  const text = String(value);
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** A `google.protobuf.Timestamp` as ISO 8601; undefined when unset or zero. */
export function isoOf(timestamp: { seconds: string; nanos: number } | null | undefined): string | undefined {
  if (!timestamp) return undefined;
  const ms = Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}
