/**
 * Guesses how a CSV file's bytes are encoded (from its first bytes) and whether it is text at
 * all, so that a renamed PNG or zip is refused with a clear message instead of being parsed.
 */
import type { CsvEncoding } from './types';

/** Bytes of the byte-order mark of `encoding` at the start of `head` (0 if none). */
export function bomLengthFor(head: Uint8Array, encoding: CsvEncoding): number {
  if (encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 3;
  if (encoding === 'utf-16le' && head[0] === 0xff && head[1] === 0xfe) return 2;
  if (encoding === 'utf-16be' && head[0] === 0xfe && head[1] === 0xff) return 2;
  return 0;
}

export function detectEncoding(head: Uint8Array): { encoding: CsvEncoding; bomLength: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    return { encoding: 'utf-16le', bomLength: 2 };
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return { encoding: 'utf-16be', bomLength: 2 };
  }
  const utf16 = utf16WithoutBom(head);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isValidUtf8(head) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/**
 * UTF-16 saved without a byte order mark, told by its zero bytes: a CSV's delimiters, line
 * ends and (nearly always) header are ASCII, so in UTF-16LE most odd bytes are 0 and the
 * even ones are not (the reverse in UTF-16BE). Without this such a file reads as binary.
 */
function utf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = head.length >> 1;
  if (pairs < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  if (oddZeros * 2 >= pairs && evenZeros * 20 < pairs) return 'utf-16le';
  if (evenZeros * 2 >= pairs && oddZeros * 20 < pairs) return 'utf-16be';
  return null;
}

/**
 * Strict UTF-8 validation of a head of a file. A multi-byte sequence cut by the end of the
 * head is accepted: the head is a slice of a larger file. Written by hand rather than with
 * `TextDecoder('utf-8', { fatal: true })` (streaming): the decoder builds the whole string only
 * to throw it away, and measured 2.5 times slower (tests/bench/benchmarks/utf8-check.ts).
 */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return false;
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return true; // cut by the end of the head
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/**
 * Binary files (images, archives, spreadsheets) hold about one control byte in nine; text
 * with the odd control character in its values (a bell, terminal colour codes) far fewer.
 * One in twenty tells them apart and lets such text import.
 */
const CONTROL_SHARE = 20;

/** Binary by its control characters: a few (up to 3) never are, however short the file. */
export function tooManyControls(controls: number, length: number): boolean {
  return controls > 3 && controls * CONTROL_SHARE > length;
}

const isControl = (b: number) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c;

/**
 * True when the bytes are not text: a NUL byte, or more than 1 in 20 control characters other
 * than tab, CR, LF and form feed (and more than 3). UTF-16 with a BOM is text (its NUL bytes are expected).
 */
export function looksBinary(head: Uint8Array): boolean {
  if (
    head.length >= 2 &&
    ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
  ) {
    return false;
  }
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (isControl(b)) controls++;
  }
  return tooManyControls(controls, head.length);
}

/**
 * Where the first NUL byte of otherwise textual bytes is (a damaged or hand-edited file),
 * or -1 when there is none or the bytes look binary anyway: such a file gets a message that
 * names the NUL byte and its line rather than "binary data".
 */
export function strayNulAt(head: Uint8Array): number {
  const at = head.indexOf(0);
  if (at < 0) return -1;
  let nuls = 0;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0) nuls++;
    else if (isControl(head[i])) controls++;
  }
  return tooManyControls(nuls + controls, head.length) ? -1 : at;
}
