/**
 * Redaction of secret and personal fields in what a logger is handed, by key, down to three
 * levels (a key at the top, in an object or array under it, or one level further): the same
 * reach as pino's paths `k`, `*.k` and `*.*.k`. pino 10's own redaction re-parses each of its
 * paths on every line (about a fifth of a busy service's CPU at debug level), so the logger
 * redacts with this one walk instead.
 *
 * The input is never changed: an object or array that holds something to redact is copied,
 * with the value of each such key replaced by the censor; everything else is shared.
 */
export function keyRedactor(keys: Iterable<string>, censor: string, depth = 3): <T>(value: T) => T {
  const secret = new Set(keys);
  const walk = (value: unknown, level: number): unknown => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof Date) return value;
    if (Array.isArray(value)) {
      if (level >= depth - 1) return value;
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = walk(item, level + 1);
        if (next !== item) (copy ??= value.slice())[i] = next;
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const item = record[key];
      const next = secret.has(key) ? (item === undefined ? item : censor) : level < depth - 1 ? walk(item, level + 1) : item;
      if (next !== item) (copy ??= copyOf(record))[key] = next;
    }
    return copy ?? value;
  };
  return <T>(value: T): T => walk(value, 0) as T;
}

/** A shallow copy keeping an error an error (its message and stack are not own enumerable keys). */
function copyOf(record: Record<string, unknown>): Record<string, unknown> {
  if (record instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(record) as object) as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(record)) copy[key] = record[key];
    return copy;
  }
  return { ...record };
}
