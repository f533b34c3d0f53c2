/**
 * A lean CSV record scanner for very large, mostly plain files (provider event exports of
 * millions of rows): records are found with indexOf, and a record's cells are kept as offsets
 * into the text — a cell becomes a string only when the caller asks for it. A record with a
 * quote anywhere is read cell by cell with RFC 4180 rules (the way papaparse reads them: a
 * quote opens a quoted cell only at the start of a field, `""` inside is a quote). Line ends
 * may be `\n`, `\r\n` or `\r`, mixed. Unlike parseCsvChunks it builds no array per row, which
 * at five million rows is most of the time and garbage the general parser costs.
 */
import { readSepHint, SEP_HINT_MAX } from './sep-hint';
import type { Delimiter, FileProblem } from './types';

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** The record being read: its cells by index, and the file line it starts on. */
export class CsvRecord {
  /** 1-based line of the file where the record starts. */
  line = 0;
  /** Cells in this record. */
  length = 0;
  private text = '';
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  /** Unquoted values of a record read cell by cell (null: cells are plain offsets). */
  private values: string[] | null = null;

  /** Cell `i`, trimmed; '' when the record has no such cell. */
  cell(i: number): string {
    if (i < 0 || i >= this.length) return '';
    if (this.values) return this.values[i].trim();
    const s = this.starts[i];
    const e = this.ends[i];
    if (s === e) return '';
    // Cells rarely carry spaces: check the ends before trimming a copy.
    const first = this.text.charCodeAt(s);
    const last = this.text.charCodeAt(e - 1);
    const cut = this.text.slice(s, e);
    return first <= 32 || last <= 32 ? cut.trim() : cut;
  }

  /** Every cell (for reports of rejected rows). */
  cells(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.cell(i));
    return out;
  }

  /** Whether every cell is blank (looked at in place: no cell is copied). */
  blank(): boolean {
    if (this.values) {
      for (let i = 0; i < this.length; i++) if (this.values[i].trim() !== '') return false;
      return true;
    }
    const text = this.text;
    for (let i = 0; i < this.length; i++)
      for (let k = this.starts[i]; k < this.ends[i]; k++) if (text.charCodeAt(k) > 32) return false;
    return true;
  }

  setPlain(text: string, line: number): void {
    this.text = text;
    this.line = line;
    this.values = null;
    this.length = 0;
  }

  pushCell(start: number, end: number): void {
    if (this.length === this.starts.length) {
      const s = new Int32Array(this.length * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Int32Array(this.length * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  setValues(values: string[], line: number): void {
    this.values = values;
    this.length = values.length;
    this.line = line;
  }
}

/**
 * Reads a quoted record starting at `pos` of `text`; returns the values and the position after
 * the record's line end, or null when the record does not end within `text` (unless `final`),
 * or a problem for a quote that never closes.
 */
function readQuoted(
  text: string,
  pos: number,
  delim: number,
  final: boolean
): { values: string[]; next: number; lines: number } | null | { problem: string } {
  const values: string[] = [];
  let lines = 0;
  let i = pos;
  const n = text.length;
  for (;;) {
    // At the start of a field.
    if (i < n && text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      let j = from;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          if (!final) return null;
          return { problem: 'a quoted cell is never closed (a " is missing)' };
        }
        if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1);
          from = j = q + 2;
          continue;
        }
        if (q + 1 >= n && !final) return null;
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) === LF) lines++;
      // Text after the closing quote, up to the delimiter, belongs to the cell (lenient).
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === delim || c === LF || c === CR) break;
        k++;
      }
      value += text.slice(i, k);
      i = k;
      values.push(value);
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === delim || c === LF || c === CR) break;
        k++;
      }
      values.push(text.slice(i, k));
      i = k;
    }
    if (i >= n) {
      if (!final) return null;
      return { values, next: n, lines };
    }
    const c = text.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 >= n && !final) return null;
      i += i + 1 < n && text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i++;
    return { values, next: i, lines: lines + 1 };
  }
}

/**
 * Calls `onRecord` for every record of the text `chunks` (the header included; blank lines and
 * a first-line `sep=` hint are not records). Returning false from onRecord stops the scan.
 * Returns the records read, or the problem that stopped the file.
 */
