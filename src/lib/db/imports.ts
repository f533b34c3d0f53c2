/**
 * Import records (the history a campaign shows) and their rejected-rows reports, kept apart so
 * that listing imports never loads a report.
 */
import Papa from 'papaparse';
import type { ImportRecord, RejectedRow } from '$lib/engine/api';
import type { SliceDb } from './slice-db';

export type ImportRow = ImportRecord;

export interface RejectedReportRow {
  importId: string;
  campaignId: string;
  /** The downloadable CSV (line, column, reason, raw line). */
  csv: string;
  /**
   * The same rows as data, for the page to show page by page without parsing the CSV (not
   * indexed: no schema version). Absent in reports stored before; readRejectedRows adds it.
   */
  rows?: RejectedRow[];
}

export const INTERRUPTED_MESSAGE =
  'Interrupted: the tab was closed during the import; the campaign is unchanged.';

/** The record of an import that has just started: nothing read yet, no outcome. */
export function runningImportRow(
  start: Pick<ImportRow, 'id' | 'campaignId' | 'kind' | 'fileName' | 'startedAt'>
): ImportRow {
  // Spelled out in the stored order, which backups keep.
  return {
    id: start.id,
    campaignId: start.campaignId,
    kind: start.kind,
    fileName: start.fileName,
    status: 'running',
    startedAt: start.startedAt,
    finishedAt: null,
    message: null,
    rowsRead: 0,
    added: 0,
    updated: 0,
    skipped: 0,
    rejected: 0
  };
}

export async function listImportRows(db: SliceDb, campaignId: string): Promise<ImportRow[]> {
  const rows = await db.imports.where('campaignId').equals(campaignId).toArray();
  return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export async function getRejectedCsv(db: SliceDb, importId: string): Promise<string | null> {
  return (await db.rejectedReports.get(importId))?.csv ?? null;
}

/** Undoes write-csv's formula neutralisation (a leading `'` before = + - @ tab CR). */
function unneutralise(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** The rows of a report stored before reports kept them: read once from its CSV. */
function rowsOfReportCsv(csv: string): RejectedRow[] {
  const records = Papa.parse<string[]>(csv, {
    delimiter: ',',
    newline: '\r\n',
    skipEmptyLines: true
  }).data.slice(1);
  return records.map((cells) => {
    // Reasons are the engine's own text and never start with a formula character, but some
    // start with a quote ('x' is not a number): only the column name may have been neutralised.
    const row: RejectedRow = { line: Number(cells[0]), reason: cells[2] ?? '' };
    const column = unneutralise(cells[1] ?? '');
    if (column !== '') row.column = column;
    return row;
  });
}

/** The rows of a report as they are stored (line, column, reason), for paging. */
export function reportRows(rows: readonly RejectedRow[]): RejectedRow[] {
  return rows.map((r) =>
    r.column === undefined
      ? { line: r.line, reason: r.reason }
      : { line: r.line, column: r.column, reason: r.reason }
  );
}

/**
 * A page of an import's rejected rows as data (line, column, reason), sliced from the rows the
 * report stores. A report stored before reports kept their rows (older versions, backups made
 * by them) has them read from its CSV once and stored.
 */
export async function readRejectedRows(
  db: SliceDb,
  importId: string,
  page: { offset: number; limit: number }
): Promise<{ total: number; rows: RejectedRow[] }> {
  const offset = Math.max(0, Math.floor(page.offset) || 0);
  const limit = Math.max(0, Math.floor(page.limit) || 0);
  const report = await db.rejectedReports.get(importId);
  if (!report) return { total: 0, rows: [] };
  let rows = report.rows;
  if (rows === undefined) {
    rows = rowsOfReportCsv(report.csv);
    await db.rejectedReports.update(importId, { rows });
  }
  return { total: rows.length, rows: rows.slice(offset, offset + limit) };
}
