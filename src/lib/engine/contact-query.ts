/**
 * The contacts browser's queries over the worker's columns: search (case- and
 * accent-insensitive, evaluated once per dictionary entry, then per row through the codes),
 * sort (a cached permutation per field and direction) and paging, optionally within a
 * segment's stored membership. Results are cached as ordered row ids so scrolling pages
 * through them costs only the page.
 */
import { STRING_FIELD_TYPES, type Column, type ContactTable } from '$lib/core/columns/types';
import type { Bitset } from '$lib/core/columns/bitset';
import type { ContactPage, ContactQuery } from './api';
import type { Derived } from './campaign-cache';
import { cellValue } from './cell-values';

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Lower case without accents, trimmed: `  Élodie ` -> `elodie`. */
export function foldText(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase().trim();
  return s.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().trim();
}

function foldedDict(derived: Derived, field: string, dict: string[]): string[] {
  let folded = derived.folded.get(field);
  if (!folded) {
    folded = new Array<string>(dict.length);
    for (let i = 0; i < dict.length; i++) folded[i] = foldText(dict[i]);
    derived.folded.set(field, folded);
  }
  return folded;
}

/** Rows where any text-like field contains the (folded) search text, as a 0/1 mask. */
export function searchMask(table: ContactTable, derived: Derived, search: string): Uint8Array {
  const needle = foldText(search);
  const mask = new Uint8Array(table.rowCount);
  for (const field of table.fields) {
    const column = table.columns[field.name];
    if (!column || column.kind !== 'string' || !STRING_FIELD_TYPES.includes(field.type)) continue;
    const folded = foldedDict(derived, field.name, column.dict);
    const hit = new Uint8Array(folded.length);
    let any = false;
    for (let c = 1; c < folded.length; c++) {
      if (folded[c].includes(needle)) {
        hit[c] = 1;
        any = true;
      }
    }
    if (!any) continue;
    const codes = column.codes;
    for (let r = 0; r < table.rowCount; r++) mask[r] |= hit[codes[r]];
  }
  return mask;
}

/** Row order for a field: empty values always last, ties in file order. */
export function sortPermutation(
  table: ContactTable,
  derived: Derived,
  field: string,
  direction: 'asc' | 'desc'
): Uint32Array {
  const key = `${field}\u0000${direction}`;
  let perm = derived.sorts.get(key);
  if (!perm) {
    const column = table.columns[field];
    if (!column) throw new Error(`Unknown field "${field}": cannot sort by it.`);
    perm = computePermutation(column, table.rowCount, direction === 'desc', derived, field);
    derived.sorts.set(key, perm);
  }
  return perm;
}

/** Counting sort of rows by a small integer rank (rank 0xffffffff = empty, placed last). */
function countingSort(rowCount: number, rankOf: (r: number) => number, ranks: number): Uint32Array {
  const counts = new Uint32Array(ranks + 2);
  const rowRank = new Uint32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const k = rankOf(r);
    const slot = k === 0xffffffff ? ranks : k;
    rowRank[r] = slot;
    counts[slot + 1]++;
  }
  for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
  const out = new Uint32Array(rowCount);
  for (let r = 0; r < rowCount; r++) out[counts[rowRank[r]]++] = r;
  return out;
}

