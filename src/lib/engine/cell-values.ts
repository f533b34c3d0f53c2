/**
 * Column cells as the page shows them (core/columns/cell-value.ts), reading the engine's
 * packed dictionaries without splitting them.
 */
import type { Column, FieldType } from '$lib/core/columns/types';
import { readCell } from '$lib/core/columns/cell-value';
import { dictEntry } from '$lib/db/column-chunks';
import type { CellValue } from './api';

export { isoDate } from '$lib/core/columns/cell-value';

export function cellValue(column: Column, type: FieldType, row: number): CellValue {
  return readCell(column, type, row, dictEntry);
}
