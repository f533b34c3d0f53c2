/**
 * Trimming CSV cells as String.prototype.trim does, without calling it for the cells whose
 * ends are visible ASCII (nearly all of them): a million-row import reads twenty million cells.
 */

/** Whether `c` is whitespace for String.prototype.trim and regular expressions' `\s`. */
export function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `raw.trim()`, without calling it when the ends are visible ASCII (most cells). */
export function trimCell(raw: string): string {
  const n = raw.length;
  if (n === 0) return raw;
  const a = raw.charCodeAt(0);
  const b = raw.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? raw : raw.trim();
}
