/**
 * A campaign's delivery events (relay results and events, provider exports) as DeliveryColumns
 * kept in the `deliveryChunks` table. The store only grows: each append adds one row per array
 * (just the new events) and one per dictionary that gained entries (just the new entries),
 * plus the meta row with the new totals — all in the caller's transaction, so an append that
 * fails or is cancelled leaves the store as it was. A send of 200 batches thus writes 200 small
 * pieces instead of rewriting a growing tail; once a campaign has many pieces the next append
 * rewrites them as a few large ones (compaction) so reading stays a handful of rows.
 *
 * Rows are keyed [campaignId, 0, column, seq]: the generation slot is unused (always 0), seq
 * numbers a column's pieces in order. Columns: `meta` (seq 0), `a:<array>` and `d:<dictionary>`.
 */
import {
  DELIVERY_KINDS,
  type CountingColumns,
  type DeliveryColumns
} from '$lib/core/analytics/delivery-columns';
import { STRINGS_PER_CHUNK, type ChunkRow, type NumericArray } from './chunk-store';
import type { SliceDb } from './slice-db';

export const DELIVERY_ARRAYS = [
  'kind',
  'at',
  'machine',
  'bounce',
  'message',
  'contact',
  'emailing',
  'reason',
  'url'
] as const;
export type DeliveryArray = (typeof DELIVERY_ARRAYS)[number];

export const DELIVERY_DICTS = ['messages', 'emailings', 'reasons', 'urls'] as const;
export type DeliveryDict = (typeof DELIVERY_DICTS)[number];

/** Which dictionary each coded array points into. */
export const DICT_OF = {
  message: 'messages',
  emailing: 'emailings',
  reason: 'reasons',
  url: 'urls'
} as const satisfies Partial<Record<DeliveryArray, DeliveryDict>>;

type ArrayCtor = { new (length: number): NumericArray; BYTES_PER_ELEMENT: number };
/** The typed array of each delivery column (the DeliveryColumns types). */
export const DELIVERY_ARRAY_CTOR: Record<DeliveryArray, ArrayCtor> = {
  kind: Uint8Array,
  at: Float64Array,
  machine: Uint8Array,
  bounce: Uint8Array,
  message: Uint32Array,
  contact: Int32Array,
  emailing: Uint32Array,
  reason: Uint32Array,
  url: Uint32Array
};

export interface DeliveryMeta {
  /** Events stored. */
  count: number;
  /** Entries of each dictionary (code 0, '', included). */
  sizes: Record<DeliveryDict, number>;
  /** Next piece number of every column. */
  nextSeq: number;
  /** Increases with every append: what a cached copy is checked against. */
  version: number;
}

export const EMPTY_DELIVERY_META: DeliveryMeta = {
  count: 0,
  sizes: { messages: 1, emailings: 1, reasons: 1, urls: 1 },
  nextSeq: 0,
  version: 0
};

/** Pieces per column after which an append compacts the store. */
export const COMPACT_AFTER_PIECES = 64;
/** Events per array piece written by a compaction. */
export const DELIVERY_PIECE_LENGTH = 1 << 20;

export function emptyDeliveryColumns(): DeliveryColumns {
  return {
    count: 0,
    kind: new Uint8Array(0),
    at: new Float64Array(0),
    machine: new Uint8Array(0),
    bounce: new Uint8Array(0),
    message: new Uint32Array(0),
    messages: [''],
    contact: new Int32Array(0),
    emailing: new Uint32Array(0),
    emailings: [''],
    reason: new Uint32Array(0),
    reasons: [''],
    url: new Uint32Array(0),
    urls: ['']
  };
}

function metaKey(campaignId: string): [string, number, string, number] {
  return [campaignId, 0, 'meta', 0];
}

export async function readDeliveryMeta(db: SliceDb, campaignId: string): Promise<DeliveryMeta> {
  const row = await db.deliveryChunks.get(metaKey(campaignId));
  return (row?.meta as DeliveryMeta | undefined) ?? EMPTY_DELIVERY_META;
}

function columnRows(db: SliceDb, campaignId: string, column: string) {
  return db.deliveryChunks
    .where('[campaignId+generation+column+chunk]')
    .between([campaignId, 0, column], [campaignId, 0, column, []], true, true)
    .toArray();
}

