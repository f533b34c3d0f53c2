/**
 * Contacts as column chunks: each column cut into pieces of CHUNK_ROWS rows (dictionary codes
 * in the narrowest width, float64 numbers, uint8 booleans) and each string dictionary stored
 * once, packed. A `meta` row describes the generation so it can be read back on its own.
 */
import type { Column, ContactTable, FieldSpec, StringColumn } from '$lib/core/columns/types';
import {
  assembleArray,
  chunkArray,
  chunkStrings,
  CHUNK_ROWS,
  narrowCodes,
  PackedStrings,
  STRINGS_PER_CHUNK,
  type ChunkPiece,
  type ChunkRow
} from './chunk-store';
import type { SliceDb } from './slice-db';
import { nameRecord } from '$lib/core/columns/name-record';

interface ContactMeta {
  rowCount: number;
  identity: string;
  fields: FieldSpec[];
  columns: Record<string, { kind: Column['kind']; dictSize: number }>;
}

export function encodeContactTable(table: ContactTable): ChunkPiece[] {
  const meta: ContactMeta = {
    rowCount: table.rowCount,
    identity: table.identity,
    fields: table.fields.map((f) => ({ ...f })),
    columns: nameRecord()
  };
  const pieces: ChunkPiece[] = [];
  for (const field of table.fields) {
    const column = table.columns[field.name];
    if (!column) throw new Error(`Column ${field.name} is missing from the contact table.`);
    if (column.kind === 'string') {
      meta.columns[field.name] = { kind: 'string', dictSize: column.dict.length };
      const codes = narrowCodes(column.codes.subarray(0, table.rowCount), column.dict.length);
      pieces.push(...chunkArray(`codes:${field.name}`, codes, CHUNK_ROWS));
      pieces.push(...chunkStrings(`dict:${field.name}`, column.dict));
    } else {
      meta.columns[field.name] = { kind: column.kind, dictSize: 0 };
      pieces.push(
        ...chunkArray(`values:${field.name}`, column.values.subarray(0, table.rowCount), CHUNK_ROWS)
      );
    }
  }
  pieces.unshift({ column: 'meta', chunk: 0, meta });
  return pieces;
}

/** A string column read from storage: it also answers single entries while still packed. */
interface PackedStringColumn extends StringColumn {
  /** Entry `code` of the dictionary, read from the packed form until it is split. */
  entry(code: number): string;
}

/**
 * A string column whose `dict` is split from the packed chunks on first use. Opening a campaign
 * then costs no O(dictionary) work: the first page of contacts reads its few entries with
 * dictEntry(), and a search, sort or segment condition on a field splits that field only.
 * The column owns both forms (no table on the side): they go with it when the campaign cache
 * drops the campaign.
 */
export function lazyStringColumn(codes: Uint32Array, packed: PackedStrings): StringColumn {
  if (packed.length === 0) return { kind: 'string', codes, dict: [''] };
  let dict: string[] | null = null;
  let still: PackedStrings | null = packed;
  const column = { kind: 'string', codes } as PackedStringColumn;
  Object.defineProperty(column, 'dict', {
    get() {
      if (!dict) {
        dict = (still as PackedStrings).toArray();
        still = null;
      }
      return dict;
    },
    set(value: string[]) {
      dict = value;
      still = null;
    },
    enumerable: true,
    configurable: true
  });
  // Not enumerable: copies of the column ({ ...column }) are plain string columns.
  Object.defineProperty(column, 'entry', {
    value: (code: number) => (still ? still.get(code) : column.dict[code]),
    enumerable: false
  });
  return column;
}

/** Entry `code` of a string column's dictionary, without splitting a still-packed one. */
export function dictEntry(column: StringColumn, code: number): string {
  const entry = (column as Partial<PackedStringColumn>).entry;
  return entry ? entry(code) : column.dict[code];
}

function decodeColumn(meta: ContactMeta, name: string, byColumn: Map<string, ChunkRow[]>): Column {
  const info = meta.columns[name];
  if (info.kind === 'string') {
    return lazyStringColumn(
      assembleArray(byColumn.get(`codes:${name}`), Uint32Array, meta.rowCount),
      new PackedStrings(byColumn.get(`dict:${name}`))
    );
  }
  if (info.kind === 'number') {
    return {
      kind: 'number',
      values: assembleArray(byColumn.get(`values:${name}`), Float64Array, meta.rowCount)
    };
  }
  return {
    kind: 'boolean',
    values: assembleArray(byColumn.get(`values:${name}`), Uint8Array, meta.rowCount)
  };
}

