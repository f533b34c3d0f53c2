/**
 * Stable random samples: a contact's bucket for a seed is
 *   first 8 hex digits of md5(seed || identity), read as an unsigned integer, mod buckets,
 * where identity is the stored identity value. SQL computes the same (see to-sql.ts). Hashes
 * are kept in the EvalCache per identity column and seed because a 1M-row md5 pass costs
 * about a second.
 */
import type { Column, ContactTable } from '../columns/types';
import type { EvalCache } from './eval-cache';
import { md5Prefix32 } from './md5';
import { isBlank } from '../text/fold';

/** The identity text of a row as the hash sees it ('' when empty). */
export function identityText(column: Column | undefined, row: number): string {
  if (!column) return '';
  if (column.kind === 'string') {
    const v = column.dict[column.codes[row]];
    return isBlank(v) ? '' : v;
  }
  if (column.kind === 'number') {
    const v = column.values[row];
    return Number.isNaN(v) ? '' : String(v);
  }
  return column.values[row] === 0 ? '' : column.values[row] === 2 ? 'true' : 'false';
}

/** The 32-bit hash of seed + identity (NaN for an empty identity, which is in no bucket). */
export function sampleHash(seed: string, identity: string): number {
  return identity === '' ? NaN : md5Prefix32(seed + identity);
}

/** The bucket of a contact for a sample condition, or -1 when its identity is empty. */
export function sampleBucket(seed: string, identity: string, buckets: number): number {
  const h = sampleHash(seed, identity);
  return Number.isNaN(h) ? -1 : h % buckets;
}

/** Per-row hashes for a seed, kept in `cache` per identity column and seed. */
export function sampleHashes(cache: EvalCache, contacts: ContactTable, seed: string): Float64Array {
  const column = contacts.columns[contacts.identity];
  const make = () => {
    const out = new Float64Array(contacts.rowCount);
    for (let r = 0; r < contacts.rowCount; r++) out[r] = sampleHash(seed, identityText(column, r));
    return out;
  };
  if (!column) return make();
  return cache.derive(
    column,
    `sample:${seed}`,
    make,
    (h) => h.byteLength,
    (h) => h.length === contacts.rowCount
  );
}

export function hasSampleHashes(cache: EvalCache, contacts: ContactTable, seed: string): boolean {
  const column = contacts.columns[contacts.identity];
  if (!column) return false;
  return cache.peek<Float64Array>(column, `sample:${seed}`)?.length === contacts.rowCount;
}
