import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidEmail,
  normaliseEmail,
  normaliseIdentity,
  parseBoolean,
  parseDate,
  parseDateTime,
  parseNumber
} from '$lib/core/csv';

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('parseNumber', () => {
  it('reads decimal points and commas', () => {
    expect(parseNumber('12.5', '.')).toBe(12.5);
    expect(parseNumber('12,5', ',')).toBe(12.5);
    expect(parseNumber(' -3,25 ', ',')).toBe(-3.25);
    expect(parseNumber('+7', '.')).toBe(7);
    expect(parseNumber('0', ',')).toBe(0);
    expect(parseNumber(',5', ',')).toBe(0.5);
    expect(parseNumber('1e3', '.')).toBe(1000);
  });

  it('reads thousands separators in groups of three', () => {
    expect(parseNumber('1 234,5', ',')).toBe(1234.5);
    expect(parseNumber('1\u00a0234\u00a0567,25', ',')).toBe(1234567.25);
    expect(parseNumber('1.234,5', ',')).toBe(1234.5);
    expect(parseNumber('1,234.5', '.')).toBe(1234.5);
    expect(parseNumber("1'234.5", '.')).toBe(1234.5);
    expect(parseNumber('12,345,678', '.')).toBe(12345678);
  });

  it('refuses what it cannot read for sure', () => {
    for (const [raw, decimal] of [
      ['12,5', '.'],
      ['12.5', ','],
      ['1.23,4.5', ','],
      ['12a', '.'],
      ['1 23,5', ','],
      ['', '.'],
      ['-', '.'],
      ['1,2,3', ','],
      ['abc', '.'],
      ['1e5', ',']
    ] as const) {
      expect(parseNumber(raw, decimal), `${raw} with ${decimal}`).toBeNaN();
    }
  });
});

describe('parseDate', () => {
  it('reads day-first dates with / . -', () => {
    expect(parseDate('31/12/2025', 'dmy')).toBe(day(2025, 12, 31));
    expect(parseDate('31.12.1985', 'dmy')).toBe(day(1985, 12, 31));
    expect(parseDate('1-2-2020', 'dmy')).toBe(day(2020, 2, 1));
  });

  it('reads month-first and ISO dates', () => {
    expect(parseDate('12/31/2025', 'mdy')).toBe(day(2025, 12, 31));
    expect(parseDate('2025-12-31', 'ymd')).toBe(day(2025, 12, 31));
    expect(parseDate('2025-12-31', 'dmy')).toBe(day(2025, 12, 31));
    expect(parseDate('2025/01/05', 'mdy')).toBe(day(2025, 1, 5));
  });

  it('refuses impossible dates and the wrong order', () => {
    expect(parseDate('31/02/2025', 'dmy')).toBeNaN();
    expect(parseDate('29/02/2023', 'dmy')).toBeNaN();
    expect(parseDate('29/02/2024', 'dmy')).toBe(day(2024, 2, 29));
    expect(parseDate('12/13/2025', 'dmy')).toBeNaN();
    expect(parseDate('13/12/2025', 'mdy')).toBeNaN();
    expect(parseDate('31/12/2025', 'ymd')).toBeNaN();
    expect(parseDate('31/12/25', 'dmy')).toBeNaN();
    expect(parseDate('2025-00-10', 'ymd')).toBeNaN();
    expect(parseDate('', 'dmy')).toBeNaN();
    expect(parseDate('yesterday', 'dmy')).toBeNaN();
  });

  it('accepts a midnight time but not another time', () => {
    expect(parseDate('31/12/1985 00:00', 'dmy')).toBe(day(1985, 12, 31));
    expect(parseDate('2025-12-31T00:00:00Z', 'ymd')).toBe(day(2025, 12, 31));
    expect(parseDate('31/12/1985 14:30', 'dmy')).toBeNaN();
  });

  it('handles years before 1970 and far from it without Date quirks', () => {
    expect(parseDate('01/01/1900', 'dmy')).toBe(day(1900, 1, 1));
    expect(parseDate('0050-03-01', 'ymd')).toBe(Date.parse('0050-03-01T00:00:00Z'));
  });
});

describe('parseDateTime', () => {
  it('reads ISO instants with zones', () => {
    expect(parseDateTime('2025-12-31T10:00:00Z', 'ymd')).toBe(Date.parse('2025-12-31T10:00:00Z'));
    expect(parseDateTime('2025-12-31T10:00:00+02:00', 'ymd')).toBe(
      Date.parse('2025-12-31T08:00:00Z')
    );
    expect(parseDateTime('2025-12-31 10:00:00.250', 'ymd')).toBe(
      Date.parse('2025-12-31T10:00:00.250Z')
    );
    expect(parseDateTime('2025-12-31T10:00-0530', 'ymd')).toBe(Date.parse('2025-12-31T15:30:00Z'));
  });

  it('reads European and American date-times (no zone = UTC)', () => {
    expect(parseDateTime('31/12/2025 14:30', 'dmy')).toBe(Date.parse('2025-12-31T14:30:00Z'));
    expect(parseDateTime('12/31/2025 2:30 PM', 'mdy')).toBe(Date.parse('2025-12-31T14:30:00Z'));
    expect(parseDateTime('12/31/2025 12:05 am', 'mdy')).toBe(Date.parse('2025-12-31T00:05:00Z'));
    expect(parseDateTime('31.12.2025 08:15:59', 'dmy')).toBe(Date.parse('2025-12-31T08:15:59Z'));
  });

  it('reads French hours, zone names and spaced meridiems', () => {
    expect(parseDateTime('31/12/2025 14h30', 'dmy')).toBe(Date.parse('2025-12-31T14:30:00Z'));
    expect(parseDateTime('2025-12-31 10:00 UTC', 'ymd')).toBe(Date.parse('2025-12-31T10:00:00Z'));
    expect(parseDateTime('12/31/2025, 9:05 p.m.', 'mdy')).toBe(Date.parse('2025-12-31T21:05:00Z'));
    expect(parseDateTime('2025-12-31T10:00:00+01', 'ymd')).toBe(Date.parse('2025-12-31T09:00:00Z'));
    expect(parseDateTime('2025-12-31T10:00:00+15:00', 'ymd')).toBeNaN();
    expect(parseDateTime('2025-12-31T10:00:00 CET', 'ymd')).toBeNaN();
    expect(parseDateTime('31/12/2025 13:00 PM', 'dmy')).toBeNaN();
  });

  it('reads a date alone as its midnight', () => {
    expect(parseDateTime('15/04/2025', 'dmy')).toBe(day(2025, 4, 15));
  });

  it('refuses impossible times', () => {
    expect(parseDateTime('31/12/2025 24:00', 'dmy')).toBeNaN();
    expect(parseDateTime('31/12/2025 10:60', 'dmy')).toBeNaN();
    expect(parseDateTime('31/02/2025 10:00', 'dmy')).toBeNaN();
    expect(parseDateTime('13:00 31/12/2025', 'dmy')).toBeNaN();
  });
});

