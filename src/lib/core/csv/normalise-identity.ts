/**
 * The key under which a contact is matched on re-import and from events: emails compare
 * case-insensitively, numbers by value, anything else as trimmed text; every text key in
 * Unicode's composed form (NFC).
 *
 * Identities are not run through foldText (core/text/fold.ts), on purpose. That fold answers
 * "does this look like what the person typed?" and is right for search and segment rules,
 * where a false match costs one extra row in a list. An identity decides which contact a row
 * updates: folding would merge `josé@example.fr` with `jose@example.fr` (two mailboxes) or
 * customer `MÜLLER-1` with `MULLER-1`, and a re-import would silently overwrite one person with
 * another. Only differences that are not differences are removed: surrounding spaces, the
 * case of an email (providers treat addresses case-insensitively), and the way an accented
 * letter is encoded — `é` as one code point or as `e` + U+0301, as macOS writes file contents —
 * which is the same text by Unicode's definition (canonical equivalence) and looks identical.
 */
import type { FieldType } from '../columns/types';
import { isAscii } from '../text/fold';
import { isNormalEmail, normaliseEmail } from './email';
import { parseNumber } from './parse-number';

/** The composed form (NFC) of a text; ASCII (nearly every identity) is returned as is. */
function composed(s: string): string {
  return isAscii(s) ? s : s.normalize('NFC');
}

export function normaliseIdentity(raw: string, type: FieldType): string {
  if (type === 'email') {
    // Nearly every address: already normal, so ASCII, with nothing left to compose.
    return isNormalEmail(raw) ? raw : composed(normaliseEmail(raw));
  }
  const s = raw.trim();
  if (type === 'number') {
    const n = parseNumber(s, '.');
    return Number.isNaN(n) ? s : String(n);
  }
  return composed(s);
}
