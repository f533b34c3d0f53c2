/**
 * The suppression list as CSV: export (email, reason, added, note) and import of any CSV with
 * an "email" column (or addresses in the first column, one per line), with an optional
 * "reason" column. Invalid addresses are reported by line, not imported.
 */
import Papa from 'papaparse';
import { isValidEmail, normaliseEmail } from '../csv/email';
import { toCsv } from '../csv/write-csv';

export const SUPPRESSION_REASONS = [
  'hard_bounce',
  'soft_bounces',
  'unsubscribed',
  'complained',
  'rejected',
  'manual'
] as const;

export type SuppressionReasonName = (typeof SUPPRESSION_REASONS)[number];

export const SUPPRESSION_REASON_LABELS: Record<SuppressionReasonName, string> = {
  hard_bounce: 'Hard bounce',
  soft_bounces: 'Soft bounces in a row',
  unsubscribed: 'Unsubscribed',
  complained: 'Complaint',
  rejected: 'Rejected by the server',
  manual: 'Added by hand'
};

export interface SuppressionEntry {
  email: string;
  reason: SuppressionReasonName;
  addedAt: string;
  note: string;
}

export interface SuppressionImport {
  entries: { email: string; reason: SuppressionReasonName }[];
  problems: { line: number; message: string }[];
}

export function suppressionCsv(entries: readonly SuppressionEntry[]): string {
  return toCsv(
    ['email', 'reason', 'added_at', 'note'],
    entries.map((e) => [e.email, e.reason, e.addedAt, e.note])
  );
}

export function readSuppressionCsv(text: string): SuppressionImport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const rows = parsed.data;
  const problems: SuppressionImport['problems'] = [];
  const entries: SuppressionImport['entries'] = [];
  if (rows.length === 0) return { entries, problems };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const hasHeader = header.includes('email');
  const emailAt = hasHeader ? header.indexOf('email') : 0;
  const reasonAt = hasHeader ? header.indexOf('reason') : -1;
  const seen = new Set<string>();
  rows.slice(hasHeader ? 1 : 0).forEach((row, i) => {
    const line = i + (hasHeader ? 2 : 1);
    const email = normaliseEmail(row[emailAt] ?? '');
    if (!isValidEmail(email)) {
      problems.push({
        line,
        message: `Line ${line}: "${row[emailAt] ?? ''}" is not an email address.`
      });
      return;
    }
    const rawReason = reasonAt >= 0 ? (row[reasonAt] ?? '').trim().toLowerCase() : '';
    const reason = (SUPPRESSION_REASONS as readonly string[]).includes(rawReason)
      ? (rawReason as SuppressionReasonName)
      : 'manual';
    if (seen.has(email)) return;
    seen.add(email);
    entries.push({ email, reason });
  });
  return { entries, problems };
}
