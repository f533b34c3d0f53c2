/**
 * Import records (the history a campaign shows) and their rejected-rows reports, kept apart so
 * that listing imports never loads a report.
 */
import type { ImportRecord } from '$lib/engine/api';
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

export async function listImportRows(db: SliceDb, campaignId: string): Promise<ImportRow[]> {
  const rows = await db.imports.where('campaignId').equals(campaignId).toArray();
  return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export async function getRejectedCsv(db: SliceDb, importId: string): Promise<string | null> {
  return (await db.rejectedReports.get(importId))?.csv ?? null;
}
