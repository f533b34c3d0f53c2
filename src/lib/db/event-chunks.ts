/**
 * Events as chunks of their CSR arrays (offsets, type, target, at, propCodes, and eventIdCodes
 * once an import named an event id column) plus the packed target, property and id dictionaries. Events keep their own generation: a contacts import that
 * only appends rows does not rewrite them (offsets are padded on read instead).
 */
import type { EventTable } from '$lib/core/columns/types';
import {
  assembleArray,
  assembleStrings,
  chunkArray,
  chunkStrings,
  type ChunkPiece,
  type ChunkRow
} from './chunk-store';
import type { SliceDb } from './slice-db';

/** Elements per event array chunk. */
export const EVENT_CHUNK_LENGTH = 1 << 20;

interface EventMeta {
  count: number;
  /** Contacts the offsets cover (offsets has rowCount + 1 entries). */
  rowCount: number;
  types: string[];
}

export function encodeEventTable(events: EventTable): ChunkPiece[] {
  const rowCount = events.offsets.length - 1;
  const meta: EventMeta = { count: events.count, rowCount, types: [...events.types] };
  const n = events.count;
  const ids: ChunkPiece[] =
    events.eventIds && events.eventIdCodes
      ? [
          ...chunkArray('eventIdCodes', events.eventIdCodes.subarray(0, n), EVENT_CHUNK_LENGTH),
          ...chunkStrings('eventIds', events.eventIds)
        ]
      : [];
  return [
    { column: 'meta', chunk: 0, meta },
    ...chunkArray('offsets', events.offsets, EVENT_CHUNK_LENGTH),
    ...chunkArray('type', events.type.subarray(0, n), EVENT_CHUNK_LENGTH),
    ...chunkArray('target', events.target.subarray(0, n), EVENT_CHUNK_LENGTH),
    ...chunkArray('at', events.at.subarray(0, n), EVENT_CHUNK_LENGTH),
    ...chunkArray('propCodes', events.propCodes.subarray(0, n), EVENT_CHUNK_LENGTH),
    ...chunkStrings('targets', events.targets),
    ...chunkStrings('props', events.props),
    ...ids
  ];
}

/**
 * Rebuilds the table; `rowCount` (the current contact count) may exceed the stored one when
 * contacts were appended since: the new contacts have no events.
 */
export function decodeEventTable(byColumn: Map<string, ChunkRow[]>, rowCount: number): EventTable {
  const meta = byColumn.get('meta')?.[0]?.meta as EventMeta | undefined;
  if (!meta) throw new Error('The stored events are incomplete (no meta row).');
  const offsets = assembleArray(
    byColumn.get('offsets'),
    Uint32Array,
    Math.max(rowCount, meta.rowCount) + 1
  );
  offsets.fill(offsets[meta.rowCount], meta.rowCount + 1);
  const targets = assembleStrings(byColumn.get('targets'));
  const props = assembleStrings(byColumn.get('props'));
  const table: EventTable = {
    count: meta.count,
    types: meta.types,
    targets: targets.length > 0 ? targets : [''],
    offsets: offsets.length === rowCount + 1 ? offsets : offsets.slice(0, rowCount + 1),
    type: assembleArray(byColumn.get('type'), Uint16Array, meta.count),
    target: assembleArray(byColumn.get('target'), Uint32Array, meta.count),
    at: assembleArray(byColumn.get('at'), Float64Array, meta.count),
    propCodes: assembleArray(byColumn.get('propCodes'), Uint32Array, meta.count),
    props: props.length > 0 ? props : ['']
  };
  const idRows = byColumn.get('eventIds');
  if (idRows && idRows.length > 0) {
    table.eventIds = assembleStrings(idRows);
    table.eventIdCodes = assembleArray(byColumn.get('eventIdCodes'), Uint32Array, meta.count);
  }
  return table;
}

const EVENT_COLUMNS = [
  'meta',
  'offsets',
  'type',
  'target',
  'at',
  'propCodes',
  'targets',
  'props',
  'eventIdCodes',
  'eventIds'
];

/** Reads a generation back with one query per array, in parallel. */
export async function readEventTable(
  db: SliceDb,
  campaignId: string,
  generation: number,
  rowCount: number
): Promise<EventTable> {
  const parts = await Promise.all(
    EVENT_COLUMNS.map((column) =>
      db.eventChunks
        .where('[campaignId+generation+column+chunk]')
        .between([campaignId, generation, column], [campaignId, generation, column, []], true, true)
        .toArray()
    )
  );
  return decodeEventTable(new Map(EVENT_COLUMNS.map((c, i) => [c, parts[i]])), rowCount);
}
