/**
 * Loads CSV files into the core's tables in Node, with the same code the worker runs: the
 * CLI commands (inspect, segment, sql) build their contacts and events from files this way.
 */
import { openFile } from './open-file';
import { emptyEventTable, type ContactTable, type EventTable } from '../src/lib/core/columns/types';
import {
  createContactImporter,
  createEventImporter,
  detectEncoding,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type EventMapping,
  type FilePreview,
  type FileProblem,
  type RejectedRowDetail
} from '../src/lib/core/csv/index';

export interface LoadedContacts {
  table: ContactTable;
  rejected: RejectedRowDetail[];
  problem?: FileProblem;
  preview: FilePreview;
}

export interface LoadedEvents {
  events: EventTable;
  rejected: RejectedRowDetail[];
  problem?: FileProblem;
  preview: FilePreview;
}

function emptyContacts(identity = ''): ContactTable {
  return { rowCount: 0, fields: [], identity, columns: {} };
}

async function readHead(blob: Blob): Promise<{ bomLength: number }> {
  const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  return { bomLength: detectEncoding(head).bomLength };
}

/** Streams every record of `blob` (header included) to `onRows`. */
async function streamRows(
  blob: Blob,
  preview: FilePreview,
  onRows: (rows: string[][], lines: number[]) => void
): Promise<FileProblem | undefined> {
  const { bomLength } = await readHead(blob);
  const result = await parseCsvChunks(
    readBlobText(blob, preview.encoding, bomLength),
    { delimiter: preview.delimiter },
    onRows
  );
  return result.problem;
}

/**
 * Contacts from a CSV file, every column with its inferred type. Identity: `identity` if given,
 * else `email` when there is such a column, else the first column. Date-times without a zone
 * are read in `timeZone` (UTC when not given), as the app reads them in the campaign's.
 */
export async function loadContactsCsv(
  path: string,
  options: { identity?: string; timeZone?: string } = {}
): Promise<LoadedContacts> {
  const blob = await openFile(path);
  const preview = await previewCsv(blob, 'contacts', path);
  if (preview.problem) {
    return { table: emptyContacts(), rejected: [], problem: preview.problem, preview };
  }
  const names = preview.fields.map((f) => f.name);
  const identity = options.identity ?? (names.includes('email') ? 'email' : (names[0] ?? ''));
  if (!names.includes(identity)) {
    return {
      table: emptyContacts(),
      rejected: [],
      problem: { message: `the file has no column '${identity}' to use as identity` },
      preview
    };
  }
  const importer = createContactImporter({
    fields: preview.fields,
    headers: preview.headers,
    identity,
    policy: 'update',
    delimiter: preview.delimiter,
    timeZone: options.timeZone
  });
  const problem = await streamRows(blob, preview, (rows, lines) => importer.addRows(rows, lines));
  if (problem) return { table: emptyContacts(identity), rejected: [], problem, preview };
  const result = importer.finish();
  return { table: result.table, rejected: result.rejected, preview };
}

/**
 * The mapping of a file with columns `contact,type,target,at` (+ an event id column such as
 * `event_id`, as the app suggests it, + others as properties).
 */
export function defaultEventMapping(preview: FilePreview): EventMapping | null {
  const names = preview.fields.map((f) => f.name);
  if (names.includes('contact') && names.includes('type') && names.includes('at')) {
    const id = preview.suggestedMapping?.id ?? null;
    const fixed = ['contact', 'type', 'target', 'at', id];
    const mapping: EventMapping = {
      contact: 'contact',
      type: 'type',
      target: names.includes('target') ? 'target' : null,
      at: 'at',
      properties: names.filter((n) => !fixed.includes(n)),
      id
    };
    const order = preview.fields.find((f) => f.name === 'at')?.dateOrder;
    if (order) mapping.dateOrder = order;
    return mapping;
  }
  return preview.suggestedMapping ?? null;
}

/**
 * Events from a CSV file (`contact,type,target,at` + properties) for `contacts`; timestamps
 * without a zone are read in `timeZone` (UTC when not given).
 */
export async function loadEventsCsv(
  path: string,
  contacts: ContactTable,
  options: { timeZone?: string } = {}
): Promise<LoadedEvents> {
  const blob = await openFile(path);
  const preview = await previewCsv(blob, 'events', path);
  const empty = emptyEventTable(contacts.rowCount);
  if (preview.problem) return { events: empty, rejected: [], problem: preview.problem, preview };
  const mapping = defaultEventMapping(preview);
  if (!mapping) {
    return {
      events: empty,
      rejected: [],
      problem: {
        message: `the events file needs the columns contact, type and at (found: ${preview.headers.join(', ')})`
      },
      preview
    };
  }
  const importer = createEventImporter({
    mapping,
    headers: preview.headers,
    contacts,
    delimiter: preview.delimiter,
    timeZone: options.timeZone
  });
  const problem = await streamRows(blob, preview, (rows, lines) => importer.addRows(rows, lines));
  if (problem) return { events: empty, rejected: [], problem, preview };
  const result = importer.finish();
  return { events: result.events, rejected: result.rejected, preview };
}
