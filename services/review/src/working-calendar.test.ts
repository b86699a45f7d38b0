import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalendarFileError, CalendarYearMissingError, InvalidDateError } from './errors';
import { WorkingCalendar, chinaDateOf, parseCalendarYear, weekdayOf } from './working-calendar';

const calendar = WorkingCalendar.fromDirectory();

describe('the shipped calendars', () => {
  it('cover 2025 and 2026, each naming its source', () => {
    expect(calendar.years).toEqual([2025, 2026]);
    expect(calendar.yearOf('2025-03-01').source).toContain('国办发明电〔2024〕12号');
    expect(calendar.yearOf('2026-03-01').source).toContain('2026年部分节假日安排');
  });

  it.each([
    // date, weekday (0 = Sunday), worked?
    ['2025-01-01', 3, false], // 元旦
    ['2025-01-26', 0, true], // make-up Sunday before the Spring Festival
    ['2025-01-28', 2, false], // 除夕
    ['2025-02-04', 2, false], // 初七, last day off
    ['2025-02-05', 3, true],
    ['2025-02-08', 6, true], // make-up Saturday
    ['2025-04-27', 0, true],
    ['2025-05-05', 1, false],
    ['2025-06-02', 1, false], // 端午
    ['2025-09-28', 0, true],
    ['2025-10-08', 3, false],
    ['2025-10-11', 6, true],
    ['2025-10-12', 0, false],
    ['2026-01-02', 5, false],
    ['2026-01-04', 0, true],
    ['2026-02-14', 6, true],
    ['2026-02-23', 1, false],
    ['2026-02-28', 6, true],
    ['2026-05-09', 6, true],
    ['2026-06-19', 5, false],
    ['2026-09-25', 5, false],
    ['2026-09-20', 0, true],
    ['2026-10-07', 3, false],
    ['2026-10-10', 6, true],
  ] as const)('%s (weekday %i) is worked: %s', (date, weekday, worked) => {
    expect(weekdayOf(date)).toBe(weekday);
    expect(calendar.isWorkingDay(date)).toBe(worked);
  });
});

