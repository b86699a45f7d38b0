import { runInNewContext } from 'node:vm';
import { epochDaysToIsoDate, isoDateToEpochDays } from './avro-logical-types';
import { parseSchema } from './schema-registry';

describe('Avro logical types', () => {
  it('maps calendar dates to days since 1970-01-01 and back', () => {
    expect(isoDateToEpochDays('1970-01-01')).toBe(0);
    expect(isoDateToEpochDays('2025-06-26')).toBe(20265);
    expect(isoDateToEpochDays('1969-12-31')).toBe(-1);
    expect(epochDaysToIsoDate(20265)).toBe('2025-06-26');
    expect(epochDaysToIsoDate(-1)).toBe('1969-12-31');
  });

  it('refuses dates that do not exist or are not written YYYY-MM-DD', () => {
    expect(isoDateToEpochDays('2024-02-29')).toBe(19782);
    expect(isoDateToEpochDays('2025-02-29')).toBeUndefined();
    expect(isoDateToEpochDays('2025-13-01')).toBeUndefined();
    expect(isoDateToEpochDays('2025-6-26')).toBeUndefined();
    expect(isoDateToEpochDays('2025-06-26T00:00:00Z')).toBeUndefined();
  });

  it('agrees with the JavaScript Date on every day from 1600 to 2400, and on every near miss of a date', () => {
    const reference = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10);
    for (let days = -135_140; days <= 157_054; days++) {
      const iso = reference(days);
      if (epochDaysToIsoDate(days) !== iso || isoDateToEpochDays(iso) !== days) throw new Error(`${days} ↔ ${iso}`);
    }
    for (const [y, m, d] of [[2025, 2, 29], [2024, 2, 30], [1900, 2, 29], [2000, 2, 30], [2025, 4, 31], [2025, 0, 1], [2025, 1, 0], [2025, 1, 32]]) {
      const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      expect([iso, isoDateToEpochDays(iso)]).toEqual([iso, undefined]);
    }
    expect(isoDateToEpochDays('2000-02-29')).toBe(11_016);
    for (const bad of ['2025-06-2a', '2025/06/26', '+02025-06-26', ' 2025-06-26', '2025-06-26 ', '２０２５-06-26', '']) {
      expect([bad, isoDateToEpochDays(bad)]).toEqual([bad, undefined]);
    }
  });

  it('reads the years 0000 to 0099 as those years, and writes years beyond 9999 as toISOString does', () => {
    expect(isoDateToEpochDays('0000-01-01')).toBe(-719_528);
    expect(epochDaysToIsoDate(-719_528)).toBe('0000-01-01');
    expect(epochDaysToIsoDate(isoDateToEpochDays('0050-03-01')!)).toBe('0050-03-01');
    expect(epochDaysToIsoDate(2_932_897)).toBe('+010000-01-01');
    expect(epochDaysToIsoDate(-719_529)).toBe('-000001-12-31');
  });

  it('encodes timestamps as epoch milliseconds and dates as epoch days, as the Avro specification says', () => {
    const type = parseSchema({
      type: 'record',
      name: 'T',
      fields: [
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'on', type: { type: 'int', logicalType: 'date' } },
      ],
    });
    const plain = parseSchema({ type: 'record', name: 'T', fields: [{ name: 'at', type: 'long' }, { name: 'on', type: 'int' }] });
    const at = new Date('2025-06-27T01:30:00.123Z');
    const bytes = type.toBuffer({ at, on: '2025-06-26' });

    expect(plain.fromBuffer(bytes)).toEqual({ at: at.getTime(), on: 20265 });
    expect(type.fromBuffer(bytes)).toEqual({ at, on: '2025-06-26' });
    expect(type.isValid({ at: at.getTime(), on: '2025-06-26' })).toBe(false);
    expect(type.isValid({ at: new Date(Number.NaN), on: '2025-06-26' })).toBe(false);
  });

  it('takes a timestamp made in another realm (a structured clone, a vm context)', () => {
    const type = parseSchema({ type: 'record', name: 'T', fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] });
    const foreign = runInNewContext('new Date(1750987800123)') as Date;
    expect(foreign instanceof Date).toBe(false);
    expect(type.isValid({ at: foreign })).toBe(true);
    expect(type.fromBuffer(type.toBuffer({ at: foreign }))).toEqual({ at: new Date(1_750_987_800_123) });
    expect(type.isValid({ at: { getTime: () => 0 } })).toBe(false);
  });

  it('reads a plain long written by an older schema as a timestamp', () => {
    const reader = parseSchema({ type: 'record', name: 'T', fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] });
    const writer = parseSchema({ type: 'record', name: 'T', fields: [{ name: 'at', type: 'long' }] });
    const bytes = writer.toBuffer({ at: 1_750_987_800_000 });
    expect(reader.fromBuffer(bytes, reader.createResolver(writer))).toEqual({ at: new Date(1_750_987_800_000) });
  });
});
