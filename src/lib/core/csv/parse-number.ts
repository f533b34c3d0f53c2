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

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The common case without allocating: optional sign, up to 15 digits, one decimal mark.
 * Exact: the digits form an integer below 2^53 and 10^k is exact, so the one division is
 * correctly rounded, like reading the literal. NaN means "use the general reader".
 */
function plainNumber(s: string, mark: number): number {
  const n = s.length;
  if (n === 0 || n > 17) return NaN;
  let i = 0;
  let sign = 1;
  const first = s.charCodeAt(0);
  if (first === 45 || first === 43) {
    sign = first === 45 ? -1 : 1;
    i = 1;
  }
  let mantissa = 0;
  let digitCount = 0;
  let fraction = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digitCount++;
    } else if (c === mark && fraction === -1) {
      fraction = 0;
      continue;
    } else {
      return NaN;
    }
    if (fraction !== -1) fraction++;
  }
  // A mark needs digits after it ("12," is not a number); at most 15 digits stay exact.
  if (digitCount === 0 || digitCount > 15 || fraction === 0) return NaN;
  return (sign * mantissa) / (fraction > 0 ? POW10[fraction] : 1);
}

/**
 * NaN for a number too large for a double: `1e309` or 400 digits would otherwise be stored as
 * Infinity, shown as such and compared as larger than everything. It is rejected instead.
 */
const finite = (n: number): number => (Number.isFinite(n) ? n : NaN);

/** The number written in `raw` with `decimal` as decimal mark, or NaN (also for empty or too large). */
export function parseNumber(raw: string, decimal: ',' | '.' = '.'): number {
  const fast = plainNumber(raw, decimal === '.' ? 46 : 44);
  if (fast === fast) return fast;
  const s = raw.trim();
  if (decimal === '.' ? SIMPLE_DOT.test(s) : SIMPLE_COMMA.test(s)) {
    return finite(decimal === '.' ? Number(s) : Number(s.replace(',', '.')));
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
  return finite(Number(`${sign}${digits || '0'}${fracPart ? '.' + fracPart : ''}${exponent}`));
}
