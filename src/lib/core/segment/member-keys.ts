/**
 * Manual segment members given as keys: identities or emails, typed one per line or read from
 * a CSV file. Keys are matched to contacts as imports match them (normaliseIdentity), first on
 * the identity field, then on the campaign's email fields; a key that matches nobody is listed,
 * never created. The result replaces, adds to or removes from the current members.
 */
import Papa from 'papaparse';
import { createBitset, popcount, setBit, getBit, type Bitset } from '../columns/bitset';
import type { Column, ContactTable, FieldSpec } from '../columns/types';
import { normaliseIdentity } from '../csv/normalise-identity';
import { foldText } from '../text/fold';

export type MemberEditMode = 'replace' | 'add' | 'remove';

export interface MemberKeys {
  /** Distinct non-empty keys in file order. */
  keys: string[];
  /** The CSV column they were read from, when the file had a header naming a field. */
  column: string | null;
}

/**
 * Keys from text: a CSV whose first line names a field of the campaign (the identity, an email
 * field, or `email` / `identity`) is read from that column; anything else is one key per line
 * (the first cell of each line). Empty cells and repeated keys are skipped.
 */
export function parseMemberKeys(text: string, fields: FieldSpec[], identity: string): MemberKeys {
  // Files from several tools mix CRLF and LF; a key never holds a line end.
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), {
    skipEmptyLines: 'greedy',
    delimiter: '',
    newline: '\n'
  });
  const rows = parsed.data.filter((r) => Array.isArray(r) && r.length > 0);
  let columnIndex = 0;
  let column: string | null = null;
  let start = 0;
  if (rows.length > 0) {
    const header = rows[0].map((h) => foldText(h));
    const emailFields = fields.filter((f) => f.type === 'email').map((f) => foldText(f.name));
    const wanted = [foldText(identity), 'identity', ...emailFields, 'email', 'e-mail'];
    for (const name of wanted) {
      const at = header.indexOf(name);
      if (at !== -1) {
        columnIndex = at;
        column = rows[0][at].trim();
        start = 1;
        break;
      }
    }
  }
  const seen = new Set<string>();
  const keys: string[] = [];
  for (let i = start; i < rows.length; i++) {
    const key = (rows[i][columnIndex] ?? '').trim();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    keys.push(key);
  }
  return { keys, column };
}

/** Finds the contact row of a key (identity first, then email fields), or -1. */
export interface ContactKeyIndex {
  find(key: string): number;
}

function columnKeys(column: Column, field: FieldSpec, rowCount: number): Map<string, number> {
  const map = new Map<string, number>();
  if (column.kind === 'string') {
    const keyOfCode = new Map<number, string>();
    for (let r = 0; r < rowCount; r++) {
      const code = column.codes[r];
      if (code === 0) continue;
      let key = keyOfCode.get(code);
      if (key === undefined) {
        key = normaliseIdentity(column.dict[code], field.type);
        keyOfCode.set(code, key);
      }
      if (key !== '' && !map.has(key)) map.set(key, r);
    }
  } else if (column.kind === 'number') {
    for (let r = 0; r < rowCount; r++) {
      const v = column.values[r];
      if (!Number.isNaN(v) && !map.has(String(v))) map.set(String(v), r);
    }
  }
  return map;
}

export function contactKeyIndex(table: ContactTable): ContactKeyIndex {
  const candidates = [
    table.fields.find((f) => f.name === table.identity),
    ...table.fields.filter((f) => f.type === 'email' && f.name !== table.identity)
  ].filter((f): f is FieldSpec => !!f && !!table.columns[f.name]);
  // Built on first use, field by field: most keys match on the identity.
  const maps: (Map<string, number> | undefined)[] = [];
  return {
    find(key: string): number {
      for (let i = 0; i < candidates.length; i++) {
        const field = candidates[i];
        maps[i] ??= columnKeys(table.columns[field.name], field, table.rowCount);
        const row = maps[i]!.get(normaliseIdentity(key, field.type));
        if (row !== undefined) return row;
      }
      return -1;
    }
  };
}

export interface MemberEdit {
  bits: Bitset;
  count: number;
  /** Keys that matched a contact. */
  matched: number;
  /** Keys that matched nobody, in the order given. */
  unknown: string[];
  /** Contacts that became members / stopped being members. */
  added: number;
  removed: number;
}

/** Applies keys to the current members (null = none yet) of a campaign of `rowCount` rows. */
export function applyMemberKeys(
  current: Bitset | null,
  rowCount: number,
  keys: string[],
  index: ContactKeyIndex,
  mode: MemberEditMode
): MemberEdit {
  const before = createBitset(rowCount);
  if (current) before.set(current.subarray(0, before.length));
  const given = createBitset(rowCount);
  const unknown: string[] = [];
  let matched = 0;
  for (const key of keys) {
    const row = index.find(key);
    if (row < 0 || row >= rowCount) unknown.push(key);
    else {
      matched++;
      setBit(given, row);
    }
  }
  const bits = createBitset(rowCount);
  for (let w = 0; w < bits.length; w++) {
    bits[w] =
      mode === 'replace' ? given[w] : mode === 'add' ? before[w] | given[w] : before[w] & ~given[w];
  }
  let added = 0;
  let removed = 0;
  for (let r = 0; r < rowCount; r++) {
    const was = getBit(before, r);
    const is = getBit(bits, r);
    if (is && !was) added++;
    else if (was && !is) removed++;
  }
  return { bits, count: popcount(bits), matched, unknown, added, removed };
}
