/**
 * The key under which a contact is matched on re-import and from events: emails compare
 * case-insensitively, numbers by value, anything else as trimmed text.
 */
import type { FieldType } from '$lib/core/columns/types';
import { normaliseEmail } from './email';
import { parseNumber } from './parse-number';

export function normaliseIdentity(raw: string, type: FieldType): string {
  if (type === 'email') return normaliseEmail(raw);
  const s = raw.trim();
  if (type === 'number') {
    const n = parseNumber(s, '.');
    return Number.isNaN(n) ? s : String(n);
  }
  return s;
}
