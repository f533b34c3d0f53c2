/**
 * Generic chunk rows shared by the contact and event chunk tables: typed arrays cut into
 * fixed-size pieces and string arrays packed as one string plus Uint32Array offsets (no
 * separator, so any string round-trips). Measured in Chromium, this is what makes 1M rows
 * write in about a second and read back in well under one (BENCHMARKS.md).
 */
import type { Table } from 'dexie';
import type { ChunkKey } from './slice-db';

export type NumericArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

export interface ChunkRow {
  campaignId: string;
  generation: number;
  /** What the row holds, e.g. `codes:email`, `dict:email`, `values:age`, `meta`. */
  column: string;
  chunk: number;
  /** A piece of a typed array (its own buffer, never a view into a bigger one). */
  array?: NumericArray;
  /** Packed strings: entry i is text.slice(offsets[i], offsets[i + 1]). */
  text?: string;
  offsets?: Uint32Array;
  /** Small structured metadata. */
  meta?: unknown;
}

export type ChunkPiece = Omit<ChunkRow, 'campaignId' | 'generation'>;

/** Rows per contact chunk. */
export const CHUNK_ROWS = 65_536;
/** Strings per packed dictionary chunk. */
export const STRINGS_PER_CHUNK = 65_536;

/**
 * Cuts an array into pieces of `chunkLength` elements. Each piece is a copy: structured clone
 * of a view would store the whole underlying buffer every time.
 */
export function chunkArray(column: string, array: NumericArray, chunkLength: number): ChunkPiece[] {
  const pieces: ChunkPiece[] = [];
  for (let start = 0, chunk = 0; start < array.length; start += chunkLength, chunk++) {
    pieces.push({ column, chunk, array: array.slice(start, start + chunkLength) });
  }
  return pieces;
}

export function chunkStrings(column: string, strings: readonly string[]): ChunkPiece[] {
  const pieces: ChunkPiece[] = [];
  for (let start = 0, chunk = 0; start < strings.length; start += STRINGS_PER_CHUNK, chunk++) {
    const part = strings.slice(start, start + STRINGS_PER_CHUNK);
    const offsets = new Uint32Array(part.length + 1);
    let at = 0;
    for (let i = 0; i < part.length; i++) {
      at += part[i].length;
      offsets[i + 1] = at;
    }
    pieces.push({ column, chunk, text: part.join(''), offsets });
  }
  return pieces;
}

/** Dictionary codes take the narrowest unsigned width their dictionary size allows. */
export function narrowCodes(
  codes: Uint32Array,
  dictSize: number
): Uint8Array | Uint16Array | Uint32Array {
  if (dictSize <= 0x100) return Uint8Array.from(codes);
  if (dictSize <= 0x10000) return Uint16Array.from(codes);
  return codes;
}

type ArrayCtor<T extends NumericArray> = { new (length: number): T };

/** Concatenates pieces (in chunk order) into one array of `length` elements. */
export function assembleArray<T extends NumericArray>(
  pieces: readonly ChunkRow[] | undefined,
  Ctor: ArrayCtor<T>,
  length: number
): T {
  const out = new Ctor(length);
  let at = 0;
  for (const piece of pieces ?? []) {
    const array = piece.array;
    if (!array) continue;
    const n = Math.min(array.length, length - at);
    if (n <= 0) break;
    out.set(n === array.length ? array : array.subarray(0, n), at);
    at += n;
  }
  return out;
}

/**
 * Packed dictionary chunks kept as read: entry i is sliced out only when asked for. Splitting a
 * million-entry dictionary into a string[] costs a few hundred milliseconds; the contacts
 * browser's first page needs a handful of entries.
 */
export class PackedStrings {
  readonly length: number;
  private readonly texts: string[] = [];
  private readonly offsets: Uint32Array[] = [];
  /** Index of the first entry of each piece. */
  private readonly starts: number[] = [];

  /**
   * `pieces` in chunk order. With `sparse`, only some chunks may be there (each placed by its
   * chunk number, all but the last holding STRINGS_PER_CHUNK entries); entries of a missing
   * chunk read as ''. toArray() is for complete dictionaries only.
   */
  constructor(pieces: readonly ChunkRow[] | undefined, sparse = false) {
    let total = 0;
    for (const piece of pieces ?? []) {
      if (piece.text === undefined || !piece.offsets || piece.offsets.length < 2) continue;
      const start = sparse ? piece.chunk * STRINGS_PER_CHUNK : total;
      this.texts.push(piece.text);
      this.offsets.push(piece.offsets);
      this.starts.push(start);
      total = start + piece.offsets.length - 1;
    }
    this.length = total;
  }

