/**
 * Streaming CSV parsing on top of papaparse's low-level Parser: text arrives in chunks from any
 * async source (a Blob reader in the worker or in Node), the incomplete last record of a chunk
 * is carried over to the next, and every record gets the 1-based line of the file where it
 * starts (quoted newlines included), so that rejected rows can be reported precisely.
 *
 * Every line end is a line end: `\r\n`, `\n` and `\r` outside quoted cells are written as
 * `\n` before papaparse (which knows a single newline per file) sees the text, so a file made
 * by concatenating a Windows export and a Unix one reads every row. A first line `sep=;`
 * (Excel's delimiter hint) is not a record.
 */
import Papa from 'papaparse';
import type { PhaseTimes } from './phase-times';
import { countLineBreaks, unifyLineEnds } from './line-ends';
import { CsvReadError } from './read-blob-text';
import { readSepHint, SEP_HINT_MAX } from './sep-hint';
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

function isBlank(row: string[]): boolean {
  for (let i = 0; i < row.length; i++) if (row[i].trim() !== '') return false;
  return true;
}

// Above this many carried-over characters (a record that does not end: an unclosed quote,
// usually), parse again only when the pending text has doubled, to stay linear.
const LONG_CARRY = 4 << 20;
// Parsed and imported in pieces of 16 KiB: at 1M contacts in Node, 9.4 s of CPU and 22 s wall
// against 9.9 s and 35 s for 64 KiB pieces (medians of 5 and 3 runs on the busy 2-core machine;
// fewer records are alive whenever the garbage collector runs).
const PIECE = 16 * 1024;

/**
 * Parses CSV text fed chunk by chunk. `push` returns the complete records of what it has so
 * far; `end` returns the rest. A malformed quote becomes `problem` and stops the parser.
 */
export class CsvChunkParser {
  private parser: Papa.Parser | null = null;
  /** The text after the last complete record, line ends already unified. */
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
    if (this.problem || (chunk === '' && !final)) return empty;
    const input = this.carry + chunk;
    if (!this.parser) {
      // A delimiter hint is one short first line: wait until it is whole (or cannot be one).
      if (!final && input.length < SEP_HINT_MAX && input.indexOf('\n') === -1) {
        this.carry = input;
        return empty;
      }
      const hint = readSepHint(input);
      if (hint?.problem) {
        this.problem = hint.problem;
        return empty;
      }
      this.parser = new Papa.Parser({
        delimiter: this.delimiter,
        // papaparse's typings lack the newline option of the low-level Parser.
        newline: '\n',
        quoteChar: '"'
      } as Papa.ParseConfig);
      if (hint) {
        this.line = 2;
        return this.parseFrom(input.substring(hint.length), final);
      }
    }
    return this.parseFrom(input, final);
  }

  private parseFrom(text: string, final: boolean): { rows: string[][]; lines: number[] } {
    const empty = { rows: [], lines: [] };
    if (!this.parser) return empty;
    let input = text;
    if (!final && input.length > LONG_CARRY && input.length < this.retryAt) {
      this.carry = input;
      return empty;
    }
    // The carry starts at a record boundary, so the unified text does too.
    input = unifyLineEnds(input, this.delimiter, final);
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
      const line = this.line + countLineBreaks(input, 0, at);
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
    const newlines = countLineBreaks(input, 0, consumed);
    let line = this.line;
    if (!final && newlines === data.length) {
      // Every record ended with exactly one line end: no quoted newlines in this chunk.
      for (let i = 0; i < data.length; i++) lines[i] = line + i;
    } else {
      for (let i = 0; i < data.length; i++) {
        lines[i] = line;
        const row = data[i];
        let n = 1;
        for (let j = 0; j < row.length; j++) {
          const cell = row[j];
          if (cell.indexOf('\n') !== -1 || cell.indexOf('\r') !== -1) {
            n += countLineBreaks(cell, 0, cell.length);
          }
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
  opts: { delimiter: Delimiter; signal?: { cancelled: boolean }; phases?: PhaseTimes },
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
        const piece = chunk.length <= PIECE ? chunk : chunk.slice(at, at + PIECE);
        const t0 = performance.now();
        const batch = parser.push(piece);
        opts.phases?.add('parse', performance.now() - t0);
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