describe('addWorkingDays', () => {
  it('starts counting the day after the given day, which never counts', () => {
    expect(calendar.addWorkingDays('2025-06-26', 1)).toBe('2025-06-27'); // Thursday → Friday
    expect(calendar.addWorkingDays('2025-06-27', 1)).toBe('2025-06-30'); // Friday → Monday
    expect(calendar.addWorkingDays('2025-06-28', 1)).toBe('2025-06-30'); // from a Saturday
    expect(calendar.addWorkingDays('2025-06-26', 20)).toBe('2025-07-24');
    expect(calendar.addWorkingDays('2025-06-26', 0)).toBe('2025-06-26');
  });

  it('jumps the Spring Festival week and counts its make-up days', () => {
    expect(calendar.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26'); // Friday → the make-up Sunday
    expect(calendar.addWorkingDays('2025-01-27', 1)).toBe('2025-02-05'); // the eve of the break → the first day back
    expect(calendar.addWorkingDays('2025-02-07', 1)).toBe('2025-02-08'); // → the make-up Saturday
    expect(calendar.addWorkingDays('2025-01-27', 3)).toBe('2025-02-07');
    expect(calendar.addWorkingDays('2025-01-27', 4)).toBe('2025-02-08');
    expect(calendar.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24'); // make-up Saturday 14th, then nine days off
  });

  it('counts from a day off inside a holiday', () => {
    expect(calendar.addWorkingDays('2025-10-01', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-10-01', 3)).toBe('2025-10-11'); // the make-up Saturday is the third
  });

  it('carries a deadline from late December 2025 across New Year 2026', () => {
    // Dec 23–26 and 29–31 are 7 days; Jan 1–3 off; Sunday Jan 4 worked is the 8th; …; Jan 20 the 20th.
    expect(calendar.addWorkingDays('2025-12-22', 20)).toBe('2026-01-20');
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
  });

  it('refuses to guess outside the years it has calendars for', () => {
    expect(() => calendar.addWorkingDays('2026-12-15', 20)).toThrow(CalendarYearMissingError);
    expect(() => calendar.addWorkingDays('2026-12-15', 20)).toThrow(/no working calendar for 2027 \(needed for 2027-01-01\)/);
    const missing = (() => {
      try {
        calendar.isWorkingDay('2024-12-31');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(missing).toMatchObject({ code: 'CALENDAR_YEAR_MISSING', retriable: false, year: 2024, context: { year: 2024, date: '2024-12-31' } });
    // Counting from the last day of an uncovered year needs only the next year.
    expect(calendar.addWorkingDays('2024-12-31', 1)).toBe('2025-01-02');
  });

  it('rejects dates that do not exist and counts that are not whole', () => {
    expect(() => calendar.addWorkingDays('2025-02-29', 1)).toThrow(InvalidDateError);
    expect(() => calendar.addWorkingDays('2025-6-1', 1)).toThrow(InvalidDateError);
    expect(() => calendar.addWorkingDays('2025-06-01', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2025-06-01', -1)).toThrow(RangeError);
  });
});

describe('chinaDateOf', () => {
  it('takes the date in China time', () => {
    expect(chinaDateOf(new Date('2025-06-26T16:30:00Z'))).toBe('2025-06-27');
    expect(chinaDateOf(new Date('2025-06-27T23:59:59+08:00'))).toBe('2025-06-27');
  });
});

describe('calendar files', () => {
  const good = ['year: 2030', 'source: test notice', 'holidays:', '  - { name: 元旦, dates: [2030-01-01] }', 'workdays:', '  - { date: 2030-01-05 }', ''];
  const withLine = (index: number, line: string) => good.map((l, i) => (i === index ? line : l)).join('\n');

  it('reads holidays and make-up days', () => {
    const year = parseCalendarYear(good.join('\n'), '2030.yaml');
    expect([...year.holidays]).toEqual(['2030-01-01']);
    expect([...year.workdays]).toEqual(['2030-01-05']);
  });

  it.each([
    ['a make-up working day on a weekday', withLine(5, '  - { date: 2030-01-07 }'), '2030.yaml:6: workdays[0]: 2030-01-07 is a weekday'],
    ['a date outside the year', withLine(3, '  - { name: 元旦, dates: [2031-01-01] }'), '2030.yaml:4: holidays[0].dates 2031-01-01 is not in 2030'],
    ['a date both off and worked', withLine(3, '  - { name: 元旦, from: 2030-01-01, to: 2030-01-05 }'), '2030.yaml:6: workdays[0]: 2030-01-05 is also listed as a holiday (line 4)'],
    ['a range ending before it starts', withLine(3, '  - { name: 元旦, from: 2030-01-03, to: 2030-01-01 }'), '2030.yaml:4: holidays[0]: `to` 2030-01-01 is before'],
    ['a date that does not exist', withLine(3, '  - { name: 元旦, dates: [2030-02-30] }'), "2030.yaml:4: holidays[0].dates '2030-02-30' is not a date"],
    ['an unknown key', withLine(5, '  - { date: 2030-01-05, reason: 春节 }'), '2030.yaml:6: workdays[0]: unknown key `reason`'],
    ['no source', withLine(1, ''), '2030.yaml:1: the calendar needs `source`'],
    ['broken YAML', withLine(3, '  - { name: 元旦, dates: [2030-01-01 }'), '2030.yaml:4: '],
  ])('names the file and line for %s', (_, text, message) => {
    expect(() => parseCalendarYear(text, '2030.yaml')).toThrow(CalendarFileError);
    expect(() => parseCalendarYear(text, '2030.yaml')).toThrow(message);
  });

  it('refuses a file named for another year', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calendars-'));
    writeFileSync(join(dir, '2031.yaml'), good.join('\n'));
    expect(() => WorkingCalendar.fromDirectory(dir)).toThrow(/2031\.yaml:1: the file is named for 2031 but says `year: 2030`/);
  });
});
