/**
 * Loads the benchmark CSVs into the in-memory tables the segment engine scans, with the CLI's
 * loaders (bin/load-csv.ts: the CSV core, as an import runs it). Loading is setup, not
 * measured; the tables are cached for the whole run.
 */
import { loadContactsCsv, loadEventsCsv } from '../../../bin/load-csv';
import type { ContactTable, EventTable } from '../../../src/lib/core/columns/types';

export interface LoadedTables {
  contacts: ContactTable;
  events: EventTable;
  loadMs: { contacts: number; events: number };
}

type Loaded = { problem?: { message: string }; rejected: { line: number; reason: string }[] };

/** Benchmark data must load whole: a problem or a rejected row means the figures lie. */
function check(path: string, loaded: Loaded): void {
  if (loaded.problem) throw new Error(`${path}: ${loaded.problem.message}`);
  if (loaded.rejected.length > 0) {
    const first = loaded.rejected[0];
    throw new Error(
      `${path}: ${loaded.rejected.length} rows rejected (line ${first.line}: ${first.reason})`
    );
  }
}

const cache = new Map<string, Promise<LoadedTables>>();

/** Contacts and events of one data size, loaded once per process. */
export function loadTables(contactsPath: string, eventsPath: string): Promise<LoadedTables> {
  const key = `${contactsPath}\n${eventsPath}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      let t0 = performance.now();
      const contacts = await loadContactsCsv(contactsPath);
      check(contactsPath, contacts);
      const contactsMs = performance.now() - t0;
      t0 = performance.now();
      const events = await loadEventsCsv(eventsPath, contacts.table);
      check(eventsPath, events);
      return {
        contacts: contacts.table,
        events: events.events,
        loadMs: { contacts: contactsMs, events: performance.now() - t0 }
      };
    })();
    cache.set(key, loaded);
  }
  return loaded;
}
