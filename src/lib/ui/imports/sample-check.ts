/**
 * Whether a column's sample values read as the type the user chose, with the same readers
 * the import uses (from the core), so the warning in the mapping step tells the truth.
 */
import type { DateOrder, FieldType } from '$lib/core/columns/types';
import { isValidEmail, normaliseEmail } from '$lib/core/csv/email';
import { parseBoolean } from '$lib/core/csv/parse-boolean';
import { parseDate, parseDateTime } from '$lib/core/csv/parse-date';
import { parseNumber } from '$lib/core/csv/parse-number';
import type { FieldProposal } from '$lib/engine/api';

const PHONE = /^\+?[\d\s().\-/]+$/;

export function readsAs(
  raw: string,
  type: FieldType,
  decimal: ',' | '.' = '.',
  dateOrder: DateOrder = 'dmy'
): boolean {
  if (raw.trim() === '') return true;
  switch (type) {
    case 'number':
      return !Number.isNaN(parseNumber(raw, decimal));
    case 'date':
      return !Number.isNaN(parseDate(raw, dateOrder));
    case 'datetime':
      return !Number.isNaN(parseDateTime(raw, dateOrder));
    case 'boolean':
      return parseBoolean(raw) !== -1;
    case 'email':
      return isValidEmail(normaliseEmail(raw));
    case 'phone':
      return PHONE.test(raw.trim());
    default:
      return true;
  }
}

/** The sample values of a field that its chosen type cannot read. */
export function unreadableSamples(field: FieldProposal): string[] {
  return field.samples.filter((s) => !readsAs(s, field.type, field.decimal, field.dateOrder));
}

/**
 * The field retyped, with the decimal mark or date order that reads most of its samples
 * (so switching a `12,5` column to Number picks the comma by itself).
 */
export function retype(field: FieldProposal, type: FieldType): FieldProposal {
  const next: FieldProposal = { ...field, type };
  const misses = (f: FieldProposal) => unreadableSamples(f).length;
  if (type === 'number') {
    const options = (['.', ','] as const).map((decimal) => ({ ...next, decimal }));
    return options.reduce((a, b) => (misses(b) < misses(a) ? b : a));
  }
  if (type === 'date' || type === 'datetime') {
    const orders: DateOrder[] = field.dateOrder
      ? [field.dateOrder, 'dmy', 'ymd', 'mdy']
      : ['dmy', 'ymd', 'mdy'];
    const options = orders.map((dateOrder) => ({ ...next, dateOrder }));
    return options.reduce((a, b) => (misses(b) < misses(a) ? b : a));
  }
  return next;
}