function computePermutation(
  column: Column,
  rowCount: number,
  desc: boolean,
  derived: Derived,
  field: string
): Uint32Array {
  if (column.kind === 'string') {
    const folded = foldedDict(derived, field, column.dict);
    const dict = column.dict;
    const order = new Uint32Array(dict.length - 1);
    for (let i = 0; i < order.length; i++) order[i] = i + 1;
    order.sort((a, b) => {
      const fa = folded[a];
      const fb = folded[b];
      if (fa !== fb) return fa < fb ? -1 : 1;
      const ra = dict[a];
      const rb = dict[b];
      return ra < rb ? -1 : ra > rb ? 1 : 0;
    });
    const n = order.length;
    const rank = new Uint32Array(dict.length);
    rank[0] = 0xffffffff;
    // Blank-only entries fold to '' and count as empty too.
    for (let i = 0; i < n; i++) {
      const code = order[i];
      rank[code] =
        folded[code] === '' && dict[code].trim() === '' ? 0xffffffff : desc ? n - 1 - i : i;
    }
    const codes = column.codes;
    return countingSort(rowCount, (r) => rank[codes[r]], n);
  }
  if (column.kind === 'boolean') {
    // asc: false, true, empty; desc: true, false, empty.
    const rank = desc ? [0xffffffff, 1, 0] : [0xffffffff, 0, 1];
    const values = column.values;
    return countingSort(rowCount, (r) => rank[values[r]], 2);
  }
  const values = column.values;
  let filled = 0;
  for (let r = 0; r < rowCount; r++) if (!Number.isNaN(values[r])) filled++;
  const out = new Uint32Array(rowCount);
  let head = 0;
  let tail = filled;
  for (let r = 0; r < rowCount; r++) {
    if (Number.isNaN(values[r])) out[tail++] = r;
    else out[head++] = r;
  }
  const part = out.subarray(0, filled);
  if (desc) part.sort((a, b) => values[b] - values[a] || a - b);
  else part.sort((a, b) => values[a] - values[b] || a - b);
  return out;
}

const MAX_CACHED_QUERIES = 6;

/** Ordered row ids matching the query's filters, or null for "every row in file order". */
export function matchingRows(
  table: ContactTable,
  derived: Derived,
  query: ContactQuery,
  membership: Bitset | null
): Uint32Array | null {
  const search = query.search?.trim() ?? '';
  const sort = query.sort ?? null;
  if (!search && !sort && !membership) return null;
  const direction = query.direction ?? 'asc';
  const key = JSON.stringify([search, sort, direction, query.segmentId ?? null]);
  const cached = derived.queries.get(key);
  if (cached) return cached;

  const mask = search ? searchMask(table, derived, search) : null;
  const keep = (r: number) =>
    (!mask || mask[r] === 1) && (!membership || ((membership[r >>> 5] >>> (r & 31)) & 1) === 1);
  const order = sort ? sortPermutation(table, derived, sort, direction) : null;
  let result: Uint32Array;
  if (!mask && !membership && order) {
    result = order;
  } else {
    const out = new Uint32Array(table.rowCount);
    let n = 0;
    if (order) {
      for (let i = 0; i < order.length; i++) if (keep(order[i])) out[n++] = order[i];
    } else {
      for (let r = 0; r < table.rowCount; r++) if (keep(r)) out[n++] = r;
    }
    result = out.slice(0, n);
  }
  if (derived.queries.size >= MAX_CACHED_QUERIES) {
    derived.queries.delete(derived.queries.keys().next().value as string);
  }
  derived.queries.set(key, result);
  return result;
}

/** The rows of `ids` as cells in field order. */
export function rowsOf(table: ContactTable, ids: ArrayLike<number>): ContactPage['rows'] {
  const rows: ContactPage['rows'] = [];
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i];
    rows.push(table.fields.map((f) => cellValue(table.columns[f.name], f.type, r)));
  }
  return rows;
}

export function queryContactTable(
  table: ContactTable | null,
  derived: Derived,
  query: ContactQuery,
  membership: Bitset | null
): ContactPage {
  const offset = Math.max(0, Math.floor(query.offset || 0));
  const limit = Math.max(0, Math.min(10_000, Math.floor(query.limit || 0)));
  if (!table) return { total: 0, offset, ids: [], rows: [] };
  const matching = matchingRows(table, derived, query, membership);
  const total = matching ? matching.length : table.rowCount;
  const end = Math.min(total, offset + limit);
  const ids: number[] = [];
  for (let i = offset; i < end; i++) ids.push(matching ? matching[i] : i);
  return { total, offset, ids, rows: rowsOf(table, ids) };
}
