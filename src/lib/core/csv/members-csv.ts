/**
 * The members of a segment as CSV for people: the chosen columns of the contact rows given,
 * in chunks (csv-stream.ts), cells as the contacts browser shows them, formula starts
 * neutralised. Shared by the app's export, the command line and the benchmark.
 *
 * Each column gets its own cell writer, and a dictionary entry is quoted and neutralised once
 * per code, not once per row. Measured with export-members-1m at 100,000 rows × 20 columns,
 * one process: 442 ms with a cell array per row and Date#toISOString, 295 ms with the integer
 * date formatter (cell-value.ts), 272 ms with the per-column writers; a memo of formatted
 * dates and building lines with `+=` were both slower, and a memo of repeated numbers made no
 * difference (478 vs 473 ms): all three were dropped.
 *
 * Dates and datetimes are written flat by isoFormatter, and plain cells pass one RegExp test:
 * at 1,000,000 rows × 20 columns (contacts-1m imported with the CSV core, chunks into a Blob,
 * 2-core VM shared with other jobs, Node 20, CPU time, best of 3 interleaved) 4,864 ms before,
 * 3,808 ms after. Kept as they were, measured slower: the cells of a whole chunk joined once
 * (one join over 40 strings a row costs more than a join a line and one a chunk), and
 * building a chunk with `+=`.
 */
import { inIsoYears, isoFormatter, readCell } from '../columns/cell-value';
import type { Column, ContactTable, FieldType, StringColumn } from '../columns/types';
import { CSV_CHUNK_ROWS, csvLineChunks } from './csv-stream';
import { spreadsheetCell } from './write-csv';

type Entry = (column: StringColumn, code: number) => string;

function cellWriter(column: Column, type: FieldType, entry: Entry): (row: number) => string {
  if (column.kind === 'string') {
    // Grown as codes appear: a packed dictionary does not know its length up front.
    const written: (string | undefined)[] = [];
    const codes = column.codes;
    return (row) => {
      const code = codes[row];
      if (code === 0) return '';
      return (written[code] ??= spreadsheetCell(entry(column, code)));
    };
  }
  if (column.kind === 'boolean') {
    const values = column.values;
    return (row) => (values[row] === 0 ? '' : values[row] === 2 ? 'true' : 'false');
  }
  if (type === 'date' || type === 'datetime') {
    // The ISO text of years 0000–9999 is digits, `-`, `T`, `:`, `.` and `Z`: a spreadsheet
    // cell as it is. Other instants (and empty ones) take the general path.
    const values = column.values;
    const format = isoFormatter(type === 'datetime');
    return (row) => {
      const v = values[row];
      return inIsoYears(v) ? format(v) : spreadsheetCell(readCell(column, type, row, entry));
    };
  }
  return (row) => spreadsheetCell(readCell(column, type, row, entry));
}

export function memberCsvChunks(
  contacts: ContactTable,
  rows: ArrayLike<number>,
  columns: string[],
  entry: Entry = (c, code) => c.dict[code],
  chunkRows = CSV_CHUNK_ROWS
): Generator<string> {
  const writers = columns.map((name) => {
    const field = contacts.fields.find((f) => f.name === name);
    const column = contacts.columns[name];
    if (!field || !column) throw new Error(`No field named “${name}”.`);
    return cellWriter(column, field.type, entry);
  });
  const header = columns.map(spreadsheetCell).join(',');
  const n = writers.length;
  const line: string[] = new Array(n);
  return csvLineChunks(
    header,
    rows.length,
    (i) => {
      const r = rows[i];
      for (let c = 0; c < n; c++) line[c] = writers[c](r);
      return line.join(',');
    },
    chunkRows
  );
}
