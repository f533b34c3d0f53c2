/**
 * A column cell as people read it: strings, numbers, booleans, ISO dates (yyyy-mm-dd) and ISO
 * datetimes, null for empty. `entry` reads a dictionary entry (the engine's may be packed).
 */
import type { Column, FieldType, StringColumn } from './types';

export type Cell = string | number | boolean | null;

const MS_PER_DAY = 86_400_000;
/** Years 0000–9999 in ms: beyond them toISOString writes ±YYYYYY, so Date formats those. */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
const pad4 = (n: number) => (n < 10 ? '000' : n < 100 ? '00' : n < 1000 ? '0' : '') + n;

/**
 * yyyy-mm-dd of a UTC day number, by integer arithmetic (H. Hinnant's civil_from_days): an
 * export formats a date per row, and a Date object per cell cost most of the export's time.
 */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return pad4(y) + '-' + pad2(m) + '-' + pad2(d);
}

/** The same text as `new Date(ms).toISOString().slice(0, 10)`. */
export function isoDate(ms: number): string {
  if (ms < FIRST_MS || ms > LAST_MS || !Number.isInteger(ms))
    return new Date(ms).toISOString().slice(0, 10);
  return civilDate(Math.floor(ms / MS_PER_DAY));
}

/** The same text as `new Date(ms).toISOString()`. */
export function isoDateTime(ms: number): string {
  if (ms < FIRST_MS || ms > LAST_MS || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const min = Math.floor(rest / 60_000);
  rest -= min * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${civilDate(days)}T${pad2(h)}:${pad2(min)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
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