describe('parseBoolean', () => {
  it('reads yes/no words of several languages', () => {
    for (const t of ['oui', 'Yes', 'TRUE', '1', 'vrai', 'ja', 'y'])
      expect(parseBoolean(t), t).toBe(2);
    for (const f of ['non', 'No', 'false', '0', 'faux', 'nee', 'n'])
      expect(parseBoolean(f), f).toBe(1);
    expect(parseBoolean('  ')).toBe(0);
    expect(parseBoolean('maybe')).toBe(-1);
    expect(parseBoolean('2')).toBe(-1);
  });
});

describe('emails and identities', () => {
  it('normalises emails', () => {
    expect(normaliseEmail('  Jean.Dupont@Example.FR ')).toBe('jean.dupont@example.fr');
  });

  it('checks emails practically', () => {
    for (const ok of ['a@b.fr', 'first.last+tag@sub.example.co.uk', "o'neil@example.ie"]) {
      expect(isValidEmail(ok), ok).toBe(true);
    }
    for (const bad of [
      'x@',
      '@b.fr',
      'a@b',
      'a b@c.fr',
      'a@@b.fr',
      'a@b..fr',
      'a@.b.fr',
      'a@b.fr.',
      ''
    ]) {
      expect(isValidEmail(bad), bad).toBe(false);
    }
  });

  it('normalises identities by type', () => {
    expect(normaliseIdentity(' A@B.fr ', 'email')).toBe('a@b.fr');
    expect(normaliseIdentity(' AB-12 ', 'text')).toBe('AB-12');
    expect(normaliseIdentity(' 0012 ', 'number')).toBe('12');
    expect(normaliseIdentity('12.0', 'number')).toBe('12');
    // Canonically equivalent spellings are one key; accents and (but for emails) case stay.
    expect(normaliseIdentity('Jose\u0301', 'text')).toBe('Jos\u00e9');
    expect(normaliseIdentity('JOSE\u0301@Example.fr', 'email')).toBe('jos\u00e9@example.fr');
    expect(normaliseIdentity('José', 'text')).not.toBe(normaliseIdentity('Jose', 'text'));
    expect(normaliseIdentity('Straße-1', 'text')).toBe('Straße-1');
  });
});

describe('fixed-width dates', () => {
  // A leading space always takes the general scanner: both readings must agree.
  const digit = fc.constantFrom(...'0123456789'.split(''));
  const two = fc.oneof(
    fc.tuple(digit, digit).map(([a, b]) => a + b),
    fc.constantFrom('00', '12', '13', '29', '31', '1x')
  );
  const sep = fc.constantFrom('/', '.', '-', ':', 'T');
  const text = fc
    .tuple(
      two,
      sep,
      two,
      sep,
      two,
      two,
      fc.constantFrom('', 'T', ' ', 'x'),
      two,
      sep,
      two,
      sep,
      two,
      fc.constantFrom('', 'Z', 'z', '+')
    )
    .chain(([a, s1, b, s2, c, d, t, h, s3, m, s4, sec, z]) =>
      fc.constantFrom(
        `${a}${s1}${b}${s2}${c}${d}`,
        `${c}${d}${s1}${a}${s2}${b}`,
        `${c}${d}${s1}${a}${s2}${b}${t}${h}${s3}${m}${s4}${sec}${z}`,
        `${a}${s1}${b}${s2}${c}${d}${t}${h}${s3}${m}${s4}${sec}${z}`
      )
    );

  it('reads them as the general scanner does', () => {
    fc.assert(
      fc.property(
        text,
        fc.constantFrom('dmy' as const, 'mdy' as const, 'ymd' as const),
        (s, order) => {
          expect(parseDate(s, order)).toBe(parseDate(' ' + s, order));
          expect(parseDateTime(s, order)).toBe(parseDateTime(' ' + s, order));
        }
      ),
      { numRuns: 3000 }
    );
    expect(parseDateTime('2026-07-20T13:26:56Z', 'dmy')).toBe(Date.UTC(2026, 6, 20, 13, 26, 56));
    expect(parseDateTime('20/07/2026T24:00:00', 'dmy')).toBeNaN();
    expect(parseDate('29/02/2023', 'dmy')).toBeNaN();
    expect(parseDate('02/29/2024', 'mdy')).toBe(Date.UTC(2024, 1, 29));
  });
});
