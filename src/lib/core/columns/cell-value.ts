/**
 * A column cell as people read it: strings, numbers, booleans, ISO dates (yyyy-mm-dd) and ISO
 * datetimes, null for empty. `entry` reads a dictionary entry (the engine's may be packed).
 */
import type { Column, FieldType, StringColumn } from './types';

export type Cell = string | number | boolean | null;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
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
  if (type === 'datetime') return new Date(v).toISOString();
  return v;
}
