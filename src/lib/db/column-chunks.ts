/**
 * Contacts as column chunks: each column cut into pieces of CHUNK_ROWS rows (dictionary codes
 * in the narrowest width, float64 numbers, uint8 booleans) and each string dictionary stored
 * once, packed. A `meta` row describes the generation so it can be read back on its own.
 */
import type { Column, ContactTable, FieldSpec } from '$lib/core/columns/types';
import {
  assembleArray,
  assembleStrings,
  chunkArray,
  chunkStrings,
  CHUNK_ROWS,
  narrowCodes,
  readGeneration,
  type ChunkPiece,
  type ChunkRow
} from './chunk-store';
import type { SliceDb } from './slice-db';

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
    columns: {}
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

export function decodeContactTable(byColumn: Map<string, ChunkRow[]>): ContactTable {
  const meta = byColumn.get('meta')?.[0]?.meta as ContactMeta | undefined;
  if (!meta) throw new Error('The stored contacts are incomplete (no meta row).');
  const columns: Record<string, Column> = {};
  for (const field of meta.fields) {
    const info = meta.columns[field.name];
    if (info.kind === 'string') {
      const dict = assembleStrings(byColumn.get(`dict:${field.name}`));
      if (dict.length === 0) dict.push('');
      columns[field.name] = {
        kind: 'string',
        codes: assembleArray(byColumn.get(`codes:${field.name}`), Uint32Array, meta.rowCount),
        dict
      };
    } else if (info.kind === 'number') {
      columns[field.name] = {
        kind: 'number',
        values: assembleArray(byColumn.get(`values:${field.name}`), Float64Array, meta.rowCount)
      };
    } else {
      columns[field.name] = {
        kind: 'boolean',
        values: assembleArray(byColumn.get(`values:${field.name}`), Uint8Array, meta.rowCount)
      };
    }
  }
  return { rowCount: meta.rowCount, identity: meta.identity, fields: meta.fields, columns };
}

export async function readContactTable(
  db: SliceDb,
  campaignId: string,
  generation: number
): Promise<ContactTable> {
  return decodeContactTable(await readGeneration(db.columnChunks, campaignId, generation));
}
