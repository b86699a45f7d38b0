/**
 * The two Avro logical types the schemas use, as avsc implementations. avsc ignores logical
 * types unless told how to map them; without this a timestamp decodes as a bare number of
 * milliseconds and a date as a number of days, which is how off-by-a-thousand and
 * off-by-one-day bugs get written.
 */
import { Type, types } from 'avsc';

const MS_PER_DAY = 86_400_000;
const DIGIT_0 = 48;

/**
 * Parses `YYYY-MM-DD` into days since 1970-01-01, or undefined when it is not a real date.
 * Plain arithmetic (proleptic Gregorian calendar, as the Avro specification says): every
 * encoded event passes here, and building `Date` objects cost more than the rest of its dates.
 */
export function isoDateToEpochDays(value: string): number | undefined {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** Formats days since 1970-01-01 as `YYYY-MM-DD`. */
export function epochDaysToIsoDate(days: number): string {
  // Years outside 0000–9999 are written as toISOString writes them (±YYYYYY-MM-DD).
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) return new Date(days * MS_PER_DAY).toISOString().split('T')[0]!;
  const [year, month, day] = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The value of the decimal digits in value[from, to), or -1 if one is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const MIN_DAYS = daysFromCivil(0, 1, 1);
const MAX_DAYS = daysFromCivil(9999, 12, 31);

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
