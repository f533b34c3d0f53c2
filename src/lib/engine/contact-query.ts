/**
 * The contacts browser's queries over the worker's columns: search (case- and
 * accent-insensitive with the segment rules' foldText, evaluated once per dictionary entry,
 * then per row through the codes),
 * sort (a cached permutation per field and direction) and paging, optionally within a
 * segment's stored membership. Results are cached as ordered row ids so scrolling pages
 * through them costs only the page.
 */
import { STRING_FIELD_TYPES, type Column, type ContactTable } from '$lib/core/columns/types';
import type { Bitset } from '$lib/core/columns/bitset';
// The same fold as segment rules: a search for "strasse" finds what `contains strasse` finds.
import { foldText } from '$lib/core/text/fold';
import type { ContactPage, ContactQuery } from './api';
import type { Derived } from './campaign-cache';
import { cellValue } from './cell-values';

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

/**
 * Sorts the items 0..n-1: a native BigUint64Array sort on a 64-bit key (the item's order
 * prefix in the high bits, its index in the low bits), then an exact comparison only inside
 * runs whose prefixes tie. A comparator sort of 1M strings takes seconds; this takes a tenth.
 * Ties end in index order. Assumes a little-endian platform (every browser and Node target).
 */
function prefixSort(
  n: number,
  fillKey: (i: number, key: Uint32Array) => void,
  compare: (a: number, b: number) => number
): Uint32Array {
  const ib = n <= 1 ? 1 : 32 - Math.clz32(n - 1);
  if (ib > 31) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all.sort((a, b) => compare(a, b) || a - b);
  }
  const mask = (1 << ib) - 1;
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const key = new Uint32Array(2);
  for (let i = 0; i < n; i++) {
    key[0] = 0;
    key[1] = 0;
    fillKey(i, key);
    words[2 * i] = (key[0] & ~mask) | i;
    words[2 * i + 1] = key[1];
  }
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = words[2 * i] & mask;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (
      i === n ||
      words[2 * i + 1] !== words[2 * start + 1] ||
      (words[2 * i] & ~mask) !== (words[2 * start] & ~mask)
    ) {
      if (i - start > 1) out.subarray(start, i).sort((a, b) => compare(a, b) || a - b);
      start = i;
    }
  }
  return out;
}

/** Dictionary codes 1..n-1 in ascending order of folded text (raw text breaks ties). */
function dictOrder(derived: Derived, field: string, dict: string[]): Uint32Array {
  const cacheKey = `${field}\u0000order`;
  const cached = derived.sorts.get(cacheKey);
  if (cached) return cached;
  const folded = foldedDict(derived, field, dict);
  const sorted = prefixSort(
    dict.length - 1,
    (i, key) => {
      // Eight characters, one byte each: end of text = 0, code unit c = c + 1 (capped at
      // 255, so any text past U+00FE ties and is settled by the exact comparison).
      const s = folded[i + 1];
      const len = Math.min(8, s.length);
      let hi = 0;
      let lo = 0;
      for (let k = 0; k < len; k++) {
        const b = Math.min(255, s.charCodeAt(k) + 1);
        if (k < 4) hi |= b << (24 - 8 * k);
        else lo |= b << (24 - 8 * (k - 4));
      }
      key[1] = hi;
      key[0] = lo;
    },
    (a, b) => {
      const fa = folded[a + 1];
      const fb = folded[b + 1];
      if (fa !== fb) return fa < fb ? -1 : 1;
      const ra = dict[a + 1];
      const rb = dict[b + 1];
      return ra < rb ? -1 : ra > rb ? 1 : 0;
    }
  );
  for (let i = 0; i < sorted.length; i++) sorted[i] += 1;
  derived.sorts.set(cacheKey, sorted);
  return sorted;
}

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);

function computePermutation(
  column: Column,
  rowCount: number,
  desc: boolean,
  derived: Derived,
  field: string
): Uint32Array {
  if (column.kind === 'string') {
    const dict = column.dict;
    const folded = foldedDict(derived, field, dict);
    const order = dictOrder(derived, field, dict);
    const n = order.length;
    const rank = new Uint32Array(dict.length);
    rank[0] = 0xffffffff;
    for (let i = 0; i < n; i++) {
      const code = order[i];
      // Blank-only entries count as empty.
      rank[code] = folded[code] === '' ? 0xffffffff : desc ? n - 1 - i : i;
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
  const rows = new Uint32Array(filled);
  const out = new Uint32Array(rowCount);
  let head = 0;
  let tail = filled;
  for (let r = 0; r < rowCount; r++) {
    if (Number.isNaN(values[r])) out[tail++] = r;
    else rows[head++] = r;
  }
  const sorted = prefixSort(
    filled,
    (i, key) => {
      // IEEE 754 bits made to sort as unsigned integers (negative: all bits flipped).
      F64[0] = values[rows[i]] + 0; // -0 -> +0
      let hi = F64_WORDS[1];
      let lo = F64_WORDS[0];
      if (hi & 0x80000000) {
        hi = ~hi;
        lo = ~lo;
      } else hi |= 0x80000000;
      if (desc) {
        hi = ~hi;
        lo = ~lo;
      }
      key[1] = hi;
      key[0] = lo;
    },
    desc ? (a, b) => values[rows[b]] - values[rows[a]] : (a, b) => values[rows[a]] - values[rows[b]]
  );
  for (let i = 0; i < filled; i++) out[i] = rows[sorted[i]];
  return out;
}

const MAX_CACHED_QUERIES = 6;

/** Ordered row ids matching the query's filters, or null for "every row in file order". */
export function matchingRows(
  table: ContactTable,
  derived: Derived,
  query: ContactQuery,
  membership: Bitset | null,
  /** Identifies the email filter's result (its condition and the data it was computed on). */
  filterKey: string | null = null
): Uint32Array | null {
  const search = query.search?.trim() ?? '';
  const sort = query.sort ?? null;
  if (!search && !sort && !membership) return null;
  const direction = query.direction ?? 'asc';
  const key = JSON.stringify([search, sort, direction, query.segmentId ?? null, filterKey]);
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
  membership: Bitset | null,
  filterKey: string | null = null
): ContactPage {
  const offset = Math.max(0, Math.floor(query.offset || 0));
  const limit = Math.max(0, Math.min(10_000, Math.floor(query.limit || 0)));
  if (!table) return { total: 0, offset, ids: [], rows: [] };
  const matching = matchingRows(table, derived, query, membership, filterKey);
  const total = matching ? matching.length : table.rowCount;
  const end = Math.min(total, offset + limit);
  const ids: number[] = [];
  for (let i = offset; i < end; i++) ids.push(matching ? matching[i] : i);
  return { total, offset, ids, rows: rowsOf(table, ids) };
}