export async function scanCsvRecords(
  chunks: AsyncIterable<string>,
  delimiter: Delimiter,
  onRecord: (record: CsvRecord) => boolean | void,
  /**
   * `midFile`: the text is a later part of a file, cut at a line end (a `sep=` hint can only
   * open a file, so none is looked for); its lines are numbered from 1 all the same.
   */
  part: { midFile?: boolean } = {}
): Promise<{ records: number; problem?: FileProblem; nextLine: number }> {
  const delim = delimiter.charCodeAt(0);
  const record = new CsvRecord();
  let carry = '';
  let line = 1;
  let records = 0;
  let first = part.midFile !== true;
  let stopped = false;

  /**
   * Reads the complete records of `text` from `pos` on; returns where the incomplete rest
   * starts.
   */
  const consume = (text: string, final: boolean, start = 0): number | { problem: FileProblem } => {
    let pos = start;
    const n = text.length;
    let quote = text.indexOf('"');
    let cr = text.indexOf('\r');
    while (pos < n && !stopped) {
      let lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      let end: number; // end of the record's content
      let next: number; // start of the next record
      if (lf === -1) lf = n;
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      if (quote !== -1 && quote < lf && (cr === -1 || quote < cr)) {
        const read = readQuoted(text, pos, delim, final);
        if (read === null) return pos;
        if ('problem' in read) return { problem: { line, message: read.problem } };
        record.setValues(read.values, line);
        line += read.lines;
        pos = read.next;
        records++;
        if (onRecord(record) === false) stopped = true;
        continue;
      }
      if (cr !== -1 && cr < lf) {
        // `\r\n` or a lone `\r` ends the line.
        if (cr + 1 >= n && !final) return pos;
        end = cr;
        next = cr + 1 < n && text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      } else if (lf < n) {
        end = lf;
        next = lf + 1;
      } else {
        if (!final) return pos;
        end = n;
        next = n;
      }
      if (end > pos) {
        record.setPlain(text, line);
        let s = pos;
        for (;;) {
          const d = text.indexOf(delimiter, s);
          if (d === -1 || d >= end) {
            record.pushCell(s, end);
            break;
          }
          record.pushCell(s, d);
          s = d + 1;
        }
        if (!record.blank()) {
          records++;
          if (onRecord(record) === false) stopped = true;
        }
      }
      line++;
      pos = next;
    }
    return pos;
  };

  for await (const chunk of chunks) {
    if (!first && carry !== '' && carry.indexOf('"') === -1) {
      // The carried-over part of a record ends at the chunk's first line end: read that record
      // on its own, then the chunk itself. Never `carry + chunk`: V8 keeps such a concatenation
      // as a rope, and searching a rope record by record costs a copy of the chunk each time.
      const lf = chunk.indexOf('\n');
      if (lf !== -1) {
        const head = carry + chunk.slice(0, lf + 1);
        const done = consume(head, false);
        if (typeof done !== 'number') return { records, problem: done.problem, nextLine: line };
        if (stopped) return { records, nextLine: line };
        if (done !== head.length) carry = head.slice(done) + chunk.slice(lf + 1);
        else {
          const at = consume(chunk, false, lf + 1);
          if (typeof at !== 'number') return { records, problem: at.problem, nextLine: line };
          if (stopped) return { records, nextLine: line };
          carry = at === chunk.length ? '' : chunk.slice(at);
        }
        continue;
      }
    }
    let text = carry === '' ? chunk : carry + chunk;
    if (first) {
      if (text.length < SEP_HINT_MAX) {
        carry = text;
        continue;
      }
      first = false;
      const hint = readSepHint(text);
      if (hint?.problem) return { records, problem: hint.problem, nextLine: line };
      if (hint) {
        text = text.slice(hint.length);
        line++;
      }
    }
    const at = consume(text, false);
    if (typeof at !== 'number') return { records, problem: at.problem, nextLine: line };
    if (stopped) return { records, nextLine: line };
    carry = at === text.length ? '' : text.slice(at);
  }
  if (first && carry !== '') {
    const hint = readSepHint(carry);
    if (hint?.problem) return { records, problem: hint.problem, nextLine: line };
    if (hint) {
      carry = carry.slice(hint.length);
      line++;
    }
  }
  if (carry !== '' && !stopped) {
    const at = consume(carry, true);
    if (typeof at !== 'number') return { records, problem: at.problem, nextLine: line };
  }
  return { records, nextLine: line };
}
