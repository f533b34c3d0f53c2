/**
 * CSV written in pieces: a header line, then rows joined into chunks of a bounded size, so a
 * million-row export becomes a list of Blob parts (or stdout writes) and never one huge string.
 * Cells go through spreadsheetCell (RFC 4180 quoting, formula starts neutralised).
 */
import { spreadsheetCell } from './write-csv';

export type CsvCell = string | number | boolean | null;

/** Rows per chunk: about a megabyte for typical contact rows. */
export const CSV_CHUNK_ROWS = 8192;

/**
 * The CSV text of `headers` and the `rowCount` rows that `rowAt(i, out)` fills (out is reused:
 * one array per call, not per row), as chunks of at most `chunkRows` lines, CRLF line ends.
 */
export function* csvChunks(
  headers: string[],
  rowCount: number,
  rowAt: (index: number, out: CsvCell[]) => void,
  chunkRows = CSV_CHUNK_ROWS
): Generator<string> {
  const cells: CsvCell[] = new Array(headers.length).fill(null);
  const line: string[] = new Array(headers.length);
  yield* csvLineChunks(
    headers.map(spreadsheetCell).join(','),
    rowCount,
    (i) => {
      rowAt(i, cells);
      for (let c = 0; c < headers.length; c++) line[c] = spreadsheetCell(cells[c]);
      return line.join(',');
    },
    chunkRows
  );
}

/**
 * The same chunking for callers that write each line themselves (already quoted and
 * neutralised): `headerLine`, then `lineAt(i)` for every row, CRLF line ends.
 */
export function* csvLineChunks(
  headerLine: string,
  rowCount: number,
  lineAt: (index: number) => string,
  chunkRows = CSV_CHUNK_ROWS
): Generator<string> {
  const lines: string[] = [headerLine];
  for (let i = 0; i < rowCount; i++) {
    lines.push(lineAt(i));
    if (lines.length >= chunkRows) yield chunkText(lines);
  }
  if (lines.length > 0) yield chunkText(lines);
}

/**
 * The lines as one flat string, each ended by CRLF, and `lines` emptied. The last line end is
 * joined in rather than appended: `join() + '\r\n'` makes a two-part (cons) string, which
 * Blob and TextEncoder copy flat again before encoding (4 ms against 16 ms for 13.6 MB, Node 20).
 */
function chunkText(lines: string[]): string {
  lines.push('');
  const text = lines.join('\r\n');
  lines.length = 0;
  return text;
}
