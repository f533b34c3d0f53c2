/**
 * Line ends as people's files have them: `\r\n` (Windows), `\n` (Unix) and `\r` (old Mac),
 * sometimes all in one file (a Windows export with Unix rows appended). papaparse splits on one
 * newline per file, so the parser writes every line end outside quoted cells as `\n` first;
 * line breaks inside quoted cells are kept as written.
 */

const CR = 13;
const LF = 10;
const QUOTE = 34;
const LINE_ENDS = /\r\n?/g;

/**
 * `text`, which starts at a record boundary (outside quotes, at the start of a field), with each
 * `\r\n` or `\r` outside quoted cells written as `\n`. Unless `final`, a `\r` ending the text is
 * kept as it is: it may be the first half of a `\r\n` cut by the chunk boundary.
 *
 * Quotes are read the way papaparse reads them: a quote opens a quoted cell only at the start
 * of a field (`5'11"` is plain text), `""` inside is a quote, and the next lone quote closes it.
 */
export function unifyLineEnds(text: string, delimiter: string, final: boolean): string {
  let cr = text.indexOf('\r');
  if (cr === -1) return text;
  const end = !final && text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length;
  let quote = text.indexOf('"');
  if (quote === -1) {
    // No quoted cells: every CR is a line end.
    if (end === text.length) return text.replace(LINE_ENDS, '\n');
    return text.slice(0, end).replace(LINE_ENDS, '\n') + '\r';
  }
  const delim = delimiter.charCodeAt(0);
  const parts: string[] = [];
  let copied = 0;
  let pos = 0;
  while (pos < end) {
    if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    if (cr === -1 || cr >= end) break;
    if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
    if (quote !== -1 && quote < cr) {
      const before = quote === 0 ? LF : text.charCodeAt(quote - 1);
      if (before !== delim && before !== LF && before !== CR) {
        pos = quote + 1; // a quote inside a plain field is text
        continue;
      }
      // A quoted cell: skip to its closing quote, over "" pairs.
      let close = text.indexOf('"', quote + 1);
      while (close !== -1 && text.charCodeAt(close + 1) === QUOTE) {
        close = text.indexOf('"', close + 2);
      }
      if (close === -1) break; // still open at the end of the text: nothing more to convert
      pos = close + 1;
      continue;
    }
    parts.push(text.slice(copied, cr), '\n');
    copied = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
    pos = copied;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Line breaks in text[from, to): each `\n`, and each `\r` not followed by `\n`. */
export function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r', from); i !== -1 && i < to; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}
