/**
 * Reads numbers as people write them in CSV exports: `12.5`, `12,5`, `1 234,5`, `1.234,5`,
 * `1,234.5`, `1'234.5`. Strict: anything else is NaN, never a guess.
 */

const SIMPLE_DOT = /^[+-]?\d+(?:\.\d+)?$/;
const SIMPLE_COMMA = /^[+-]?\d+(?:,\d+)?$/;
const DIGITS = /^\d+$/;
const EXPONENT = /^[eE][+-]?\d+$/;
// Thousands separators people use, besides the other decimal mark.
const GROUP_SPACES = [' ', '\u00a0', '\u202f', "'"];

function groupedDigits(intPart: string, separators: string[]): string | null {
  if (DIGITS.test(intPart)) return intPart;
  for (const sep of separators) {
    if (intPart.indexOf(sep) === -1) continue;
    const groups = intPart.split(sep);
    if (groups[0].length < 1 || groups[0].length > 3 || !DIGITS.test(groups[0])) return null;
    for (let i = 1; i < groups.length; i++) {
      if (groups[i].length !== 3 || !DIGITS.test(groups[i])) return null;
    }
    return groups.join('');
  }
  return null;
}

/** The number written in `raw` with `decimal` as decimal mark, or NaN (also for empty). */
export function parseNumber(raw: string, decimal: ',' | '.' = '.'): number {
  const s = raw.trim();
  if (decimal === '.' ? SIMPLE_DOT.test(s) : SIMPLE_COMMA.test(s)) {
    return decimal === '.' ? Number(s) : Number(s.replace(',', '.'));
  }
  if (s === '') return NaN;
  let body = s;
  let sign = '';
  const c0 = body[0];
  if (c0 === '-' || c0 === '+' || c0 === '\u2212') {
    sign = c0 === '+' ? '' : '-';
    body = body.slice(1);
  }
  let exponent = '';
  if (decimal === '.') {
    const e = body.search(/[eE]/);
    if (e !== -1) {
      exponent = body.slice(e);
      if (!EXPONENT.test(exponent)) return NaN;
      body = body.slice(0, e);
    }
  }
  const at = body.indexOf(decimal);
  if (at !== -1 && body.indexOf(decimal, at + 1) !== -1) return NaN;
  const intPart = at === -1 ? body : body.slice(0, at);
  const fracPart = at === -1 ? '' : body.slice(at + 1);
  if (at !== -1 && !DIGITS.test(fracPart)) return NaN;
  let digits = '';
  if (intPart !== '') {
    const grouped = groupedDigits(intPart, [decimal === '.' ? ',' : '.', ...GROUP_SPACES]);
    if (grouped === null) return NaN;
    digits = grouped;
  } else if (fracPart === '') {
    return NaN;
  }
  return Number(`${sign}${digits || '0'}${fracPart ? '.' + fracPart : ''}${exponent}`);
}
