/**
 * Excel's delimiter hint: a first line `sep=;` (or `sep=,`, `sep=|`, `sep=<tab>`) names the
 * delimiter of the file and is not part of its data. Excel writes it and reads it; Slice reads
 * it too, in the preview, the import and the command line alike.
 */
import type { Delimiter, FileProblem } from './types';

const DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/** The longest first line a hint can be (`sep=;` and a few trailing spaces). */
export const SEP_HINT_MAX = 16;

const HINT = /^sep=([^\n])[ \t]*(?:\n|\r\n?|$)/i;
/** `sep=` and nothing after it: a hint that names no delimiter (hand-edited, or cut). */
const EMPTY_HINT = /^sep=(?:\n|\r\n?)/i;

export type SepHint =
  /** `length`: characters of the hint line, its line end included. */
  { delimiter: Delimiter; length: number; problem?: undefined } | { problem: FileProblem };

/** The hint at the start of `text` (decoded, after any byte-order mark), or null if none. */
export function readSepHint(text: string): SepHint | null {
  if (text.charCodeAt(0) !== 0x73 && text.charCodeAt(0) !== 0x53) return null; // s or S
  const head = text.length > SEP_HINT_MAX * 2 ? text.slice(0, SEP_HINT_MAX * 2) : text;
  if (EMPTY_HINT.test(head)) {
    return {
      problem: {
        message: `the first line 'sep=' names no delimiter: write the one the file uses after it (sep=; or sep=,) or remove the line`,
        line: 1
      }
    };
  }
  const m = HINT.exec(head);
  if (!m) return null;
  const char = m[1];
  if (!DELIMITERS.includes(char)) {
    const shown = char === ' ' ? 'a space' : `'${char}'`;
    return {
      problem: {
        message: `the first line 'sep=${char}' asks for ${shown} as the delimiter, which Slice does not read (use a comma, semicolon, tab or pipe)`,
        line: 1
      }
    };
  }
  return { delimiter: char as Delimiter, length: m[0].length };
}
