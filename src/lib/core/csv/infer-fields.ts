/**
 * Proposes a type for every column of a file from a sample of its rows, reading European
 * formats (decimal commas, day-first dates, oui/non), and suggests the identity column and,
 * for events files, which columns are the contact, type, target and timestamp.
 */
import type { DateOrder, FieldType } from '../columns/types';
import { isValidEmail, normaliseEmail } from './email';
import { parseBoolean } from './parse-boolean';
import { dateOrdersOf, hasTimeOfDay, parseDate, parseDateTime } from './parse-date';
import { parseNumber } from './parse-number';
import type { EventMapping, FieldProposal } from './types';

const SAMPLE_COUNT = 5;
const PHONE = /^\+?[\d\s().\-/]+$/;
const PHONE_HEADER = /phone|t[ée]l|mobile|gsm|portable|fax|cell|telefoon|handy/i;
const PHONE_SEPARATED = /^\+|\d[\s.\-/()]+\d/;
const LEADING_ZERO = /^[+-]?0\d/;
const LONG_DIGITS = /\d{16,}/;
const NUMERIC_WORD = /^\d+$/;

/** Share of readable values needed to propose a strict type; small samples must be exact. */
function enough(readable: number, n: number, share: number): boolean {
  return n < 20 ? readable === n : readable >= n * share;
}

interface Guess {
  type: FieldType;
  unreadable: number;
  decimal?: ',' | '.';
  dateOrder?: DateOrder;
}

function guessBoolean(values: string[]): Guess | null {
  let seenTrue = false;
  let seenFalse = false;
  let word = false;
  let unreadable = 0;
  for (const v of values) {
    const b = parseBoolean(v);
    if (b === -1) {
      unreadable++;
      continue;
    }
    if (b === 2) seenTrue = true;
    else seenFalse = true;
    if (v.length >= 2) word = true;
  }
  if (!enough(values.length - unreadable, values.length, 0.95)) return null;
  // A lone letter or digit (F, 1) is a boolean only when both truth values appear.
  return word || (seenTrue && seenFalse) ? { type: 'boolean', unreadable } : null;
}

function guessNumber(values: string[]): Guess | null {
  let comma = 0;
  let dot = 0;
  let hasComma = false;
  for (const v of values) {
    // Leading zeros and very long digit runs are codes (zip, account), not quantities.
    if (LEADING_ZERO.test(v) && !/^[+-]?0[.,]/.test(v)) return null;
    if (LONG_DIGITS.test(v)) return null;
    if (!Number.isNaN(parseNumber(v, ','))) comma++;
    if (!Number.isNaN(parseNumber(v, '.'))) dot++;
    if (v.indexOf(',') !== -1) hasComma = true;
  }
  const decimal: ',' | '.' = comma > dot || (comma === dot && hasComma) ? ',' : '.';
  const readable = Math.max(comma, dot);
  if (!enough(readable, values.length, 0.95)) return null;
  return { type: 'number', unreadable: values.length - readable, decimal };
}

function guessDate(values: string[]): Guess | null {
  let iso = 0;
  let dmy = 0;
  let mdy = 0;
  let other = 0;
  let timed = false;
  for (const v of values) {
    const orders = dateOrdersOf(v);
    if (!orders) continue;
    if (orders.iso) iso++;
    else {
      other++;
      if (orders.dmy) dmy++;
      if (orders.mdy) mdy++;
    }
    if (!timed && hasTimeOfDay(v)) timed = true;
  }
  if (!enough(iso + other, values.length, 0.95)) return null;
  // Day first unless only month first reads every value (a day > 12 in the middle slot).
  const dateOrder: DateOrder = other === 0 ? 'ymd' : dmy >= mdy ? 'dmy' : 'mdy';
  const type: FieldType = timed ? 'datetime' : 'date';
  const read = type === 'date' ? parseDate : parseDateTime;
  let unreadable = 0;
  for (const v of values) if (Number.isNaN(read(v, dateOrder))) unreadable++;
  if (!enough(values.length - unreadable, values.length, 0.95)) return null;
  return { type, unreadable, dateOrder };
}

function guessEmail(values: string[]): Guess | null {
  let ok = 0;
  for (const v of values) if (isValidEmail(normaliseEmail(v))) ok++;
  return enough(ok, values.length, 0.9) ? { type: 'email', unreadable: values.length - ok } : null;
}

function guessPhone(values: string[], header: string): Guess | null {
  let separated = 0;
  for (const v of values) {
    if (!PHONE.test(v)) return null;
    const digits = v.replace(/\D/g, '').length;
    if (digits < 6 || digits > 15) return null;
    if (PHONE_SEPARATED.test(v)) separated++;
  }
  return PHONE_HEADER.test(header) || separated * 2 >= values.length
    ? { type: 'phone', unreadable: 0 }
    : null;
}

function isCategory(values: string[]): boolean {
  const distinct = new Set<string>();
  for (const v of values) {
    if (v.length > 60) return false;
    distinct.add(v.toLowerCase());
    if (distinct.size > 50) return false;
  }
  return distinct.size * 3 <= values.length;
}