function concatArrays(rows: ChunkRow[], Ctor: ArrayCtor, length: number): NumericArray {
  const out = new Ctor(length);
  let at = 0;
  for (const row of rows) {
    const a = row.array;
    if (!a) continue;
    const n = Math.min(a.length, length - at);
    if (n <= 0) break;
    out.set(n === a.length ? a : a.subarray(0, n), at);
    at += n;
  }
  if (at !== length)
    throw new Error(`The stored delivery events are incomplete (${at} of ${length}).`);
  return out;
}

function concatStrings(rows: ChunkRow[], size: number): string[] {
  const out: string[] = [''];
  for (const row of rows) {
    const { text, offsets } = row;
    if (text === undefined || !offsets) continue;
    for (let i = 0; i + 1 < offsets.length && out.length < size; i++)
      out.push(text.slice(offsets[i], offsets[i + 1]));
  }
  if (out.length !== size)
    throw new Error(`A stored delivery dictionary is incomplete (${out.length} of ${size}).`);
  return out;
}

/** The arrays and dictionaries `names` of a campaign's store at `meta`, inside the caller's transaction. */
/** Named arrays and dictionaries of the delivery store, each whole. */
interface Parts<A extends DeliveryArray, D extends DeliveryDict> {
  arrays: Record<A, NumericArray>;
  dicts: Record<D, string[]>;
}

async function readParts<A extends DeliveryArray, D extends DeliveryDict>(
  db: SliceDb,
  campaignId: string,
  meta: DeliveryMeta,
  arrayNames: readonly A[],
  dictNames: readonly D[]
): Promise<Parts<A, D>> {
  // Every piece asked for at once: IndexedDB reads them in parallel.
  const [arrayRows, dictRows] = await Promise.all([
    Promise.all(arrayNames.map((name) => columnRows(db, campaignId, `a:${name}`))),
    Promise.all(dictNames.map((name) => columnRows(db, campaignId, `d:${name}`)))
  ]);
  const arrays = {} as Record<A, NumericArray>;
  arrayNames.forEach((name, i) => {
    arrays[name] = concatArrays(arrayRows[i], DELIVERY_ARRAY_CTOR[name], meta.count);
  });
  const dicts = {} as Record<D, string[]>;
  dictNames.forEach((name, i) => {
    dicts[name] = concatStrings(dictRows[i], meta.sizes[name]);
  });
  return { arrays, dicts };
}

type CountingArray = Exclude<DeliveryArray, 'contact'>;
type CountingDict = Exclude<DeliveryDict, 'messages'>;
const COUNTING_ARRAYS = DELIVERY_ARRAYS.filter((name): name is CountingArray => name !== 'contact');
const COUNTING_DICTS = DELIVERY_DICTS.filter((name): name is CountingDict => name !== 'messages');

/**
 * Reads the campaign's delivery meta and the named parts in one read transaction, and shapes
 * them with `shape` (none are read for a campaign that never stored any).
 */
function readShaped<A extends DeliveryArray, D extends DeliveryDict, T>(
  db: SliceDb,
  campaignId: string,
  arrayNames: readonly A[],
  dictNames: readonly D[],
  shape: (meta: DeliveryMeta, parts: Parts<A, D>) => T,
  empty: () => T
): Promise<{ meta: DeliveryMeta; columns: T }> {
  return db.transaction('r', db.deliveryChunks, async () => {
    const meta = await readDeliveryMeta(db, campaignId);
    if (meta.count === 0 && meta.version === 0) return { meta, columns: empty() };
    const parts = await readParts(db, campaignId, meta, arrayNames, dictNames);
    return { meta, columns: shape(meta, parts) };
  });
}

/** The columns counting reads, from parts holding at least COUNTING_ARRAYS and COUNTING_DICTS. */
function countingOf(
  meta: DeliveryMeta,
  { arrays: a, dicts: d }: Parts<CountingArray, CountingDict>
): CountingColumns {
  return {
    count: meta.count,
    kind: a.kind as Uint8Array,
    at: a.at as Float64Array,
    machine: a.machine as Uint8Array,
    bounce: a.bounce as Uint8Array,
    message: a.message as Uint32Array,
    messages: { length: meta.sizes.messages },
    emailing: a.emailing as Uint32Array,
    emailings: d.emailings,
    reason: a.reason as Uint32Array,
    reasons: d.reasons,
    url: a.url as Uint32Array,
    urls: d.urls
  };
}

