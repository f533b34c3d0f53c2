/**
 * A column cell as people read it: strings, numbers, booleans, ISO dates (yyyy-mm-dd) and ISO
 * datetimes, null for empty. `entry` reads a dictionary entry (the engine's may be packed).
 */
import { civilFromDays, DAY_MS } from './calendar';
import type { Column, FieldType, StringColumn } from './types';

export type Cell = string | number | boolean | null;

/** Years 0000–9999 in ms: beyond them toISOString writes ±YYYYYY, so Date formats those. */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
const pad4 = (n: number) => (n < 10 ? '000' : n < 100 ? '00' : n < 1000 ? '0' : '') + n;

/**
 * yyyy-mm-dd of a UTC day number by the calendar's integer arithmetic: an export formats a
 * date per row, and a Date object per cell cost most of the export's time.
 */
function civilDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return pad4(year) + '-' + pad2(month) + '-' + pad2(day);
}

/** The same text as `new Date(ms).toISOString().slice(0, 10)`. */
export function isoDate(ms: number): string {
  if (ms < FIRST_MS || ms > LAST_MS || !Number.isInteger(ms))
    return new Date(ms).toISOString().slice(0, 10);
  return civilDate(Math.floor(ms / DAY_MS));
}

/** The same text as `new Date(ms).toISOString()`. */
export function isoDateTime(ms: number): string {
  if (ms < FIRST_MS || ms > LAST_MS || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const min = Math.floor(rest / 60_000);
  rest -= min * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${civilDate(days)}T${pad2(h)}:${pad2(min)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}

/** Whether isoDate and isoDateTime write ms by integer arithmetic: years 0000–9999, whole ms. */
export function inIsoYears(ms: number): boolean {
  return ms >= FIRST_MS && ms <= LAST_MS && Number.isInteger(ms);
}

const YMD_WINDOW = 1 << 17;

/** Char code of the digit `n % 10`. */
const digit = (n: number) => 48 + (n % 10);

/**
 * isoDate (or isoDateTime) for the many cells of an export, for ms where inIsoYears holds.
 * Each text is made flat in one String.fromCharCode call: concatenated pieces make a tree of
 * strings (a "cons" string) that every later join has to walk again. Each day's year, month and
 * day are computed once (a column holds few distinct days), kept by day in a typed array (a Map
 * of number keys was slower). On contacts-1m, registered_at alone: 736 ms with isoDateTime and
 * spreadsheetCell per cell, 588 ms with digit tables and a Map; the whole export's figures, flat
 * texts included, are in members-csv.ts.
 */
export function isoFormatter(withTime: boolean): (ms: number) => string {
  // year·10000 + month·100 + day by day, over a window of about 360 years around the first
  // day seen (0: not computed yet); days outside it are computed each time.
  const ymd = new Int32Array(YMD_WINDOW);
  let base = NaN;
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    if (base !== base) base = day - YMD_WINDOW / 2;
    const slot = day - base;
    let packed = slot >= 0 && slot < YMD_WINDOW ? ymd[slot] : 0;
    if (packed === 0) {
      const c = civilFromDays(day);
      packed = c.year * 10000 + c.month * 100 + c.day;
      if (slot >= 0 && slot < YMD_WINDOW) ymd[slot] = packed;
    }
    const y = Math.floor(packed / 10000);
    const mo = Math.floor(packed / 100) % 100;
    const d = packed % 100;
    const y0 = digit(Math.floor(y / 1000));
    const y1 = digit(Math.floor(y / 100));
    const y2 = digit(Math.floor(y / 10));
    const y3 = digit(y);
    const mo0 = digit(Math.floor(mo / 10));
    const d0 = digit(Math.floor(d / 10));
    if (!withTime) return String.fromCharCode(y0, y1, y2, y3, 45, mo0, digit(mo), 45, d0, digit(d));
    let rest = ms - day * DAY_MS;
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const min = Math.floor(rest / 60_000);
    rest -= min * 60_000;
    const sec = Math.floor(rest / 1000);
    rest -= sec * 1000;
    return String.fromCharCode(
      y0,
      y1,
      y2,
      y3,
      45,
      mo0,
      digit(mo),
      45,
      d0,
      digit(d),
      84,
      digit(Math.floor(h / 10)),
      digit(h),
      58,
      digit(Math.floor(min / 10)),
      digit(min),
      58,
      digit(Math.floor(sec / 10)),
      digit(sec),
      46,
      digit(Math.floor(rest / 100)),
      digit(Math.floor(rest / 10)),
      digit(rest),
      90
    );
  };
}

export function readCell(
  column: Column,
  type: FieldType,
  row: number,
  entry: (column: StringColumn, code: number) => string = (c, code) => c.dict[code]
): Cell {
  if (column.kind === 'string') {
    const code = column.codes[row];
    return code === 0 ? null : entry(column, code);
  }
  if (column.kind === 'boolean') {
    const v = column.values[row];
    return v === 0 ? null : v === 2;
  }
  const v = column.values[row];
  if (Number.isNaN(v)) return null;
  // Beyond ±8.64e15 ms a Date is invalid; show the raw number rather than throw.
  if (Math.abs(v) > 8.64e15) return v;
  if (type === 'date') return isoDate(v);
  if (type === 'datetime') return isoDateTime(v);
  return v;
}
