/**
 * Reads calendar dates and instants as CSV exports write them: ISO `2025-12-31`, European
 * `31/12/2025` and `31.12.2025`, American `12/31/2025`, with an optional time (`14:30`,
 * `14h30`, `2:30 PM`, seconds and fractions) and zone (`Z`, `UTC`, `+02:00`). A date-time
 * without a zone is a wall-clock time, read in the time zone the caller gives (the campaign's).
 * Impossible dates (31/02) are NaN, never rolled over into the next month.
 * A hand-written scanner, not a regular expression: it allocates nothing per value, which
 * matters at a million rows with several date columns.
 */
import type { DateOrder } from '../columns/types';

import { DAY_MS, daysFromCivil, daysInMonth } from '../columns/calendar';
import type { ZoneClock } from '../segment/dates';

/** What reading a zone-less date-time needs of a zone: its wall-clock to instant rule. */
export type WallClockZone = Pick<ZoneClock, 'wallToInstant'>;

// Days since 1970-01-01 of a proleptic Gregorian date (no Date.UTC two-digit-year quirk).
export { daysFromCivil };

// What the last scan read (module state: the scanner is synchronous and allocation-free).
let aVal = 0;
let aLen = 0;
let bVal = 0;
let cVal = 0;
let cLen = 0;
let hasTime = false;
let hour = 0;
let minute = 0;
let second = 0;
let millis = 0;
/** 0 none, 1 AM, 2 PM. */
let meridiem = 0;
/** Minutes east of UTC; 0 when no zone or Z/UTC/GMT. */
let zoneMinutes = 0;
/** Whether the value names its zone (Z, UTC, GMT or an offset). */
let hasZone = false;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 160;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reads 1..max digits at i; returns the index after them, or -1 (value in `digitValue`). */
let digitValue = 0;
function digits(s: string, i: number, min: number, max: number): number {
  let v = 0;
  let n = 0;
  while (n < max && i < s.length) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    v = v * 10 + (c - 48);
    i++;
    n++;
  }
  if (n < min) return -1;
  digitValue = v;
  return i;
}

/** Scans `s` (already trimmed); false when it is not a date with an optional time. */
function scan(s: string): boolean {
  const n = s.length;
  let i = digits(s, 0, 1, 4);
  if (i < 0) return false;
  aVal = digitValue;
  aLen = i;
  const sep = s.charCodeAt(i);
  if (sep !== 47 && sep !== 46 && sep !== 45) return false; // / . -
  let j = digits(s, i + 1, 1, 2);
  if (j < 0 || s.charCodeAt(j) !== sep) return false;
  bVal = digitValue;
  const cStart = j + 1;
  i = digits(s, cStart, 1, 4);
  if (i < 0) return false;
  cVal = digitValue;
  cLen = i - cStart;
  hasTime = false;
  hour = minute = second = millis = meridiem = zoneMinutes = 0;
  hasZone = false;
  if (i === n) return true;
  // Date-time separator: T, a space, or a comma with an optional space; then spaces.
  let c = s.charCodeAt(i);
  if (c === 84 || c === 32) i++;
  else if (c === 44) i += s.charCodeAt(i + 1) === 32 ? 2 : 1;
  else return false;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  j = digits(s, i, 1, 2);
  if (j < 0) return false;
  hour = digitValue;
  c = s.charCodeAt(j);
  if (c !== 58 && c !== 104) return false; // : or h
  i = digits(s, j + 1, 2, 2);
  if (i < 0) return false;
  minute = digitValue;
  hasTime = true;
  if (s.charCodeAt(i) === 58) {
    j = digits(s, i + 1, 2, 2);
    if (j < 0) return false;
    second = digitValue;
    i = j;
    c = s.charCodeAt(i);
    if (c === 46 || c === 44) {
      const start = i + 1;
      j = digits(s, start, 1, 9);
      if (j < 0) return false;
      millis = Math.round((digitValue / 10 ** (j - start)) * 1000);
      i = j;
    }
  }
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  c = s.charCodeAt(i) | 32;
  if ((c === 97 || c === 112) && i < n) {
    // AM / PM, with optional dots
    let k = i + 1;
    if (s.charCodeAt(k) === 46) k++;
    if ((s.charCodeAt(k) | 32) === 109) {
      meridiem = c === 97 ? 1 : 2;
      k++;
      if (s.charCodeAt(k) === 46) k++;
      i = k;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
    }
  }
  if (i === n) return true;
  c = s.charCodeAt(i);
  hasZone = true;
  if (c === 90 && i + 1 === n) return true; // Z
  if (n - i === 3) {
    const zone = s.slice(i);
    if (zone === 'UTC' || zone === 'GMT') return true;
  }
  if (c === 43 || c === 45) {
    j = digits(s, i + 1, 2, 2);
    if (j < 0) return false;
    const zh = digitValue;
    let zm = 0;
    if (j < n) {
      if (s.charCodeAt(j) === 58) j++;
      const k = digits(s, j, 2, 2);
      if (k < 0) return false;
      zm = digitValue;
      j = k;
    }
    if (j !== n || zh > 14 || zm > 59) return false;
    zoneMinutes = (c === 45 ? -1 : 1) * (zh * 60 + zm);
    return true;
  }
  return false;
}

