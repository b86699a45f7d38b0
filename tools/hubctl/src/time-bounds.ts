/**
 * The times a person gives `--since` and `--until`: an ISO 8601 date or date-time, or a span
 * back from now (`30m`, `2h`, `7d`). Read strictly: a time hubctl is not sure of is refused,
 * never guessed (`Date.parse` takes "June 3" and "2025-02-30").
 */
import { UsageError } from './errors';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d{1,6})([smhdw])$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** What a person may write, for error messages. */
export const TIME_FORMS = 'an ISO 8601 time (2025-06-27T09:30:00+08:00, 2025-06-27T09:30Z, 2025-06-27) or a span back from now (30m, 2h, 7d)';

/**
 * The instant `text` names, `now` for the spans back from now. A date or date-time without an
 * offset is the local time of this machine, as `date` shows it.
 * @param flag the option it came from (`--since`), for the error.
 * @throws UsageError naming the flag, the value and the forms accepted.
 */
export function parseTimeBound(text: string, now: Date, flag: string): Date {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const iso = ISO.exec(trimmed);
  const at = iso ? instantOf(iso) : undefined;
  if (at === undefined) throw new UsageError(`${flag} must be ${TIME_FORMS}; got '${text}'`);
  return at;
}

function instantOf(match: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (zone === undefined) return new Date(year, month - 1, day, hour, minute, second, ms);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone.toUpperCase() === 'Z') return new Date(utc);
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offsetHours = Number(offset[2]);
  const offsetMinutes = Number(offset[3]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = offset[1] === '-' ? -1 : 1;
  return new Date(utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