function guessType(values: string[], header: string): Guess {
  if (values.length === 0) return { type: 'text', unreadable: 0 };
  return (
    guessBoolean(values) ??
    guessNumber(values) ??
    guessDate(values) ??
    guessEmail(values) ??
    guessPhone(values, header) ??
    (isCategory(values) ? { type: 'category', unreadable: 0 } : { type: 'text', unreadable: 0 })
  );
}

/** A proposal per column: name = trimmed header, type inferred from the non-empty cells. */
export function inferFields(headers: string[], rows: string[][]): FieldProposal[] {
  return headers.map((header, j) => {
    const values: string[] = [];
    const samples: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const v = (row[j] ?? '').trim();
      if (v === '') continue;
      values.push(v);
      if (samples.length < SAMPLE_COUNT && !seen.has(v)) {
        seen.add(v);
        samples.push(v);
      }
    }
    const name = header.trim();
    const guess = guessType(values, name);
    const proposal: FieldProposal = {
      name,
      type: guess.type,
      source: header,
      include: true,
      samples,
      unreadable: guess.unreadable
    };
    if (guess.decimal) proposal.decimal = guess.decimal;
    if (guess.dateOrder) proposal.dateOrder = guess.dateOrder;
    return proposal;
  });
}

const ID_HEADER =
  /^(id|uid|uuid|key|code|ref|reference|identifier|identity|external[_ ]?id|(contact|customer|client|user|member|participant|person|account)[_ -]?(id|no|number|code|key|ref)|id[_ -]?\w+|\w+[_ -]id)$/i;

function uniqueNonEmpty(rows: string[][], j: number, normalise: (v: string) => string): boolean {
  if (rows.length === 0) return false;
  const seen = new Set<string>();
  for (const row of rows) {
    const v = normalise(row[j] ?? '');
    if (v === '' || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/**
 * The identity to propose: an email column (most unique first), else a column named like an
 * id whose sample values are unique and never empty, else the first such unique text column.
 */
export function suggestIdentity(fields: FieldProposal[], rows: string[][]): string | null {
  const trim = (v: string) => v.trim();
  const emails = fields
    .map((f, j) => ({ f, j }))
    .filter(({ f }) => f.type === 'email')
    .map(({ f, j }) => ({ f, unique: uniqueNonEmpty(rows, j, normaliseEmail) }));
  const uniqueEmail = emails.find((e) => e.unique);
  if (uniqueEmail) return uniqueEmail.f.name;
  if (emails.length > 0) return emails[0].f.name;
  const named = fields.findIndex((f, j) => ID_HEADER.test(f.name) && uniqueNonEmpty(rows, j, trim));
  if (named !== -1) return fields[named].name;
  const plain = fields.findIndex(
    (f, j) =>
      (f.type === 'text' ||
        (f.type === 'number' && rows.every((r) => NUMERIC_WORD.test((r[j] ?? '').trim())))) &&
      uniqueNonEmpty(rows, j, trim)
  );
  return plain === -1 ? null : fields[plain].name;
}

const MAPPING_PATTERNS: Record<'contact' | 'type' | 'target' | 'at' | 'id', RegExp[]> = {
  contact: [
    /^contact$/i,
    /^(contact|participant|customer|client|user|member)[_ -]?(id|key|email|mail)?$/i,
    /^e-?mail|mail$/i,
    /^(id|identity|key|external[_ ]?id)$/i
  ],
  type: [/^(type|event|event[_ -]?type|type[_ -]?event|action|activity|kind|status)$/i],
  target: [
    /^(target|url|page|name|event[_ -]?name|product|reward|emailing|campaign|object|item|label|subject|link)$/i
  ],
  at: [
    /^(at|date|timestamp|time|datetime|when|event[_ -]?(date|time|at)|(created|occurred|sent|opened|clicked)[_ -]?(at|on|date))$/i,
    /date|time/i
  ],
  // Only a column that says it holds event ids: a bare `id` is more often the contact's.
  id: [/^event[_ -]?id$/i]
};

/** Which columns of an events file are contact, type, target, timestamp and id, if named so. */
export function suggestEventMapping(fields: FieldProposal[]): EventMapping | undefined {
  const used = new Set<string>();
  const pick = (role: keyof typeof MAPPING_PATTERNS): string | null => {
    for (const pattern of MAPPING_PATTERNS[role]) {
      const f = fields.find((f) => !used.has(f.name) && pattern.test(f.name));
      if (f) {
        used.add(f.name);
        return f.name;
      }
    }
    return null;
  };
  const contact = pick('contact');
  const type = pick('type');
  const at = pick('at');
  const target = pick('target');
  const id = pick('id');
  if (!contact || !type || !at) return undefined;
  const atField = fields.find((f) => f.name === at);
  const mapping: EventMapping = {
    contact,
    type,
    target,
    at,
    properties: fields.filter((f) => !used.has(f.name)).map((f) => f.name),
    id
  };
  if (atField?.dateOrder) mapping.dateOrder = atField.dateOrder;
  return mapping;
}