/** Day number (days since epoch) of the scanned date part, or NaN. */
function scannedDay(order: DateOrder): number {
  let y: number;
  let mo: number;
  let d: number;
  if (aLen === 4 && cLen <= 2) {
    // Year first is unambiguous whatever the column's order.
    y = aVal;
    mo = bVal;
    d = cVal;
  } else if (cLen === 4 && aLen <= 2 && order !== 'ymd') {
    y = cVal;
    if (order === 'dmy') {
      d = aVal;
      mo = bVal;
    } else {
      mo = aVal;
      d = bVal;
    }
  } else {
    return NaN;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  return daysFromCivil(y, mo, d);
}

/** Milliseconds into the UTC day of the scanned time (0 when absent), or NaN. */
function scannedTime(): number {
  if (!hasTime) return 0;
  let h = hour;
  if (meridiem !== 0) {
    if (h < 1 || h > 12) return NaN;
    h = (h % 12) + (meridiem === 2 ? 12 : 0);
  }
  if (h > 23 || minute > 59 || second > 59) return NaN;
  return ((h * 60 + minute) * 60 + second) * 1000 + millis - zoneMinutes * 60_000;
}

/** The two digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Returned by fixedDay when the text is not in a fixed-width form (day numbers are far smaller).
const NOT_FIXED = Infinity;

/**
 * The day number of the first 10 characters of `s` when they are `yyyy-mm-dd` or `dd/mm/yyyy`
 * (any of / . - as separator, day and month as `order` says): what exports write in nearly
 * every cell, read without the general scanner. NaN for an impossible date, NOT_FIXED when the
 * text has another form (then the scanner decides, with the same result for these forms).
 */
function fixedDay(s: string, order: DateOrder): number {
  const sep = s.charCodeAt(2);
  let y: number;
  let mo: number;
  let d: number;
  if (sep === 47 || sep === 46 || sep === 45) {
    if (s.charCodeAt(5) !== sep) return NOT_FIXED;
    const a = twoDigits(s, 0);
    const b = twoDigits(s, 3);
    const hi = twoDigits(s, 6);
    const lo = twoDigits(s, 8);
    if (a < 0 || b < 0 || hi < 0 || lo < 0) return NOT_FIXED;
    if (order === 'ymd') return NaN;
    y = hi * 100 + lo;
    mo = order === 'dmy' ? b : a;
    d = order === 'dmy' ? a : b;
  } else {
    const sep2 = s.charCodeAt(4);
    if ((sep2 !== 47 && sep2 !== 46 && sep2 !== 45) || s.charCodeAt(7) !== sep2) return NOT_FIXED;
    const hi = twoDigits(s, 0);
    const lo = twoDigits(s, 2);
    mo = twoDigits(s, 5);
    d = twoDigits(s, 8);
    if (hi < 0 || lo < 0 || mo < 0 || d < 0) return NOT_FIXED;
    y = hi * 100 + lo;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  return daysFromCivil(y, mo, d);
}

/** Milliseconds of `THH:MM:SS` at 10 (and an optional Z at 19) in `s`, or -1. */
function fixedTime(s: string): number {
  const n = s.length;
  if (n !== 19 && !(n === 20 && s.charCodeAt(19) === 90)) return -1;
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return -1;
  const h = twoDigits(s, 11);
  const m = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (h < 0 || m < 0 || sec < 0) return -1;
  if (h > 23 || m > 59 || sec > 59) return -2;
  return ((h * 60 + m) * 60 + sec) * 1000;
}

function trimmed(raw: string): string {
  const n = raw.length;
  return n > 0 && raw.charCodeAt(0) > 32 && raw.charCodeAt(n - 1) > 32 ? raw : raw.trim();
}

/**
 * The UTC midnight (epoch ms) of the calendar day written in `raw`, or NaN (also for empty).
 * A midnight time (`31/12/1985 00:00`, as spreadsheets often add) is accepted.
 */
export function parseDate(raw: string, order: DateOrder = 'dmy'): number {
  if (raw.length === 10) {
    const fixed = fixedDay(raw, order);
    if (fixed !== NOT_FIXED) return fixed * DAY_MS;
  }
  if (!scan(trimmed(raw))) return NaN;
  const day = scannedDay(order);
  if (Number.isNaN(day)) return NaN;
  // A time that is not midnight UTC makes it an instant, not a day.
  if (hasTime && scannedTime() !== 0) return NaN;
  return day * DAY_MS;
}

/**
 * The instant (epoch ms) written in `raw`. A value with `Z`, `UTC`, `GMT` or an offset keeps
 * it; one without is a wall-clock time in `zone` (UTC when none is given), so `2026-09-30 00:30`
 * in Europe/Paris is 2026-09-29T22:30Z. A wall time skipped or repeated by a DST change follows
 * ZoneClock.wallToInstant (docs/segments.md). A date alone is its midnight.
 */
export function parseDateTime(raw: string, order: DateOrder = 'dmy', zone?: WallClockZone): number {
  const n = raw.length;
  if (n === 10 || n === 19 || n === 20) {
    const fixed = fixedDay(raw, order);
    if (fixed !== NOT_FIXED && n === 10) return local(fixed * DAY_MS, zone);
    const time = fixed !== NOT_FIXED ? fixedTime(raw) : -1;
    if (time === -2) return NaN;
    if (time >= 0) return n === 20 ? fixed * DAY_MS + time : local(fixed * DAY_MS + time, zone);
  }
  if (!scan(trimmed(raw))) return NaN;
  const day = scannedDay(order);
  if (Number.isNaN(day)) return NaN;
  const t = scannedTime();
  if (Number.isNaN(t)) return NaN;
  return hasZone ? day * DAY_MS + t : local(day * DAY_MS + t, zone);
}

/** The instant of a wall-clock time (written as UTC ms) in `zone`; UTC without one. */
function local(wall: number, zone: WallClockZone | undefined): number {
  return zone ? zone.wallToInstant(wall) : wall;
}

/** Whether `raw` has a time of day other than midnight (what makes a column datetime). */
export function hasTimeOfDay(raw: string): boolean {
  if (!scan(trimmed(raw)) || !hasTime) return false;
  const t = scannedTime();
  return !Number.isNaN(t) && t !== 0;
}

/** Which orders can read the a/b/yyyy dates of a value: used by inference. */
export function dateOrdersOf(raw: string): { dmy: boolean; mdy: boolean; iso: boolean } | null {
  if (!scan(trimmed(raw))) return null;
  if (aLen === 4) {
    return Number.isNaN(scannedDay('ymd')) ? null : { dmy: true, mdy: true, iso: true };
  }
  const dmy = !Number.isNaN(scannedDay('dmy'));
  const mdy = !Number.isNaN(scannedDay('mdy'));
  return dmy || mdy ? { dmy, mdy, iso: false } : null;
}
