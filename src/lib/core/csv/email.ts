/**
 * Email normalisation and a practical validity check: what an address book needs to merge
 * contacts and refuse obvious typos, not a full RFC 5322 parser.
 * Both run once per row of a million-row import, so they scan characters by hand instead of
 * going through trim(), toLowerCase() and a regular expression.
 */
import { isJsSpace } from './trim-cell';

export function normaliseEmail(raw: string): string {
  // Already trimmed and lower-case ASCII: the same string (no copy).
  const n = raw.length;
  let i = 0;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 32 || c >= 127 || (c >= 65 && c <= 90)) break;
  }
  return i === n ? raw : raw.trim().toLowerCase();
}

/**
 * One `@`, no whitespace, a non-empty local part, a domain of at least two non-empty
 * dot-separated labels; at most 254 characters (as /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/).
 */
export function isValidEmail(s: string): boolean {
  const n = s.length;
  if (n > 254) return false;
  let at = -1;
  let dots = 0;
  let label = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 64) {
      if (at !== -1 || i === 0) return false;
      at = i;
      label = 0;
    } else if (c === 46 && at !== -1) {
      if (label === 0) return false;
      dots++;
      label = 0;
    } else if ((c <= 32 || c >= 160) && isJsSpace(c)) {
      return false;
    } else {
      label++;
    }
  }
  return at !== -1 && dots > 0 && label > 0;
}