  /** Entry i ('' when out of range). */
  get(i: number): string {
    if (!(i >= 0 && i < this.length)) return '';
    // Pieces hold STRINGS_PER_CHUNK entries except the last: a division finds the piece.
    let p = Math.min(this.starts.length - 1, Math.floor(i / STRINGS_PER_CHUNK));
    while (p > 0 && this.starts[p] > i) p--;
    while (p + 1 < this.starts.length && this.starts[p + 1] <= i) p++;
    const offsets = this.offsets[p];
    const k = i - this.starts[p];
    // A chunk missing from a sparse set.
    if (k < 0 || k + 1 >= offsets.length) return '';
    return this.texts[p].slice(offsets[k], offsets[k + 1]);
  }

  /** Every entry, split once. */
  toArray(): string[] {
    // Pre-sized: a million pushes into a growing array cost more than the slicing itself.
    const out = new Array<string>(this.length);
    let k = 0;
    for (let p = 0; p < this.texts.length; p++) {
      const text = this.texts[p];
      const offsets = this.offsets[p];
      for (let i = 0; i + 1 < offsets.length; i++)
        out[k++] = text.slice(offsets[i], offsets[i + 1]);
    }
    return out;
  }
}

export function assembleStrings(pieces: readonly ChunkRow[] | undefined): string[] {
  let total = 0;
  for (const piece of pieces ?? []) if (piece.offsets) total += piece.offsets.length - 1;
  // Pre-sized: a million pushes into a growing array cost more than the slicing itself.
  const out = new Array<string>(total);
  let k = 0;
  for (const piece of pieces ?? []) {
    const { text, offsets } = piece;
    if (text === undefined || !offsets) continue;
    for (let i = 0; i + 1 < offsets.length; i++) out[k++] = text.slice(offsets[i], offsets[i + 1]);
  }
  return out;
}

function pieceBytes(piece: ChunkPiece): number {
  return (
    (piece.array?.byteLength ?? 0) +
    (piece.text?.length ?? 0) * 2 +
    (piece.offsets?.byteLength ?? 0) +
    64
  );
}

/** Bytes a generation's pieces take, for progress and for the quota message. */
export function piecesBytes(pieces: readonly ChunkPiece[]): number {
  let total = 0;
  for (const piece of pieces) total += pieceBytes(piece);
  return total;
}

/** About this many bytes go into one write transaction: few transactions, bounded memory. */
const BYTES_PER_TRANSACTION = 32 * 1024 * 1024;

/**
 * Writes pieces under one generation in a few bulkPut transactions. The generation is invisible
 * until the campaign row points at it, so a failure midway leaves only orphans to delete.
 */
export async function writeGeneration(
  table: Table<ChunkRow, ChunkKey>,
  campaignId: string,
  generation: number,
  pieces: readonly ChunkPiece[],
  onWritten?: (bytes: number) => void
): Promise<void> {
  let batch: ChunkRow[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await table.bulkPut(batch);
    onWritten?.(batchBytes);
    batch = [];
    batchBytes = 0;
  };
  for (const piece of pieces) {
    batch.push({ ...piece, campaignId, generation });
    batchBytes += pieceBytes(piece);
    if (batchBytes >= BYTES_PER_TRANSACTION) await flush();
  }
  await flush();
}

function generationRange(table: Table<ChunkRow, ChunkKey>, campaignId: string, generation: number) {
  // [c, g] sorts before every [c, g, column, chunk]; an array sorts after every string, so
  // [c, g, []] sorts after them all. (Reusing one maxKey object twice in a key is rejected as
  // a cycle by some IndexedDB implementations.)
  return table
    .where('[campaignId+generation+column+chunk]')
    .between([campaignId, generation], [campaignId, generation, []], true, true);
}

/** Every row of a generation, grouped by column and sorted by chunk (the key order). */
export async function readGeneration(
  table: Table<ChunkRow, ChunkKey>,
  campaignId: string,
  generation: number
): Promise<Map<string, ChunkRow[]>> {
  const rows = await generationRange(table, campaignId, generation).toArray();
  const byColumn = new Map<string, ChunkRow[]>();
  for (const row of rows) {
    let list = byColumn.get(row.column);
    if (!list) byColumn.set(row.column, (list = []));
    list.push(row);
  }
  return byColumn;
}

export function deleteGeneration(
  table: Table<ChunkRow, ChunkKey>,
  campaignId: string,
  generation: number
): Promise<number> {
  return generationRange(table, campaignId, generation).delete();
}

/** Deletes every chunk of a campaign whose generation is not in `keep` (orphans). */
export async function deleteOtherGenerations(
  table: Table<ChunkRow, ChunkKey>,
  campaignId: string,
  keep: readonly number[]
): Promise<number> {
  const keys = await table.where('campaignId').equals(campaignId).primaryKeys();
  const doomed = keys.filter((key) => !keep.includes(key[1]));
  if (doomed.length > 0) await table.bulkDelete(doomed);
  return doomed.length;
}
