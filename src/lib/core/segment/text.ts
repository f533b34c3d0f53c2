/**
 * Text comparison for segment rules: trimming, case/accent folding and the `contains`
 * pattern language (`a|b`, `a+b`, `*`). The SQL export reproduces exactly these functions
 * (see to-sql.ts and docs/segments.md), so any change here must change the SQL too.
 */

/**
 * The characters trimmed around values: space, tab, LF, CR, no-break space and narrow
 * no-break space. An explicit set (not String.prototype.trim) so SQL can trim the same ones.
 */
export const TRIM_CHARS = ' \t\n\r\u00a0\u202f';

function isTrimChar(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x202f;
}

export function trimText(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isTrimChar(s.charCodeAt(start))) start++;
  while (end > start && isTrimChar(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** True when a value is empty for the rules: missing or only trim characters. */
export function isBlank(s: string | undefined | null): boolean {
  return s === undefined || s === null || trimText(s).length === 0;
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}/gu;
const LIGATURES = /[ßœæ]/g;
const LIGATURE_MAP: Record<string, string> = { ß: 'ss', œ: 'oe', æ: 'ae' };

/**
 * Lowercase with simple (one-to-one, context-free) mappings, as databases do per code point.
 * Whole-string toLowerCase differs only for Σ, which it maps to ς at the end of a word.
 */
function lowerSimple(s: string): string {
  if (!s.includes('Σ')) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += ch === 'Σ' ? 'σ' : ch.toLowerCase();
  return out;
}

/**
 * Case- and accent-insensitive form of a text: trimmed, lowercased code point by code point,
 * decomposed (NFD), every combining mark removed, recomposed (NFC), then ß→ss, œ→oe, æ→ae.
 * This is what DuckDB's `strip_accents(lower(x))` computes, plus the three replacements.
 */
export function foldText(s: string): string {
  const t = trimText(s);
  if (ASCII_ONLY.test(t)) return t.toLowerCase();
  return lowerSimple(t)
    .normalize('NFD')
    .replace(MARKS, '')
    .normalize('NFC')
    .replace(LIGATURES, (c) => LIGATURE_MAP[c]);
}

/** The comparison form of a value under a rule's case sensitivity. */
export function textKey(s: string, caseSensitive: boolean): string {
  return caseSensitive ? trimText(s) : foldText(s);
}

/**
 * A parsed `contains` pattern: alternatives (any may match), each a list of parts (all must
 * be contained), each part a list of pieces that must appear in this order (`*` between).
 * Pieces are already in comparison form; empty pieces, parts and alternatives are dropped.
 */
export type ParsedPattern = string[][][];

export function parsePattern(pattern: string, caseSensitive: boolean): ParsedPattern {
  const alternatives: ParsedPattern = [];
  for (const alt of pattern.split('|')) {
    const parts: string[][] = [];
    for (const part of alt.split('+')) {
      const pieces = textKey(part, caseSensitive)
        .split('*')
        .filter((p) => p.length > 0);
      if (pieces.length > 0) parts.push(pieces);
    }
    if (parts.length > 0) alternatives.push(parts);
  }
  return alternatives;
}

/** Whether the pattern has something to look for (`*`, `|` or blanks alone do not). */
export function isUsablePattern(pattern: string, caseSensitive: boolean): boolean {
  return parsePattern(pattern, caseSensitive).length > 0;
}

/**
 * Pieces in order: each found by indexOf after the previous one's end. Taking the leftmost
 * occurrence is optimal (it leaves the most room for the rest), so this decides "contains
 * p1, then later p2, ..." in linear time without backtracking.
 */
function containsInOrder(text: string, pieces: string[]): boolean {
  let from = 0;
  for (const piece of pieces) {
    const at = text.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/** Tests an already-keyed text (see textKey) against a parsed pattern. */
export function matchParsed(key: string, parsed: ParsedPattern): boolean {
  for (const parts of parsed) {
    let all = true;
    for (const pieces of parts) {
      if (!containsInOrder(key, pieces)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/**
 * Compiles a `contains` pattern into a predicate over raw texts (trimmed and folded here
 * unless caseSensitive). Linear in the text length for a fixed pattern.
 */
export function compilePattern(pattern: string, caseSensitive: boolean): (text: string) => boolean {
  const parsed = parsePattern(pattern, caseSensitive);
  return (text) => matchParsed(textKey(text, caseSensitive), parsed);
}
