/**
 * Calendar and time-zone arithmetic for date rules, with an explicit `now` and IANA zone.
 * Days are counted as epoch day numbers (day 0 = 1970-01-01); a `date` column value is
 * day * DAY_MS. Zone offsets come from Intl.DateTimeFormat, cached per UTC day, so DST
 * transitions are exact and scanning a million datetimes costs a few thousand Intl calls.
 * The SQL export uses the same bounds, computed here, as literals.
 */
// Relative paths, not $lib: the command line runs this module through tsx, without Vite.
import { DAY_MS, civilFromDays, daysFromCivil, daysInMonth, isLeapYear } from '../columns/calendar';
import type { Period } from './definition';

export {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isLeapYear,
  type CivilDate
} from '../columns/calendar';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day of a `YYYY-MM-DD` string (years 0001–9999), or null when it is not a real date. */
export function parseIsoDay(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

export function formatIsoDay(day: number): string {
  const { year, month, day: d } = civilFromDays(day);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` of an instant in UTC, as SQL TIMESTAMP literals want it. */
export function formatUtcTimestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = Math.round(rest - s * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${formatIsoDay(day)} ${p2(h)}:${p2(mi)}:${p2(s)}.${String(milli).padStart(3, '0')}`;
}

/** Adds n calendar months to a day, clamping the day of month (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsToDay(day: number, n: number): number {
  const c = civilFromDays(day);
  const total = c.year * 12 + (c.month - 1) + n;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(c.day, daysInMonth(y, m)));
}

/** day ± period on the calendar (sign = 1 or -1). */
export function shiftDay(day: number, period: Period, sign: 1 | -1): number {
  switch (period.unit) {
    case 'days':
      return day + sign * period.n;
    case 'weeks':
      return day + sign * 7 * period.n;
    case 'months':
      return addMonthsToDay(day, sign * period.n);
  }
}

/** Full years between a birth day and a day, a 29 February birthday counting as 28 February in common years. */
export function ageOn(birthDay: number, today: number): number {
  const b = civilFromDays(birthDay);
  const t = civilFromDays(today);
  const bm = b.month;
  let bd = b.day;
  if (bm === 2 && bd === 29 && !isLeapYear(t.year)) bd = 28;
  let age = t.year - b.year;
  if (t.month < bm || (t.month === bm && t.day < bd)) age--;
  return age;
}

/**
 * The latest birth day whose age on `today` is at least n: age(d) >= n  <=>  d <= result.
 * Birth days in year Y-n qualify up to today's month-day, with 29 February qualifying
 * on 28 February of a common year (see ageOn).
 */
export function latestBirthDayForAge(today: number, n: number): number {
  const t = civilFromDays(today);
  const y = t.year - n;
  if (t.month === 2 && t.day === 28 && !isLeapYear(t.year) && isLeapYear(y)) {
    return daysFromCivil(y, 2, 29);
  }
  return daysFromCivil(y, t.month, Math.min(t.day, daysInMonth(y, t.month)));
}

/** Month-day keys (month * 100 + day) whose anniversary falls on one of the given days. */
export function anniversaryKeys(fromDay: number, toDay: number): number[] {
  const keys: number[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const c = civilFromDays(d);
    keys.push(c.month * 100 + c.day);
    if (c.month === 2 && c.day === 28 && !isLeapYear(c.year)) keys.push(229);
  }
  return keys;
}

/** The zone of the machine running this code (the browser's in the app), or UTC. */
export function runtimeTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Why `tz` is not a usable zone, in a sentence naming it; null when it is one. */
export function timeZoneProblem(tz: unknown): string | null {
  return isValidTimeZone(tz)
    ? null
    : `Unknown time zone ${JSON.stringify(tz)} (expected an IANA name such as Europe/Paris).`;
}

/** The zone's canonical IANA name (`europe/paris` → `Europe/Paris`); `tz` must be valid. */
export function canonicalTimeZone(tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

export function isValidTimeZone(tz: unknown): boolean {
  if (typeof tz !== 'string' || tz.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface DayOffsets {
  before: number;
  after: number;
  /** First instant with the `after` offset, when the offset changes during this UTC day. */
  switchAt: number;
}

/**
 * One IANA zone: UTC offsets of instants and wall-clock conversions. Offsets are cached per
 * UTC day (start and end of day; a change in between is located to the second).
 */
export class ZoneClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly days = new Map<number, DayOffsets>();

  constructor(timeZone: string) {
    if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone "${timeZone}"`);
    this.timeZone = timeZone;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short'
    });
  }

  /** Offset (wall - UTC, ms) straight from Intl, at whole-second precision. */
  private rawOffset(t: number): number {
    const sec = Math.floor(t / 1000) * 1000;
    let y = 0;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const p of this.format.formatToParts(sec)) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value);
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
      }
    }
    if (bc) y = 1 - y;
    const wall = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000;
    return wall - sec;
  }

  private dayOffsets(utcDay: number): DayOffsets {
    let e = this.days.get(utcDay);
    if (e) return e;
    const start = utcDay * DAY_MS;
    const before = this.rawOffset(start);
    const after = this.rawOffset(start + DAY_MS);
    let switchAt = start + DAY_MS;
    if (before !== after) {
      let lo = start;
      let hi = start + DAY_MS;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo) break;
        if (this.rawOffset(mid) === before) lo = mid;
        else hi = mid;
      }
      switchAt = hi;
    }
    e = { before, after, switchAt };
    if (this.days.size > 200_000) this.days.clear();
    this.days.set(utcDay, e);
    return e;
  }

  /** UTC offset in ms at an instant (local wall clock = t + offset). */
  offsetAt(t: number): number {
    const e = this.dayOffsets(Math.floor(t / DAY_MS));
    return t < e.switchAt ? e.before : e.after;
  }

  /** Calendar day (epoch day number) of an instant in this zone. */
  localDay(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY_MS);
  }

  /**
   * The instant at which the wall clock shows `wall` (a wall time written as UTC ms).
   * Ambiguous times (clocks set back) take the earlier instant; times skipped by a DST jump
   * take the instant of the jump plus the same distance, i.e. they move forward by the gap.
   */
  wallToInstant(wall: number): number {
    const oBefore = this.offsetAt(wall - DAY_MS);
    const oAfter = this.offsetAt(wall + DAY_MS);
    // No change of offset nearby (nearly every value an import reads): one answer.
    if (oBefore === oAfter) return wall - oBefore;
    const candidates = [wall - oBefore, wall - oAfter].sort((a, b) => a - b);
    for (const t of candidates) if (t + this.offsetAt(t) === wall) return t;
    return wall - oBefore;
  }

  /** First instant of a calendar day in this zone. */
  startOfDay(day: number): number {
    return this.wallToInstant(day * DAY_MS);
  }

  /** now ± period on the wall clock: same clock time, calendar days/weeks/months away. */
  shiftInstant(now: number, period: Period, sign: 1 | -1): number {
    const wall = now + this.offsetAt(now);
    const day = Math.floor(wall / DAY_MS);
    const timeOfDay = wall - day * DAY_MS;
    return this.wallToInstant(shiftDay(day, period, sign) * DAY_MS + timeOfDay);
  }
}

const clocks = new Map<string, ZoneClock>();

/** Shared ZoneClock per zone, so offset caches survive across evaluations. */
export function zoneClock(timeZone: string): ZoneClock {
  let c = clocks.get(timeZone);
  if (!c) {
    c = new ZoneClock(timeZone);
    clocks.set(timeZone, c);
  }
  return c;
}
