import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  addMonthsToDay,
  ageOn,
  anniversaryKeys,
  civilFromDays,
  daysFromCivil,
  formatIsoDay,
  formatUtcTimestamp,
  latestBirthDayForAge,
  parseIsoDay,
  zoneClock
} from '../../../src/lib/core/segment/dates';

const day = (s: string) => parseIsoDay(s) as number;
const utc = (s: string) => Date.parse(s);
const brussels = zoneClock('Europe/Brussels');

describe('calendar days', () => {
  it('parses only real YYYY-MM-DD dates', () => {
    expect(day('1970-01-01')).toBe(0);
    expect(formatIsoDay(day('2024-02-29'))).toBe('2024-02-29');
    for (const bad of [
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '26-01-01',
      '2026-1-1',
      '2026-01-01T00:00',
      '',
      5
    ]) {
      expect(parseIsoDay(bad)).toBeNull();
    }
  });

  it('converts days and civil dates both ways', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (d) => {
        const c = civilFromDays(d);
        return daysFromCivil(c.year, c.month, c.day) === d;
      })
    );
    expect(formatUtcTimestamp(utc('2026-03-29T01:02:03.045Z'))).toBe('2026-03-29 01:02:03.045');
  });

  it('adds calendar months, clamping the day of month', () => {
    expect(formatIsoDay(addMonthsToDay(day('2026-01-31'), 1))).toBe('2026-02-28');
    expect(formatIsoDay(addMonthsToDay(day('2024-01-31'), 1))).toBe('2024-02-29');
    expect(formatIsoDay(addMonthsToDay(day('2026-03-31'), -1))).toBe('2026-02-28');
    expect(formatIsoDay(addMonthsToDay(day('2026-05-31'), -1))).toBe('2026-04-30');
    expect(formatIsoDay(addMonthsToDay(day('2026-01-15'), -13))).toBe('2024-12-15');
  });
});

describe('ages and anniversaries', () => {
  it('counts full years; 29 February birthdays fall on 28 February in common years', () => {
    const b = day('2000-02-29');
    expect(ageOn(b, day('2025-02-27'))).toBe(24);
    expect(ageOn(b, day('2025-02-28'))).toBe(25);
    expect(ageOn(b, day('2028-02-28'))).toBe(27);
    expect(ageOn(b, day('2028-02-29'))).toBe(28);
    expect(ageOn(day('1990-11-23'), day('2026-11-22'))).toBe(35);
    expect(ageOn(day('1990-11-23'), day('2026-11-23'))).toBe(36);
  });

  it('latestBirthDayForAge is exactly the boundary of age >= n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: day('1900-01-01'), max: day('2030-12-31') }),
        fc.integer({ min: 0, max: 25_000 }),
        fc.integer({ min: 0, max: 80 }),
        (today, back, n) => {
          const birth = today - back;
          return ageOn(birth, today) >= n === birth <= latestBirthDayForAge(today, n);
        }
      ),
      { numRuns: 3000 }
    );
    // The leap-day edge explicitly: on 2025-02-28, someone born 2020-02-29 is 5.
    expect(formatIsoDay(latestBirthDayForAge(day('2025-02-28'), 5))).toBe('2020-02-29');
    expect(formatIsoDay(latestBirthDayForAge(day('2024-02-29'), 1))).toBe('2023-02-28');
  });

  it('anniversary weeks include 29 February on 28 February of common years', () => {
    expect(anniversaryKeys(day('2027-02-25'), day('2027-03-03'))).toContain(229);
    expect(anniversaryKeys(day('2028-02-25'), day('2028-02-28'))).not.toContain(229);
    expect(anniversaryKeys(day('2026-12-29'), day('2027-01-04'))).toEqual([
      1229, 1230, 1231, 101, 102, 103, 104
    ]);
  });
});

describe('time zones (Europe/Brussels DST)', () => {
  it('finds offsets on both sides of the transitions', () => {
    expect(brussels.offsetAt(utc('2026-03-29T00:59:59Z'))).toBe(3_600_000);
    expect(brussels.offsetAt(utc('2026-03-29T01:00:00Z'))).toBe(7_200_000);
    expect(brussels.offsetAt(utc('2026-10-25T00:59:59Z'))).toBe(7_200_000);
    expect(brussels.offsetAt(utc('2026-10-25T01:00:00Z'))).toBe(3_600_000);
    expect(zoneClock('UTC').offsetAt(utc('2026-03-29T01:00:00Z'))).toBe(0);
  });

  it('gives 23-hour and 25-hour calendar days', () => {
    const spring = day('2026-03-29');
    expect(new Date(brussels.startOfDay(spring)).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(brussels.startOfDay(spring + 1) - brussels.startOfDay(spring)).toBe(23 * 3_600_000);
    const autumn = day('2026-10-25');
    expect(new Date(brussels.startOfDay(autumn)).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(brussels.startOfDay(autumn + 1) - brussels.startOfDay(autumn)).toBe(25 * 3_600_000);
  });

  it('places instants on their local calendar day', () => {
    expect(formatIsoDay(brussels.localDay(utc('2026-03-28T22:59:59Z')))).toBe('2026-03-28');
    expect(formatIsoDay(brussels.localDay(utc('2026-03-28T23:00:00Z')))).toBe('2026-03-29');
    expect(formatIsoDay(brussels.localDay(utc('2026-10-25T22:59:59Z')))).toBe('2026-10-25');
    expect(formatIsoDay(brussels.localDay(utc('2026-10-25T23:00:00Z')))).toBe('2026-10-26');
  });

  it('shifts now by calendar days on the wall clock across DST', () => {
    const p = { n: 1, unit: 'days' as const };
    const iso = (t: number) => new Date(t).toISOString();
    // 14:00 local on 29 March (+2) minus one day = 14:00 on 28 March (+1): 23 hours earlier.
    expect(iso(brussels.shiftInstant(utc('2026-03-29T12:00:00Z'), p, -1))).toBe(
      '2026-03-28T13:00:00.000Z'
    );
    // 02:30 on 29 March does not exist: moved forward by the gap, to 03:30 (+2).
    expect(iso(brussels.shiftInstant(utc('2026-03-30T00:30:00Z'), p, -1))).toBe(
      '2026-03-29T01:30:00.000Z'
    );
    // 02:30 on 25 October happens twice: the earlier one (+2).
    expect(iso(brussels.shiftInstant(utc('2026-10-26T01:30:00Z'), p, -1))).toBe(
      '2026-10-25T00:30:00.000Z'
    );
    // One month before 31 March is 28 February, same clock time.
    expect(
      iso(brussels.shiftInstant(utc('2026-03-31T10:00:00Z'), { n: 1, unit: 'months' }, -1))
    ).toBe('2026-02-28T11:00:00.000Z');
  });

  it('rejects unknown zones', () => {
    expect(() => zoneClock('Mars/Olympus')).toThrow(/Unknown time zone/);
    expect(DAY_MS).toBe(86_400_000);
  });
});
