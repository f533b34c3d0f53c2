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

/** The stored report's CSV text, kept for the last import whose rows were paged through. */
const lastReport = new WeakMap<SliceDb, { importId: string; csv: string }>();

/** Undoes write-csv's formula neutralisation (a leading `'` before = + - @ tab CR). */
function unneutralise(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * A page of an import's rejected rows as data (line, column, reason), read from the stored
 * report in the engine so that the page never parses CSV. Only the records up to the end of the
 * page are parsed; the total comes from the import record (the report holds exactly its
 * `rejected` rows), or from a full parse for a report whose record is gone.
 */
export async function readRejectedRows(
  db: SliceDb,
  importId: string,
  page: { offset: number; limit: number }
): Promise<{ total: number; rows: RejectedRow[] }> {
  const offset = Math.max(0, Math.floor(page.offset) || 0);
  const limit = Math.max(0, Math.floor(page.limit) || 0);
  const record = await db.imports.get(importId);
  let csv: string | null;
  const cached = lastReport.get(db);
  if (cached && cached.importId === importId && record) {
    csv = cached.csv;
  } else {
    csv = await getRejectedCsv(db, importId);
    if (csv === null) {
      lastReport.delete(db);
      return { total: 0, rows: [] };
    }
    lastReport.set(db, { importId, csv });
  }
  const known = record ? record.rejected : null;
  const wanted = known === null ? 0 : Math.min(offset + limit, known);
  if (known !== null && wanted <= offset) return { total: known, rows: [] };
  // The header is record 0; preview 0 parses everything (to count, when the total is unknown).
  const parsed = Papa.parse<string[]>(csv, {
    delimiter: ',',
    newline: '\r\n',
    skipEmptyLines: true,
    preview: known === null ? 0 : wanted + 1
  });
  const records = parsed.data.slice(1);
  const rows: RejectedRow[] = [];
  for (const cells of records.slice(offset, offset + limit)) {
    // Reasons are the engine's own text and never start with a formula character, but some
    // start with a quote ('x' is not a number): only the column name may have been neutralised.
    const row: RejectedRow = { line: Number(cells[0]), reason: cells[2] ?? '' };
    const column = unneutralise(cells[1] ?? '');
    if (column !== '') row.column = column;
    rows.push(row);
  }
  return { total: known ?? records.length, rows };
}
