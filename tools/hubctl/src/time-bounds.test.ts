import { UsageError } from './errors';
import { parseTimeBound } from './time-bounds';

const NOW = new Date('2025-06-27T03:05:00.000Z');
const at = (text: string) => parseTimeBound(text, NOW, '--since');

describe('--since and --until times', () => {
  it.each([
    ['30s', 30_000],
    ['30m', 30 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['0m', 0],
  ])('reads %s as that long before now', (text, ms) => {
    expect(at(text).getTime()).toBe(NOW.getTime() - ms);
  });

  it('reads ISO 8601 times with an offset or Z as the instant they name', () => {
    expect(at('2025-06-27T09:30:00+08:00').toISOString()).toBe('2025-06-27T01:30:00.000Z');
    expect(at('2025-06-27T09:30+0800').toISOString()).toBe('2025-06-27T01:30:00.000Z');
    expect(at('2025-06-26T20:00:00-05:30').toISOString()).toBe('2025-06-27T01:30:00.000Z');
    expect(at('2025-06-27T01:30:00.250Z').toISOString()).toBe('2025-06-27T01:30:00.250Z');
    expect(at('2025-06-27 01:30:00,5z').toISOString()).toBe('2025-06-27T01:30:00.500Z');
  });

  it('reads a date or date-time without an offset as local time', () => {
    expect(at('2025-06-27').getTime()).toBe(new Date(2025, 5, 27).getTime());
    expect(at('2025-06-27T09:30').getTime()).toBe(new Date(2025, 5, 27, 9, 30).getTime());
    expect(at(' 2024-02-29 ').getTime()).toBe(new Date(2024, 1, 29).getTime());
  });

  it.each(['yesterday', 'June 3', '2h ago', '-2h', '2 h', '1.5h', '', '2025-02-30', '2025-02-29', '2025-13-01', '2025-06-27T24:00', '2025-06-27T09:60', '2025-06-27T09:30+25:00', '2025-6-27', '1751000000'])(
    'refuses %j, naming the flag and the forms it takes',
    (text) => {
      expect(() => parseTimeBound(text, NOW, '--until')).toThrow(UsageError);
      expect(() => parseTimeBound(text, NOW, '--until')).toThrow(/^--until must be an ISO 8601 time .* or a span back from now \(30m, 2h, 7d\); got '/);
    },
  );
});