/** The campaign's delivery events and the meta they were read at (one read transaction). */
export function readDeliveryColumns(
  db: SliceDb,
  campaignId: string
): Promise<{ meta: DeliveryMeta; columns: DeliveryColumns }> {
  return readShaped(
    db,
    campaignId,
    DELIVERY_ARRAYS,
    DELIVERY_DICTS,
    (meta, parts): DeliveryColumns => ({
      ...countingOf(meta, parts),
      messages: parts.dicts.messages,
      contact: parts.arrays.contact as Int32Array
    }),
    emptyDeliveryColumns
  );
}

/**
 * What counting needs of the campaign's delivery events (CountingColumns: no contact rows, no
 * message keys, only their number), and the meta they were read at (one read transaction).
 */
export function readCountingColumns(
  db: SliceDb,
  campaignId: string
): Promise<{ meta: DeliveryMeta; columns: CountingColumns }> {
  return readShaped(
    db,
    campaignId,
    COUNTING_ARRAYS,
    COUNTING_DICTS,
    countingOf,
    emptyDeliveryColumns
  );
}

function packStrings(strings: readonly string[]): { text: string; offsets: Uint32Array } {
  const offsets = new Uint32Array(strings.length + 1);
  let at = 0;
  for (let i = 0; i < strings.length; i++) {
    at += strings[i].length;
    offsets[i + 1] = at;
  }
  return { text: strings.join(''), offsets };
}

/**
 * Checks that `columns` is whole: every array `count` long, every code inside its dictionary,
 * kinds and bounce classes known, times finite. Returns the first problem or null. Used on
 * what an append is about to write and on what a backup brings.
 */
export function deliveryColumnsProblem(columns: DeliveryColumns): string | null {
  const n = columns.count;
  if (!Number.isSafeInteger(n) || n < 0) return 'the delivery event count is not a whole number';
  for (const name of DELIVERY_ARRAYS) {
    const array = columns[name] as ArrayLike<number> | undefined;
    if (!array || array.length !== n)
      return `the delivery events' ${name} column does not have one value per event`;
  }
  for (const dict of DELIVERY_DICTS) {
    const values = columns[dict] as unknown;
    if (!Array.isArray(values) || values.some((s) => typeof s !== 'string'))
      return `the delivery ${dict} are not a list of texts`;
    if (values[0] !== '') return `the delivery ${dict} do not start with the empty value`;
  }
  for (const [array, dict] of Object.entries(DICT_OF) as [DeliveryArray, DeliveryDict][]) {
    const codes = columns[array] as ArrayLike<number>;
    const size = columns[dict].length;
    for (let i = 0; i < n; i++)
      if (codes[i] >= size)
        return `delivery event ${i + 1} refers to entry ${codes[i]} of its ${dict} (${size})`;
  }
  for (let i = 0; i < n; i++) {
    if (columns.kind[i] >= DELIVERY_KINDS.length)
      return `delivery event ${i + 1} has an unknown kind (${columns.kind[i]})`;
    if (columns.bounce[i] > 2) return `delivery event ${i + 1} has an unknown bounce class`;
    if (columns.machine[i] > 1) return `delivery event ${i + 1} has an unknown machine flag`;
    if (!Number.isFinite(columns.at[i])) return `delivery event ${i + 1} has no time`;
    if (columns.contact[i] < -1) return `delivery event ${i + 1} has an impossible contact`;
  }
  return null;
}

/**
 * New events to add to a campaign's store: their arrays (codes already in the store's
 * dictionaries) and the dictionary entries they added past `base`'s sizes.
 */
export interface DeliveryAddition {
  count: number;
  arrays: Record<DeliveryArray, NumericArray>;
  /** Entries appended to each dictionary, in code order after the base's last code. */
  newEntries: Record<DeliveryDict, string[]>;
}

/**
 * Writes an addition on top of `base` (the meta its codes were made against), inside the
 * caller's read-write transaction over `deliveryChunks`. Throws when the store changed since
 * `base` was read (another append won): the caller's transaction then aborts and nothing is
 * written. Returns the new meta.
 */
