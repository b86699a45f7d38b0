import { ConfigError } from './errors';

/**
 * A typed environment variable. `parse` gets the raw string and returns the value, or throws a
 * message saying what was expected. `secret` keeps the value itself out of error messages.
 */
export interface Variable<T> {
  readonly parse: (raw: string) => T;
  readonly default?: T;
  readonly optional?: boolean;
  readonly secret?: boolean;
  readonly doc?: string;
}

type Spec = Record<string, Variable<unknown>>;
export type ConfigOf<S extends Spec> = {
  readonly [K in keyof S]: S[K] extends Variable<infer T> ? (S[K]['optional'] extends true ? T | undefined : T) : never;
};

/**
 * Read, check and freeze a service's configuration. Every problem is collected before failing,
 * so one start-up attempt tells the operator everything that is wrong.
 */
export function loadConfig<S extends Spec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: { variable: string; value: string | undefined; rule: string }[] = [];
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (variable.default !== undefined) out[name] = variable.default;
      else if (variable.optional) out[name] = undefined;
      else problems.push({ variable: name, value: raw, rule: `required${variable.doc ? ` (${variable.doc})` : ''}` });
      continue;
    }
    try {
      out[name] = variable.parse(raw);
    } catch (err) {
      problems.push({ variable: name, value: variable.secret ? '***' : raw, rule: err instanceof Error ? err.message : String(err) });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

type Extra<T> = Omit<Variable<T>, 'parse'>;

/** Variable kinds. Each returns a spec entry; `{ default }` makes it optional with that value. */
export const env = {
  string: <T extends string = string>(extra: Extra<T> & { pattern?: RegExp } = {}): Variable<T> => ({
    ...extra,
    parse: (raw) => {
      if (extra.pattern && !extra.pattern.test(raw)) throw new Error(`must match ${String(extra.pattern)}`);
      return raw as T;
    },
  }),
  integer: (extra: Extra<number> & { min?: number; max?: number } = {}): Variable<number> => ({
    ...extra,
    parse: (raw) => {
      const n = Number(raw.trim());
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new Error('must be a whole number');
      if (extra.min !== undefined && n < extra.min) throw new Error(`must be at least ${extra.min}`);
      if (extra.max !== undefined && n > extra.max) throw new Error(`must be at most ${extra.max}`);
      return n;
    },
  }),
  port: (extra: Extra<number> = {}): Variable<number> => ({
    ...extra,
    parse: (raw) => {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < 0 || n > 65535) throw new Error('must be a TCP port number 0..65535');
      return n;
    },
  }),
  boolean: (extra: Extra<boolean> = {}): Variable<boolean> => ({
    ...extra,
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new Error('must be true or false');
    },
  }),
  oneOf: <T extends string>(values: readonly T[], extra: Extra<T> = {}): Variable<T> => ({
    ...extra,
    parse: (raw) => {
      if (!(values as readonly string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
      return raw as T;
    },
  }),
  /** A comma-separated list of host:port pairs, as Kafka clients take for `brokers`. */
  hostPorts: (extra: Extra<string[]> = {}): Variable<string[]> => ({
    ...extra,
    parse: (raw) => {
      const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.length === 0) throw new Error('must list at least one host:port');
      for (const item of list) {
        const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
        if (!m || Number(m[2]) > 65535) throw new Error(`'${item}' is not host:port`);
      }
      return list;
    },
  }),
  /** A duration such as `500ms`, `30s`, `5m`, `2h`; returned in milliseconds. */
  duration: (extra: Extra<number> = {}): Variable<number> => ({
    ...extra,
    parse: (raw) => parseDuration(raw),
  }),
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw.trim());
  if (!m) throw new Error('must be a duration like 500ms, 30s, 5m, 2h or 1d');
  return Math.round(Number(m[1]) * (UNITS[m[2] as string] as number));
}
