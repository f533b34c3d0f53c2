/**
 * What both importers (contacts and events) do with the file's records: find the column a
 * field reads, skip the header when a batch starts with it, and keep a rejected record with
 * where it starts, why, and the record as it was in the file.
 */
import type { Delimiter, RejectedRow } from './types';
import { joinCells } from './write-csv';

export interface RejectedRowDetail extends RejectedRow {
  /** The record as it was in the file (cells joined back with the delimiter). */
  raw: string;
}

/** Index of the column a field reads: its source header (exact, then trimmed), or its name. */
export function headerIndex(headers: string[], name: string): number {
  const exact = headers.indexOf(name);
  if (exact !== -1) return exact;
  const trimmed = name.trim();
  return headers.findIndex((h) => h.trim() === trimmed);
}

/**
 * For an importer's addRows, which may be given the file from its first line: how many records
 * of each batch to skip, 1 when the file's first record is the header itself, else 0.
 */
export function headerSkipper(headers: string[]): (rows: string[][]) => number {
  let started = false;
  return (rows) => {
    if (started || rows.length === 0) return 0;
    started = true;
    const first = rows[0];
    return first.length === headers.length && first.every((c, j) => c === headers[j]) ? 1 : 0;
  };
}

/** A rejected record: where it starts, why, and the record as it was in the file. */
export function rejectedRow(
  row: string[],
  line: number,
  column: string | undefined,
  reason: string,
  delimiter: Delimiter
): RejectedRowDetail {
  const r: RejectedRowDetail = { line, reason, raw: joinCells(row, delimiter) };
  if (column !== undefined) r.column = column;
  return r;
}