export async function writeDeliveryAddition(
  db: SliceDb,
  campaignId: string,
  base: DeliveryMeta,
  addition: DeliveryAddition
): Promise<DeliveryMeta> {
  const current = await readDeliveryMeta(db, campaignId);
  if (current.version !== base.version)
    throw new DeliveryStoreChanged('The delivery events changed while new ones were added.');
  const seq = base.nextSeq;
  const rows: ChunkRow[] = [];
  if (addition.count > 0) {
    for (const name of DELIVERY_ARRAYS) {
      const array = addition.arrays[name];
      if (array.length !== addition.count)
        throw new Error(`An append of delivery events has a short ${name} column.`);
      rows.push({ campaignId, generation: 0, column: `a:${name}`, chunk: seq, array });
    }
  }
  const sizes = { ...base.sizes };
  for (const dict of DELIVERY_DICTS) {
    const entries = addition.newEntries[dict];
    if (entries.length === 0) continue;
    sizes[dict] += entries.length;
    rows.push({
      campaignId,
      generation: 0,
      column: `d:${dict}`,
      chunk: seq,
      ...packStrings(entries)
    });
  }
  const meta: DeliveryMeta = {
    count: base.count + addition.count,
    sizes,
    nextSeq: seq + 1,
    version: base.version + 1
  };
  rows.push({ campaignId, generation: 0, column: 'meta', chunk: 0, meta });
  await db.deliveryChunks.bulkPut(rows);
  return meta;
}

/**
 * Rewrites a campaign's whole store as few large pieces, inside the caller's transaction
 * (`columns` is everything stored, read at `base`). Returns the new meta.
 */
export async function compactDelivery(
  db: SliceDb,
  campaignId: string,
  base: DeliveryMeta,
  columns: DeliveryColumns
): Promise<DeliveryMeta> {
  const current = await readDeliveryMeta(db, campaignId);
  if (current.version !== base.version)
    throw new DeliveryStoreChanged('The delivery events changed while they were compacted.');
  await db.deliveryChunks.where('campaignId').equals(campaignId).delete();
  return writeWholeDelivery(db, campaignId, columns, base.version + 1);
}

/** Writes `columns` as a fresh store (restore, compaction), inside the caller's transaction. */
export async function writeWholeDelivery(
  db: SliceDb,
  campaignId: string,
  columns: DeliveryColumns,
  version = 1
): Promise<DeliveryMeta> {
  const rows: ChunkRow[] = [];
  let seq = 0;
  for (let start = 0; start < columns.count; start += DELIVERY_PIECE_LENGTH, seq++) {
    const end = Math.min(columns.count, start + DELIVERY_PIECE_LENGTH);
    for (const name of DELIVERY_ARRAYS)
      rows.push({
        campaignId,
        generation: 0,
        column: `a:${name}`,
        chunk: seq,
        array: (columns[name] as NumericArray).slice(start, end)
      });
  }
  for (const dict of DELIVERY_DICTS) {
    const values = columns[dict];
    for (let start = 1, s = 0; start < values.length; start += STRINGS_PER_CHUNK, s++)
      rows.push({
        campaignId,
        generation: 0,
        column: `d:${dict}`,
        chunk: s,
        ...packStrings(values.slice(start, start + STRINGS_PER_CHUNK))
      });
    seq = Math.max(seq, Math.ceil((values.length - 1) / STRINGS_PER_CHUNK));
  }
  const meta: DeliveryMeta = {
    count: columns.count,
    sizes: {
      messages: columns.messages.length,
      emailings: columns.emailings.length,
      reasons: columns.reasons.length,
      urls: columns.urls.length
    },
    nextSeq: seq,
    version
  };
  rows.push({ campaignId, generation: 0, column: 'meta', chunk: 0, meta });
  await db.deliveryChunks.bulkPut(rows);
  return meta;
}

export class DeliveryStoreChanged extends Error {}

/** Whether `meta` has so many pieces that the next append should compact. */
export function wantsCompaction(meta: DeliveryMeta): boolean {
  return meta.nextSeq >= COMPACT_AFTER_PIECES;
}