function columnRange(db: SliceDb, campaignId: string, generation: number, column: string) {
  return db.columnChunks
    .where('[campaignId+generation+column+chunk]')
    .between([campaignId, generation, column], [campaignId, generation, column, []], true, true)
    .toArray();
}

/**
 * Reads a generation back: the meta row first, then every field's rows in parallel queries,
 * each field decoded as soon as its rows arrive so that decoding overlaps the reading.
 */
export async function readContactTable(
  db: SliceDb,
  campaignId: string,
  generation: number
): Promise<ContactTable> {
  const metaRows = await columnRange(db, campaignId, generation, 'meta');
  const meta = metaRows[0]?.meta as ContactMeta | undefined;
  if (!meta) throw new Error('The stored contacts are incomplete (no meta row).');
  const columns = nameRecord<Column>();
  await Promise.all(
    meta.fields.map(async (field) => {
      const names =
        meta.columns[field.name].kind === 'string'
          ? [`codes:${field.name}`, `dict:${field.name}`]
          : [`values:${field.name}`];
      const parts = await Promise.all(names.map((n) => columnRange(db, campaignId, generation, n)));
      const byColumn = new Map(names.map((n, i) => [n, parts[i]]));
      columns[field.name] = decodeColumn(meta, field.name, byColumn);
    })
  );
  return { rowCount: meta.rowCount, identity: meta.identity, fields: meta.fields, columns };
}

/**
 * The first `rows` contacts (at most one chunk) of a generation, read with a few key lookups
 * instead of the whole campaign: what the contacts browser shows first while the rest loads.
 * `rowCount` is the whole table's; `table` holds rows [0, rows) only.
 */
export interface FirstRows {
  rowCount: number;
  /** The rows the columns cover. */
  rows: number;
  table: ContactTable;
}

export async function readFirstRows(
  db: SliceDb,
  campaignId: string,
  generation: number,
  rows: number
): Promise<FirstRows> {
  const meta = (await db.columnChunks.get([campaignId, generation, 'meta', 0]))?.meta as
    ContactMeta | undefined;
  if (!meta) throw new Error('The stored contacts are incomplete (no meta row).');
  const n = Math.max(0, Math.min(rows, CHUNK_ROWS, meta.rowCount));
  const arrayColumn = (field: FieldSpec) =>
    `${meta.columns[field.name].kind === 'string' ? 'codes' : 'values'}:${field.name}`;
  const heads = await db.columnChunks.bulkGet(
    meta.fields.map((f) => [campaignId, generation, arrayColumn(f), 0])
  );
  // A generation deleted meanwhile (another tab's import) must not show as empty values.
  if (n > 0 && heads.some((row) => !row?.array)) {
    throw new Error('The stored contacts are incomplete (a first chunk is missing).');
  }
  // The dictionary chunks the first rows' codes point into (usually chunk 0 only).
  const dictKeys: [string, number, string, number][] = [];
  const dictOwner: number[] = [];
  meta.fields.forEach((field, i) => {
    const head = heads[i]?.array;
    if (meta.columns[field.name].kind !== 'string' || !head) return;
    const chunks = new Set<number>();
    for (let r = 0; r < n && r < head.length; r++) {
      if (head[r] !== 0) chunks.add(Math.floor(head[r] / STRINGS_PER_CHUNK));
    }
    for (const chunk of [...chunks].sort((a, b) => a - b)) {
      dictKeys.push([campaignId, generation, `dict:${field.name}`, chunk]);
      dictOwner.push(i);
    }
  });
  const dictRows = dictKeys.length > 0 ? await db.columnChunks.bulkGet(dictKeys) : [];
  const columns = nameRecord<Column>();
  meta.fields.forEach((field, i) => {
    const head = heads[i]?.array;
    const kind = meta.columns[field.name].kind;
    if (kind === 'string') {
      const codes = new Uint32Array(n);
      if (head) codes.set(head.subarray(0, n));
      const pieces = dictRows.filter((row, k): row is ChunkRow => !!row && dictOwner[k] === i);
      columns[field.name] = lazyStringColumn(codes, new PackedStrings(pieces, true));
    } else if (kind === 'number') {
      const values = new Float64Array(n).fill(NaN);
      if (head) values.set(head.subarray(0, n));
      columns[field.name] = { kind: 'number', values };
    } else {
      const values = new Uint8Array(n);
      if (head) values.set(head.subarray(0, n));
      columns[field.name] = { kind: 'boolean', values };
    }
  });
  return {
    rowCount: meta.rowCount,
    rows: n,
    table: { rowCount: n, identity: meta.identity, fields: meta.fields, columns }
  };
}
