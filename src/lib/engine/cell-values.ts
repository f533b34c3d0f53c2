/**
 * Column cells as the page shows them: strings, numbers, booleans, ISO dates (yyyy-mm-dd) and
 * ISO datetimes, null for empty.
 */
import type { Column, FieldType } from '$lib/core/columns/types';
import { dictEntry } from '$lib/db/column-chunks';
import type { CellValue } from './api';

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function cellValue(column: Column, type: FieldType, row: number): CellValue {
  if (column.kind === 'string') {
    const code = column.codes[row];
    return code === 0 ? null : dictEntry(column, code);
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
