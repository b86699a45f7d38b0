/**
 * Working days (工作日) as the State Council sets them each year: Monday to Friday, minus the
 * public holidays, plus the weekend days made working days (调休上班). One file per year,
 * `calendars/<year>.yaml`, written from that year's notice; a date in a year without a file
 * is an error, never a guess. Dates are `YYYY-MM-DD` strings in China time; no time zone is
 * involved anywhere in the arithmetic.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CalendarFileError, CalendarYearMissingError, InvalidDateError } from './errors';
import { YamlConfigReader } from './yaml-config-reader';

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** The calendar files shipped with the service. */
export const DEFAULT_CALENDAR_DIR = resolve(__dirname, '..', 'calendars');

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a `YYYY-MM-DD` string names a real date; `field` names it in the error. */
export function parseIsoDate(value: string, field = 'date'): { year: number; epochDay: number } {
  const match = ISO_DATE.exec(value);
  if (!match) throw new InvalidDateError(field, value);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const epochMs = Date.UTC(year, month - 1, day);
  const check = new Date(epochMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new InvalidDateError(field, value);
  }
  return { year, epochDay: epochMs / DAY_MS };
}

function isoDateOfEpochDay(epochDay: number): IsoDate {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** The date after `date`. */
export function nextDay(date: IsoDate): IsoDate {
  return isoDateOfEpochDay(parseIsoDate(date).epochDay + 1);
}

/** 0 for Sunday … 6 for Saturday. */
export function weekdayOf(date: IsoDate): number {
  // 1970-01-01 was a Thursday.
  return (((parseIsoDate(date).epochDay + 4) % 7) + 7) % 7;
}

/** The date an instant falls on in China (UTC+8 all year; China keeps no daylight saving time). */
export function chinaDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** One year's calendar as its file states it. */
export interface CalendarYear {
  readonly year: number;
  /** Where the dates come from: the State Council notice. */
  readonly source: string;
  /** Dates off (放假), weekend days inside a holiday included. */
  readonly holidays: ReadonlySet<IsoDate>;
  /** Weekend dates that are worked (调休上班). */
  readonly workdays: ReadonlySet<IsoDate>;
}

const fileError = (file: string, line: number | undefined, reason: string): CalendarFileError => new CalendarFileError(file, line, reason);

/**
 * Reads one year's file:
 * ```yaml
 * year: 2025
 * source: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
 * holidays:
 *   - { name: 春节, from: 2025-01-28, to: 2025-02-04 }
 *   - { name: 元旦, dates: [2025-01-01] }
 * workdays:
 *   - { date: 2025-01-26, for: 春节 }
 * ```
 * @throws CalendarFileError with the file and line: a date outside the year, a make-up
 * working day that is not a weekend day, a date both off and worked …
 */
export function parseCalendarYear(text: string, file: string): CalendarYear {
  const reader: YamlConfigReader = YamlConfigReader.parse(text, file, fileError);
  const root = reader.mapping(reader.root, 'the calendar', {
    allowed: ['year', 'source', 'note', 'holidays', 'workdays'],
    required: ['year', 'source', 'holidays', 'workdays'],
  });
  const yearEntry = root.get('year')!;
  const yearText = reader.string(yearEntry.value, '`year`', yearEntry.keyNode);
  if (!/^\d{4}$/.test(yearText)) reader.fail(yearEntry.value, '`year` must be a four-digit year');
  const year = Number(yearText);
  const sourceEntry = root.get('source')!;
  const source = reader.string(sourceEntry.value, '`source`', sourceEntry.keyNode);

  const dateIn = (node: Parameters<typeof reader.string>[0], what: string): IsoDate => {
    const value = reader.string(node, what);
    try {
      if (parseIsoDate(value, what).year !== year) reader.fail(node, `${what} ${value} is not in ${year}`);
    } catch (err) {
      if (err instanceof InvalidDateError) reader.fail(node, `${what} '${value}' is not a date YYYY-MM-DD`);
      throw err;
    }
    return value;
  };

  const holidays = new Map<IsoDate, number | undefined>();
  const holidaysEntry = root.get('holidays')!;
  reader.sequence(holidaysEntry.value, '`holidays`', holidaysEntry.keyNode).forEach((item, i) => {
    const what = `holidays[${i}]`;
    const holiday = reader.mapping(item, what, { allowed: ['name', 'from', 'to', 'dates'], required: ['name'] });
    const line = reader.line(item);
    const from = holiday.get('from');
    const to = holiday.get('to');
    const dates = holiday.get('dates');
    if (dates && (from || to)) reader.fail(item, `${what}: give either \`dates\` or \`from\` and \`to\`, not both`);
    if (dates) {
      for (const { node } of reader.stringList(dates.value, `${what}.dates`, dates.keyNode)) holidays.set(dateIn(node, `${what}.dates`), line);
    } else {
      if (!from || !to) reader.fail(item, `${what} needs \`from\` and \`to\` (or \`dates\`)`);
      const first = dateIn(from.value, `${what}.from`);
      const last = dateIn(to.value, `${what}.to`);
      if (last < first) reader.fail(to.value, `${what}: \`to\` ${last} is before \`from\` ${first}`);
      for (let d = first; d <= last; d = nextDay(d)) holidays.set(d, line);
    }
  });

  const workdays = new Set<IsoDate>();
  const workdaysEntry = root.get('workdays')!;
  const workdayItems = workdaysEntry.value === null ? [] : reader.sequence(workdaysEntry.value, '`workdays`', workdaysEntry.keyNode);
  workdayItems.forEach((item, i) => {
    const what = `workdays[${i}]`;
    const workday = reader.mapping(item, what, { allowed: ['date', 'for'], required: ['date'] });
    const dateNode = workday.get('date')!.value;
    const date = dateIn(dateNode, `${what}.date`);
    const weekday = weekdayOf(date);
    if (weekday !== 0 && weekday !== 6) reader.fail(dateNode, `${what}: ${date} is a weekday; only a Saturday or Sunday can be made a working day`);
    if (holidays.has(date)) reader.fail(dateNode, `${what}: ${date} is also listed as a holiday (line ${holidays.get(date)})`);
    workdays.add(date);
  });

  return Object.freeze({ year, source, holidays: new Set(holidays.keys()), workdays });
}

/** Working days over the years it has calendars for. */
export class WorkingCalendar {
  private readonly byYear: ReadonlyMap<number, CalendarYear>;

  constructor(years: readonly CalendarYear[]) {
    const byYear = new Map<number, CalendarYear>();
    for (const year of years) {
      if (byYear.has(year.year)) throw new RangeError(`two calendars for ${year.year}`);
      byYear.set(year.year, year);
    }
    this.byYear = byYear;
  }

  /**
   * Every `<year>.yaml` in a directory (the service's `calendars/` by default), read at
   * start-up so a bad file stops the service before it computes a single deadline.
   */
  static fromDirectory(dir: string = DEFAULT_CALENDAR_DIR): WorkingCalendar {
    const years: CalendarYear[] = [];
    for (const name of readdirSync(dir).sort()) {
      const match = /^(\d{4})\.ya?ml$/.exec(name);
      if (!match) continue;
      const file = join(dir, name);
      const year = parseCalendarYear(readFileSync(file, 'utf8'), file);
      if (String(year.year) !== match[1]) throw new CalendarFileError(file, 1, `the file is named for ${match[1]} but says \`year: ${year.year}\``);
      years.push(year);
    }
    return new WorkingCalendar(years);
  }

  /** The years with a calendar, ascending. */
  get years(): number[] {
    return [...this.byYear.keys()].sort((a, b) => a - b);
  }

  /** The calendar year a date falls in. @throws CalendarYearMissingError */
  yearOf(date: IsoDate): CalendarYear {
    const { year } = parseIsoDate(date);
    const calendar = this.byYear.get(year);
    if (!calendar) throw new CalendarYearMissingError(year, date);
    return calendar;
  }

  /** Whether a date is worked. @throws CalendarYearMissingError */
  isWorkingDay(date: IsoDate): boolean {
    const calendar = this.yearOf(date);
    if (calendar.workdays.has(date)) return true;
    if (calendar.holidays.has(date)) return false;
    const weekday = weekdayOf(date);
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The n-th working day after `date`. The given day itself never counts, worked or not;
   * counting starts the day after it. `n = 0` gives the date back.
   * @throws CalendarYearMissingError when counting reaches a year without a calendar.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    parseIsoDate(date);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days to add must be a whole number from 0, got ${n}`);
    let day = date;
    for (let counted = 0; counted < n; ) {
      day = nextDay(day);
      if (this.isWorkingDay(day)) counted++;
    }
    return day;
  }
}
