/**
 * Loads the benchmark CSVs into the in-memory tables the segment engine scans, through the
 * CSV core exactly as an import does (preview -> inferred fields -> streaming parse ->
 * importers). Loading is setup, not measured; the tables are cached for the whole run.
 */
import { openAsBlob } from 'node:fs';
import type { ContactTable, EventTable, FieldSpec } from '../../../src/lib/core/columns/types';
import {
  createContactImporter,
  createEventImporter,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type FilePreview
} from '../../../src/lib/core/csv';

export interface LoadedTables {
  contacts: ContactTable;
  events: EventTable;
  fields: FieldSpec[];
  loadMs: { contacts: number; events: number };
}

/** Streams the whole file through the parser the import uses, in its detected format. */
async function parseFile(
  blob: Blob,
  preview: FilePreview,
  onRows: (rows: string[][], lines: number[]) => void
): Promise<void> {
  const bom = preview.hasBom ? (preview.encoding === 'utf-8' ? 3 : 2) : 0;
  const outcome = await parseCsvChunks(
    readBlobText(blob, preview.encoding, bom),
    { delimiter: preview.delimiter },
    onRows
  );
  if (outcome.problem) throw new Error(`${preview.fileName}: ${outcome.problem.message}`);
}

export async function loadContacts(path: string): Promise<ContactTable> {
  const blob = await openAsBlob(path);
  const preview = await previewCsv(blob, 'contacts', path);
  if (preview.problem) throw new Error(`${path}: ${preview.problem.message}`);
  if (!preview.suggestedIdentity) throw new Error(`${path}: no identity column found`);
  const importer = createContactImporter({
    fields: preview.fields.filter((f) => f.include),
    headers: preview.headers,
    identity: preview.suggestedIdentity,
    policy: 'update',
    delimiter: preview.delimiter
  });
  await parseFile(blob, preview, (rows, lines) => importer.addRows(rows, lines));
  const result = importer.finish();
  if (result.rejected.length > 0) {
    const first = result.rejected[0];
    throw new Error(
      `${path}: ${result.rejected.length} rows rejected (line ${first.line}: ${first.reason})`
    );
  }
  return result.table;
}

export async function loadEvents(path: string, contacts: ContactTable): Promise<EventTable> {
  const blob = await openAsBlob(path);
  const preview = await previewCsv(blob, 'events', path);
  if (preview.problem) throw new Error(`${path}: ${preview.problem.message}`);
  if (!preview.suggestedMapping) throw new Error(`${path}: no contact/type/at columns found`);
  const importer = createEventImporter({
    mapping: preview.suggestedMapping,
    headers: preview.headers,
    contacts,
    delimiter: preview.delimiter
  });
  await parseFile(blob, preview, (rows, lines) => importer.addRows(rows, lines));
  const result = importer.finish();
  if (result.rejected.length > 0) {
    const first = result.rejected[0];
    throw new Error(
      `${path}: ${result.rejected.length} events rejected (line ${first.line}: ${first.reason})`
    );
  }
  return result.events;
}

const cache = new Map<string, Promise<LoadedTables>>();

/** Contacts and events of one data size, loaded once per process. */
export function loadTables(contactsPath: string, eventsPath: string): Promise<LoadedTables> {
  const key = `${contactsPath}\n${eventsPath}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      let t0 = performance.now();
      const contacts = await loadContacts(contactsPath);
      const contactsMs = performance.now() - t0;
      t0 = performance.now();
      const events = await loadEvents(eventsPath, contacts);
      return {
        contacts,
        events,
        fields: contacts.fields,
        loadMs: { contacts: contactsMs, events: performance.now() - t0 }
      };
    })();
    cache.set(key, loaded);
  }
  return loaded;
}
