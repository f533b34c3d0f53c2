/**
 * Text comparison for segment rules: a rule's comparison form (core/text/fold.ts) and the
 * `contains` pattern language (`a|b`, `a+b`, `*`). The SQL export reproduces exactly these
 * functions (see to-sql.ts and docs/segments.md), so any change here must change the SQL too.
 */
import { TRIM_CHARS, foldText, trimText } from '../text/fold';

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

/** A predicate over keys in comparison form (see textKey), built once per rule evaluation. */
export type KeyMatcher = (key: string) => boolean;

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** Longest alternation compiled into one RegExp; longer patterns use the indexOf walk. */
const MAX_REGEXP_SOURCE = 100_000;

function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

/**
 * The fastest matcher for a parsed pattern with the same meaning as matchParsed. Alternatives
 * that are one plain piece (`gmail|yahoo|orange`) are tested together by one RegExp of
 * escaped literals: an alternation of literals has no quantifier, so it cannot backtrack more
 * than once per start position (linear in the text times the pattern), and V8 runs it far
 * faster than one indexOf per alternative. Measured on 100,000 values (2-core VM, Node 20):
 * 20 literal alternatives, 475 ms with indexOf against 4 ms; on runs of `a` that every piece
 * starts like (`a1q|a2q|…` in `aaaa…1`, where indexOf leaves its fast path), 2,480 ms against
 * 150 ms. With one or two literals indexOf is as fast or faster, so it is kept there. Pieces
 * joined by `*` and parts joined by `+` keep the indexOf walk (a RegExp for them would
 * backtrack).
 */
export function keyMatcher(parsed: ParsedPattern): KeyMatcher {
  const literals: string[] = [];
  const rest: ParsedPattern = [];
  for (const parts of parsed) {
    if (parts.length === 1 && parts[0].length === 1) literals.push(parts[0][0]);
    else rest.push(parts);
  }
  const source = literals.map((l) => l.replace(REGEXP_SPECIAL, '\\$&')).join('|');
  if (literals.length < 3 || source.length > MAX_REGEXP_SOURCE || !compiles(source, ''))
    return (key) => matchParsed(key, parsed);
  const any = new RegExp(source);
  if (rest.length === 0) return (key) => any.test(key);
  return (key) => any.test(key) || matchParsed(key, rest);
}

/**
 * Compiles a `contains` pattern into a predicate over raw texts (trimmed and folded here
 * unless caseSensitive). Linear in the text length for a fixed pattern.
 */
export function compilePattern(pattern: string, caseSensitive: boolean): (text: string) => boolean {
  const matches = keyMatcher(parsePattern(pattern, caseSensitive));
  return (text) => matches(textKey(text, caseSensitive));
}

/**
 * Tests many raw (unfolded, untrimmed) texts at once against a pattern: for each text, 1 match,
 * 0 no match, -1 not decided here (the caller folds that text and uses keyMatcher).
 */
export type BatchMatcher = (texts: readonly string[]) => Int8Array;

/** Separates the texts of a batch: a trimmed character, so never part of a piece. */
const SEPARATOR = '\n';

/**
 * A batch matcher for a pattern of literal alternatives (`.fr|.org`, `gmail`) whose pieces are
 * ASCII without trimmed characters, or null for any other pattern. The texts are joined into
 * one string and searched by one case-insensitive RegExp of the literals, plus one for
 * characters outside ASCII.
 *
 * Why: the values of an imported dictionary are slices of larger strings, and V8 runs each
 * string call on a slice (toLowerCase, indexOf, a RegExp, even charCodeAt) far slower than on a
 * flat string; one join copies them into a flat string. Measured on the 31k emails the
 * six-condition bench segment (count-attributes-1m) leaves, contacts-1m imported with the CSV
 * core, 2-core VM, Node 20, CPU time: foldText then indexOf per text 20.9 ms, this 13.7 ms, of
 * which 8 ms is only reaching the texts (reading one character of each); the whole count
 * 32.4 ms → 24.9 ms (first quartile of 40 interleaved runs).
 *
 * Why it agrees with folding then matching (textKey, keyMatcher):
 * - an ASCII text folds to itself trimmed and lowercased, and a piece without trimmed
 *   characters cannot overlap what trimming removes, so a case-insensitive search of the raw
 *   text is the same test; a blank text has no match either way (the rule's answer for an
 *   empty value). Without the `u` flag, /i never matches a non-ASCII character to an ASCII one.
 * - in a text with other characters, folding keeps each ASCII character (lowercased) next to
 *   its ASCII neighbours: only marks are removed and no composition joins an ASCII character
 *   to another once marks are gone. So an ASCII match stays a match; when there is none,
 *   folding may still make one (`É` → `e`, `ß` → `ss`): such a text is left undecided (-1).
 */
export function batchMatcher(parsed: ParsedPattern): BatchMatcher | null {
  if (parsed.length === 0) return null;
  const literals: string[] = [];
  for (const parts of parsed) {
    if (parts.length !== 1 || parts[0].length !== 1) return null;
    const literal = parts[0][0];
    for (const ch of literal) if (ch.charCodeAt(0) >= 128 || TRIM_CHARS.includes(ch)) return null;
    literals.push(literal.replace(REGEXP_SPECIAL, '\\$&'));
  }
  const pattern = literals.join('|');
  // A RegExp has a size limit (a 10 MB value to look for is "too large"): past a length no
  // batch is worth it, and the general path (indexOf) has no such limit.
  if (pattern.length > MAX_REGEXP_SOURCE || !compiles(pattern, 'gi')) return null;
  return (texts) => {
    const n = texts.length;
    const out = new Int8Array(n);
    if (n === 0) return out;
    // ends[k]: where text k ends in the joined string (the next one starts one further).
    const ends = new Int32Array(n);
    let at = 0;
    for (let k = 0; k < n; k++) {
      at += texts[k].length;
      ends[k] = at;
      at++;
    }
    const joined = texts.join(SEPARATOR);
    mark(joined, new RegExp(pattern, 'gi'), ends, out, 1);
    // eslint-disable-next-line no-control-regex
    mark(joined, /[^\x00-\x7f]/g, ends, out, -1);
    return out;
  };
}

/**
 * Sets out[k] to `value` (when still 0) for each text k where `re` (global) matches, resuming
 * the search at the next text. A match never spans two texts, so its last character tells
 * which text it is in.
 */
function mark(joined: string, re: RegExp, ends: Int32Array, out: Int8Array, value: number): void {
  const n = ends.length;
  let k = 0;
  re.lastIndex = 0;
  while (re.test(joined)) {
    const last = re.lastIndex - 1;
    while (ends[k] <= last) k++;
    if (out[k] === 0) out[k] = value;
    if (++k >= n) break;
    re.lastIndex = ends[k - 1] + 1;
  }
}
