/**
 * Reads calendar dates and instants as CSV exports write them: ISO `2025-12-31`, European
 * `31/12/2025` and `31.12.2025`, American `12/31/2025`, with an optional time and zone.
 * Impossible dates (31/02) are NaN, never rolled over into the next month.
 */
import type { DateOrder } from '$lib/core/columns/types';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (no Date.UTC two-digit-year quirk). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// a sep b sep c, then an optional time and zone.
const DATE_TIME =
  /^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?:(?:[T ]|, ?)\s*(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([AaPp])\.?[Mm]\.?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Day number (days since epoch) of the date part, or NaN. */
function dayOf(m: RegExpExecArray, order: DateOrder): number {
  const a = m[1];
  const c = m[4];
  let y: number;
  let mo: number;
  let d: number;
  if (a.length === 4 && c.length <= 2) {
    // Year first is unambiguous whatever the column's order.
    y = +a;
    mo = +m[3];
    d = +c;
  } else if (c.length === 4 && a.length <= 2 && order !== 'ymd') {
    y = +c;
    if (order === 'dmy') {
      d = +a;
      mo = +m[3];
    } else {
      mo = +a;
      d = +m[3];
    }
  } else {
    return NaN;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  return daysFromCivil(y, mo, d);
}

/** Milliseconds into the day of the time part (0 when absent), or NaN. */
function timeOf(m: RegExpExecArray): number {
  if (m[5] === undefined) return 0;
  let h = +m[5];
  const min = +m[6];
  const s = m[7] === undefined ? 0 : +m[7];
  const frac = m[8] === undefined ? 0 : Math.round(Number('0.' + m[8]) * 1000);
  if (m[9] !== undefined) {
    if (h < 1 || h > 12) return NaN;
    const pm = m[9] === 'p' || m[9] === 'P';
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (h > 23 || min > 59 || s > 59) return NaN;
  let ms = ((h * 60 + min) * 60 + s) * 1000 + frac;
  const zone = m[10];
  if (zone && zone !== 'Z' && zone !== 'UTC' && zone !== 'GMT') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = +digits.slice(0, 2);
    const zm = digits.length > 2 ? +digits.slice(2) : 0;
    if (zh > 14 || zm > 59) return NaN;
    ms -= sign * (zh * 60 + zm) * 60_000;
  }
  return ms;
}

/**
 * The UTC midnight (epoch ms) of the calendar day written in `raw`, or NaN (also for empty).
 * A midnight time (`31/12/1985 00:00`, as spreadsheets often add) is accepted.
 */
export function parseDate(raw: string, order: DateOrder = 'dmy'): number {
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return NaN;
  const day = dayOf(m, order);
  if (Number.isNaN(day)) return NaN;
  // A time that is not midnight UTC makes it an instant, not a day.
  if (m[5] !== undefined && timeOf(m) !== 0) return NaN;
  return day * DAY_MS;
}

/** The instant (epoch ms) written in `raw`; no zone means UTC; a date alone is its midnight. */
export function parseDateTime(raw: string, order: DateOrder = 'dmy'): number {
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return NaN;
  const day = dayOf(m, order);
  if (Number.isNaN(day)) return NaN;
  const t = timeOf(m);
  if (Number.isNaN(t)) return NaN;
  return day * DAY_MS + t;
}

/** Whether `raw` has a time of day other than midnight (what makes a column datetime). */
export function hasTimeOfDay(raw: string): boolean {
  const m = DATE_TIME.exec(raw.trim());
  return !!m && m[5] !== undefined && timeOf(m) !== 0;
}

/** Which orders can read the a/b/yyyy dates of a value: used by inference. */
export function dateOrdersOf(raw: string): { dmy: boolean; mdy: boolean; iso: boolean } | null {
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return null;
  if (m[1].length === 4) {
    const ok = !Number.isNaN(dayOf(m, 'ymd'));
    return ok ? { dmy: true, mdy: true, iso: true } : null;
  }
  const dmy = !Number.isNaN(dayOf(m, 'dmy'));
  const mdy = !Number.isNaN(dayOf(m, 'mdy'));
  return dmy || mdy ? { dmy, mdy, iso: false } : null;
}
