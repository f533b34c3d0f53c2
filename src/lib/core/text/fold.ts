/**
 * What "the same text" means in Slice, in one place: the characters trimmed around a value,
 * when a value is blank, and the case- and accent-insensitive form used by segment rules, the
 * contacts search and sort, and file names. The SQL export reproduces trimText and foldText
 * exactly (see core/segment/to-sql.ts and docs/segments.md), so a change here must change the
 * SQL too. Identities are deliberately not folded (see core/csv/normalise-identity.ts).
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

/** True when every code unit of `s` is ASCII (nothing to normalise, decompose or fold). */
export function isAscii(s: string): boolean {
  return ASCII_ONLY.test(s);
}

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
 * `  Élodie ` → `elodie`, `Straße` → `strasse`, `Œuvre` → `oeuvre`.
 */
export function foldText(s: string): string {
  const t = trimText(s);
  if (isAscii(t)) return t.toLowerCase();
  return lowerSimple(t)
    .normalize('NFD')
    .replace(MARKS, '')
    .normalize('NFC')
    .replace(LIGATURES, (c) => LIGATURE_MAP[c]);
}
