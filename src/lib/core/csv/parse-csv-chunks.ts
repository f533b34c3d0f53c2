/**
 * Streaming CSV parsing on top of papaparse's low-level Parser: text arrives in chunks from any
 * async source (a Blob reader in the worker or in Node), the incomplete last record of a chunk
 * is carried over to the next, and every record gets the 1-based line of the file where it
 * starts (quoted newlines included), so that rejected rows can be reported precisely.
 */
import Papa from 'papaparse';
import { CsvReadError } from './read-blob-text';
import type { Delimiter, FileProblem } from './types';

interface PapaError {
  code: string;
  row: number;
  index: number;
}

interface PapaResult {
  data: string[][];
  errors: PapaError[];
  meta: { cursor: number };
}

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

/** Newline of the file, from the first line end outside quotes (papaparse needs it given). */
export function detectNewline(text: string): '\n' | '\r\n' | '\r' {
  return firstNewline(text) ?? (text.endsWith('\r') ? '\r' : '\n');
}

function countChar(text: string, char: string, from: number, to: number): number {
  let n = 0;
  let i = text.indexOf(char, from);
  while (i !== -1 && i < to) {
    n++;
    i = text.indexOf(char, i + 1);
  }
  return n;
}

function isBlank(row: string[]): boolean {
  for (let i = 0; i < row.length; i++) if (row[i].trim() !== '') return false;
  return true;
}

// Above this many carried-over characters (a record that does not end: an unclosed quote,
// usually), parse again only when the pending text has doubled, to stay linear.
const LONG_CARRY = 4 << 20;
const PIECE = 64 * 1024;

/**
 * Parses CSV text fed chunk by chunk. `push` returns the complete records of what it has so
 * far; `end` returns the rest. A malformed quote becomes `problem` and stops the parser.
 */
export class CsvChunkParser {
  private parser: Papa.Parser | null = null;
  private newline: '\n' | '\r\n' | '\r' = '\n';
  private lineChar = '\n';
  private carry = '';
  private retryAt = 0;
  /** Line of the file where the carried-over text starts. */
  private line = 1;
  problem: FileProblem | undefined;

  constructor(private readonly delimiter: Delimiter) {}

  push(chunk: string): { rows: string[][]; lines: number[] } {
    return this.parse(chunk, false);
  }

  end(): { rows: string[][]; lines: number[] } {
    return this.parse('', true);
  }

  private parse(chunk: string, final: boolean): { rows: string[][]; lines: number[] } {
    const empty = { rows: [], lines: [] };
    if (this.problem) return empty;
    const input = this.carry + chunk;
    if (!this.parser) {
      if (!final && firstNewline(input) === null) {
        // Wait for the first line end: the parser needs to know which one the file uses.
        this.carry = input;
        return empty;
      }
      if (!input) return empty;
      this.newline = detectNewline(input);
      this.lineChar = this.newline === '\r' ? '\r' : '\n';
      // papaparse's typings lack the newline option of the low-level Parser.
      this.parser = new Papa.Parser({
        delimiter: this.delimiter,
        newline: this.newline,
        quoteChar: '"'
      } as Papa.ParseConfig);
    }
    if (!final && input.length > LONG_CARRY && input.length < this.retryAt) {
      this.carry = input;
      return empty;
    }
    const result = this.parser.parse(input, 0, !final) as PapaResult;
    const data = result.data;
    const consumed = final ? input.length : result.meta.cursor;
    // An error in the record carried over may vanish with more text (a CRLF cut after a
    // closing quote looks malformed): it is judged again when that record is complete.
    const quoteError = result.errors.find(
      (e) =>
        (e.code === 'MissingQuotes' || e.code === 'InvalidQuotes') && (final || e.row < data.length)
    );
    if (quoteError) {
      // The error's index is just after the opening quote of the faulty field.
      const at = Math.max(0, Math.min(input.length, quoteError.index - 1));
      const line = this.line + countChar(input, this.lineChar, 0, at);
      this.problem =
        quoteError.code === 'MissingQuotes'
          ? {
              message: `unterminated quoted field: the quote opened on line ${line} is never closed`,
              line
            }
          : {
              message: `malformed quoted field on line ${line}: a closing quote must be followed by the delimiter or the end of the line (write a quote inside a quoted field as "")`,
              line
            };
      return empty;
    }
    this.carry = final ? '' : input.substring(consumed);
    this.retryAt = this.carry.length * 2;
    const lines: number[] = new Array(data.length);
    const newlines = countChar(input, this.lineChar, 0, consumed);
    let line = this.line;
    if (!final && newlines === data.length) {
      // Every record ended with exactly one line end: no quoted newlines in this chunk.
      for (let i = 0; i < data.length; i++) lines[i] = line + i;
    } else {
      const lc = this.lineChar;
      for (let i = 0; i < data.length; i++) {
        lines[i] = line;
        const row = data[i];
        let n = 1;
        for (let j = 0; j < row.length; j++) {
          if (row[j].indexOf(lc) !== -1) n += countChar(row[j], lc, 0, row[j].length);
        }
        line += n;
      }
    }
    this.line += newlines;
    // Blank lines are skipped; they still count in the line numbers above.
    let kept = 0;
    for (let i = 0; i < data.length; i++) {
      const row = data[i];
      const first = row[0];
      if ((first.length === 0 || first.charCodeAt(0) <= 32) && isBlank(row)) continue;
      data[kept] = row;
      lines[kept] = lines[i];
      kept++;
    }
    data.length = kept;
    lines.length = kept;
    return { rows: data, lines };
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
      // Small pieces keep each batch of records short-lived: they die young instead of being
      // copied by the garbage collector (a 1 MiB batch survives several scavenges).
      for (let at = 0; at < chunk.length; at += PIECE) {
        const batch = parser.push(chunk.length <= PIECE ? chunk : chunk.slice(at, at + PIECE));
        if (parser.problem) return { rows, problem: parser.problem };
        if (batch.rows.length) {
          rows += batch.rows.length;
          await onRows(batch.rows, batch.lines);
        }
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
