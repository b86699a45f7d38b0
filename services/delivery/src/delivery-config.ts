import { env, kafkaVariables, loadConfig, type Variable } from '@gongkai/runtime';

/** Settings of a channel's delivery engine; defaults run on one laptop. */
export const deliveryVariables = {
  ...kafkaVariables,
  /** Where the engine remembers confirmed deliveries and the newest event per publication and target. */
  DELIVERY_STATE_DIR: env.string({ default: '.hub/delivery' }),
  /** Consumer groups are `<prefix>-<channel>` (released) and `<prefix>-<channel>-retry` (retry tiers). */
  DELIVERY_GROUP_PREFIX: env.string({ default: 'delivery' }),
  /** Deliveries in flight at once (of different publications; one publication's go one at a time). */
  DELIVERY_CONCURRENCY: env.integer({ default: 64, min: 1, max: 1024 }),
  /** Released events fetched and not yet done, at most: the consumer waits for room before it takes more. */
  DELIVERY_QUEUE: env.integer({ default: 1000, min: 1, max: 100_000 }),
  /** Partitions consumed at once, each in order (deliveries of one publication always share a partition). */
  DELIVERY_PARTITIONS_CONCURRENTLY: env.integer({ default: 3, min: 1, max: 64 }),
  /** Bound on one call to a target. */
  DELIVERY_ATTEMPT_TIMEOUT: env.duration({ default: 15_000 }),
  /** Attempts in all before a delivery is dead-lettered. */
  DELIVERY_MAX_ATTEMPTS: env.integer({ default: 12, min: 1, max: 100 }),
  /** Delay before the second attempt; each later one is DELIVERY_RETRY_FACTOR times longer, up to DELIVERY_RETRY_MAX. */
  DELIVERY_RETRY_INITIAL: env.duration({ default: 30_000 }),
  DELIVERY_RETRY_FACTOR: env.integer({ default: 4, min: 1, max: 100 }),
  DELIVERY_RETRY_MAX: env.duration({ default: 6 * 3_600_000 }),
  /** Calls per second to one target at most. */
  DELIVERY_TARGET_RATE: env.integer({ default: 200, min: 1, max: 100_000 }),
  /** Targets with a limit of their own, e.g. `weibo/lcfb=2,wechat/lcfb=5` (calls per second). */
  DELIVERY_TARGET_RATES: targetRates(),
  /** A target's breaker opens when half its calls in this window failed (at least DELIVERY_BREAKER_VOLUME of them) … */
  DELIVERY_BREAKER_WINDOW: env.duration({ default: 30_000 }),
  DELIVERY_BREAKER_VOLUME: env.integer({ default: 5, min: 1, max: 10_000 }),
  /** … and lets a probe through after this long. */
  DELIVERY_BREAKER_RESET: env.duration({ default: 30_000 }),
};

/** `target=rate,target=rate`: each target's own calls per second. */
function targetRates(): Variable<ReadonlyMap<string, number>> {
  return {
    default: new Map(),
    doc: 'comma-separated target=calls-per-second',
    parse: (raw) => {
      const rates = new Map<string, number>();
      for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
        const m = /^(.+)=(\d{1,6})$/.exec(item);
        if (!m || Number(m[2]) < 1) throw new Error(`'${item}' is not target=calls-per-second (a whole number from 1)`);
        const target = m[1]!.trim();
        if (rates.has(target)) throw new Error(`target ${target} is given twice`);
        rates.set(target, Number(m[2]));
      }
      return rates;
    },
  };
}

export function loadDeliveryConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(deliveryVariables, environment);
}

export type DeliveryConfig = ReturnType<typeof loadDeliveryConfig>;
