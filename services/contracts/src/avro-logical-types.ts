/**
 * The two Avro logical types the schemas use, as avsc implementations. avsc ignores logical
 * types unless told how to map them; without this a timestamp decodes as a bare number of
 * milliseconds and a date as a number of days, which is how off-by-a-thousand and
 * off-by-one-day bugs get written.
 */
import { Type, types } from 'avsc';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into days since 1970-01-01, or undefined when it is not a real date. */
export function isoDateToEpochDays(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; a real date survives the round trip.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** Formats days since 1970-01-01 as `YYYY-MM-DD`. */
export function epochDaysToIsoDate(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Whether a value is a Date, also one made in another realm (`structuredClone` inside a jest
 * VM context, a `vm` sandbox), which `instanceof Date` does not recognise.
 */
function isDate(value: unknown): value is Date {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]';
}

/** `timestamp-millis` on `long`, as a JavaScript `Date`. */
class TimestampMillisType extends types.LogicalType {
  protected override _fromValue(value: unknown): Date {
    // A writer of the same logical type has already produced a Date; copy it.
    return new Date(isDate(value) ? value.getTime() : (value as number));
  }

  protected override _toValue(value: unknown): number | undefined {
    return isDate(value) && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
  }

  protected override _resolve(writer: Type): ((value: unknown) => Date) | undefined {
    // Logical types do not take part in schema resolution: a plain long reads as well.
    if (Type.isType(writer, 'long', 'logical:timestamp-millis')) {
      return (value) => this._fromValue(value);
    }
    return undefined;
  }
}

/** `date` on `int`, as an ISO calendar date string `YYYY-MM-DD`. */
class DateType extends types.LogicalType {
  protected override _fromValue(value: unknown): string {
    return typeof value === 'string' ? value : epochDaysToIsoDate(value as number);
  }

  protected override _toValue(value: unknown): number | undefined {
    return typeof value === 'string' ? isoDateToEpochDays(value) : undefined;
  }

  protected override _resolve(writer: Type): ((value: unknown) => string) | undefined {
    if (Type.isType(writer, 'int', 'logical:date')) {
      return (value) => this._fromValue(value);
    }
    return undefined;
  }
}

/** Options for `Type.forSchema` that every schema of the hub is parsed with. */
export const AVRO_TYPE_OPTIONS = Object.freeze({
  logicalTypes: {
    'timestamp-millis': TimestampMillisType,
    date: DateType,
  },
});
