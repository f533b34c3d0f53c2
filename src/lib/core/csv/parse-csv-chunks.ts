/**
 * Streaming CSV parsing: text arrives in chunks from any async source (a Blob reader in the
 * worker or in Node), the incomplete last record of a chunk is carried over to the next, and
 * every record gets the 1-based line of the file where it starts (quoted newlines included), so
 * that rejected rows can be reported precisely. Records are read by tokenize-csv.ts, which reads
 * what papaparse reads (tested against it) in half the time.
 */
import { CsvReadError } from './read-blob-text';
import { tokenizeCsv } from './tokenize-csv';
import type { Delimiter, FileProblem } from './types';

/** The first line end outside quotes, or null when `text` does not show it yet. */
function firstNewline(text: string): '\n' | '\r\n' | '\r' | null {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes && c === 10) return '\n';
    else if (!inQuotes && c === 13) {
      if (i + 1 === text.length) return null; // a CRLF may be cut here
      return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
    }
  }
  return null;
}

/** Newline of the file, from the first line end outside quotes. */
export function detectNewline(text: string): '\n' | '\r\n' | '\r' {
  return firstNewline(text) ?? (text.endsWith('\r') ? '\r' : '\n');
}

function isBlank(row: string[]): boolean {
  for (let i = 0; i < row.length; i++) if (row[i].trim() !== '') return false;
  return true;
}

// Above this many carried-over characters (a record that does not end: an unclosed quote,
// usually), parse again only when the pending text has doubled, to stay linear.
const LONG_CARRY = 4 << 20;
// Records are handed over in batches of about this many characters: short-lived batches die
// young instead of being copied by the garbage collector (a 1 MiB batch survives scavenges).
const PIECE = 64 * 1024;

interface Batch {
  rows: string[][];
  lines: number[];
}

/**
 * Parses CSV text fed chunk by chunk. `push` returns the complete records of what it has so
 * far; `end` returns the rest. A malformed quote becomes `problem` and stops the parser.
 */
export class CsvChunkParser {
  private newline: '\n' | '\r\n' | '\r' | null = null;
  private readonly delimiterCode: number;
  /** Text not parsed yet starts at `pos` (a record start, on line `line`). */
  private text = '';
  private pos = 0;
  private line = 1;
  private retryAt = 0;
  problem: FileProblem | undefined;

  constructor(delimiter: Delimiter) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  push(chunk: string): Batch {
    this.feed(chunk);
    return this.take(false, Infinity).batch;
  }

  end(): Batch {
    return this.take(true, Infinity).batch;
  }

  /** Adds text to parse; records are then read with take(). */
  feed(chunk: string): void {
    const rest = this.pos === 0 ? this.text : this.text.slice(this.pos);
    this.text = rest ? rest + chunk : chunk;
    this.pos = 0;
  }

  /**
   * The next complete records of the text fed so far (all of it when `final`), about `limit`
   * characters of them; `more` when the limit stopped it.
   */
  take(final: boolean, limit: number): { batch: Batch; more: boolean } {
    const none = { batch: { rows: [], lines: [] }, more: false };
    const text = this.text;
    const pos = this.pos;
    if (this.problem || pos >= text.length) return none;
    if (!this.newline) {
      // Wait for the first line end: it says which one the file uses.
      if (!final && firstNewline(text) === null) return none;
      this.newline = detectNewline(text);
    }
    const pending = text.length - pos;
    if (!final && pending > LONG_CARRY && pending < this.retryAt) return none;
    const r = tokenizeCsv(text, pos, this.line, this.delimiterCode, this.newline, final, limit);
    if (r.error) {
      const line = r.error.line;
      this.problem =
        r.error.kind === 'missing'
          ? {
              message: `unterminated quoted field: the quote opened on line ${line} is never closed`,
              line
            }
          : {
              message: `malformed quoted field on line ${line}: a closing quote must be followed by the delimiter or the end of the line (write a quote inside a quoted field as "")`,
              line
            };
      return none;
    }
    this.pos = final ? text.length : r.end;
    this.line = r.endLine;
    const more = !final && r.end - pos >= limit && r.end < text.length;
    if (!more) this.retryAt = (text.length - this.pos) * 2;
    if (this.pos >= text.length) {
      this.text = '';
      this.pos = 0;
    }
    // Blank lines are skipped; they still count in the line numbers.
    const { rows, lines } = r;
    let kept = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const first = row[0];
      if ((first.length === 0 || first.charCodeAt(0) <= 32) && isBlank(row)) continue;
      rows[kept] = row;
      lines[kept] = lines[i];
      kept++;
    }
    rows.length = kept;
    lines.length = kept;
    return { batch: { rows, lines }, more };
  }
}

/**
 * Parses an async source of text chunks, calling `onRows` with each batch of records (the first
 * record delivered is the header, line 1) and their lines. Stops early on a file-level problem
 * or when `signal.cancelled` turns true between chunks.
 */
export async function parseCsvChunks(
  chunks: AsyncIterable<string>,
  opts: { delimiter: Delimiter; signal?: { cancelled: boolean } },
  onRows: (rows: string[][], lines: number[]) => void | Promise<void>
): Promise<{ rows: number; problem?: FileProblem; cancelled?: boolean }> {
  const parser = new CsvChunkParser(opts.delimiter);
  let rows = 0;
  try {
    for await (const chunk of chunks) {
      if (opts.signal?.cancelled) return { rows, cancelled: true };
      parser.feed(chunk);
      for (;;) {
        const { batch, more } = parser.take(false, PIECE);
        if (parser.problem) return { rows, problem: parser.problem };
        if (batch.rows.length) {
          rows += batch.rows.length;
          await onRows(batch.rows, batch.lines);
        }
        if (!more) break;
      }
    }
  } catch (e) {
    if (e instanceof CsvReadError) return { rows, problem: e.problem };
    throw e;
  }
  if (opts.signal?.cancelled) return { rows, cancelled: true };
  const last = parser.end();
  if (parser.problem) return { rows, problem: parser.problem };
  if (last.rows.length) {
    rows += last.rows.length;
    await onRows(last.rows, last.lines);
  }
  return { rows };
}
