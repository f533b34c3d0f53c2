/**
 * Email normalisation and a practical validity check: what an address book needs to merge
 * contacts and refuse obvious typos, not a full RFC 5322 parser.
 */

// One @, no whitespace, a non-empty local part, a domain of non-empty dot-separated labels.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s);
}
