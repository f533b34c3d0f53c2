/**
 * The members of a segment as CSV for people: the chosen columns of the contact rows given,
 * in chunks (csv-stream.ts), cells as the contacts browser shows them, formula starts
 * neutralised. Shared by the app's export, the command line and the benchmark.
 */
import { readCell } from '../columns/cell-value';
import type { ContactTable, StringColumn } from '../columns/types';
import { csvChunks } from './csv-stream';

export function memberCsvChunks(
  contacts: ContactTable,
  rows: ArrayLike<number>,
  columns: string[],
  entry?: (column: StringColumn, code: number) => string
): Generator<string> {
  const fields = columns.map((name) => {
    const field = contacts.fields.find((f) => f.name === name);
    if (!field || !contacts.columns[name]) throw new Error(`No field named “${name}”.`);
    return field;
  });
  const cols = fields.map((f) => contacts.columns[f.name]);
  return csvChunks(columns, rows.length, (i, out) => {
    const r = rows[i];
    for (let c = 0; c < cols.length; c++) out[c] = readCell(cols[c], fields[c].type, r, entry);
  });
}
