/**
 * Email normalisation and a practical validity check: what an address book needs to merge
 * contacts and refuse obvious typos, not a full RFC 5322 parser.
 */

// One @, no whitespace, a non-empty local part, a domain of non-empty dot-separated labels.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/**
 * Whether `raw` holds only characters that trimming and lower-casing leave as they are (all
 * printable ASCII, so in Unicode's composed form too).
 */
export function isNormalEmail(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    // Printable ASCII except upper-case letters (space and controls are trimmed).
    if (c <= 32 || c >= 127 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

export function normaliseEmail(raw: string): string {
  // Most addresses are already lower-case and trimmed: look (no copy) before copying.
  return isNormalEmail(raw) ? raw : raw.trim().toLowerCase();
}

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s);
}
