/**
 * `slice warehouse --contacts c.csv [--events e.csv] [--segments defs/] --out dir [--now ISO]
 *  [--tz Area/City] [--identity NAME]`: writes the files of the app's "Export for a database"
 * from CSV files — contacts.csv, events.csv, segment_members.csv, schema.sql and load.sql for
 * DuckDB and PostgreSQL, and the SQL of every segment. Each `*.json` of --segments is a
 * segment definition (named after its file); its members, evaluated by the app's engine, are
 * written to segment_members.csv.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { emptyEventTable } from '../../src/lib/core/columns/types';
import { evaluateDefinition } from '../../src/lib/core/segment/index';
import {
  warehouseFiles,
  type WarehouseSegment
} from '../../src/lib/core/warehouse/warehouse-files';
import { loadEventsCsv } from '../load-csv';
import { loadContacts, loadDefinition, parseFlags, timeOptions } from './segment-args';

const USAGE =
  'usage: slice warehouse --contacts c.csv [--events e.csv] [--segments defs/] --out dir [--now ISO] [--tz Area/City] [--identity NAME]';

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, [
    'contacts',
    'events',
    'segments',
    'out',
    'now',
    'tz',
    'identity'
  ]);
  if (typeof flags === 'string') {
    console.error(`slice warehouse: ${flags}\n${USAGE}`);
    return 2;
  }
  if (!flags.contacts || !flags.out) {
    console.error(`slice warehouse: --contacts and --out are required\n${USAGE}`);
    return 2;
  }
  const time = timeOptions(flags);
  if (typeof time === 'string') {
    console.error(`slice warehouse: ${time}`);
    return 2;
  }
  const contacts = await loadContacts(flags.contacts, flags.identity, time.timeZone);
  if (typeof contacts === 'string') {
    console.error(`slice warehouse: ${contacts}`);
    return 1;
  }
  let events = emptyEventTable(contacts.rowCount);
  if (flags.events) {
    const loaded = await loadEventsCsv(flags.events, contacts, { timeZone: time.timeZone });
    if (loaded.problem) {
      console.error(`slice warehouse: ${flags.events}: ${loaded.problem.message}`);
      return 1;
    }
    if (loaded.rejected.length > 0)
      console.error(`slice: ${flags.events}: ${loaded.rejected.length} event row(s) rejected`);
    events = loaded.events;
  }
  const segments: WarehouseSegment[] = [];
  if (flags.segments) {
    let names: string[];
    try {
      names = (await readdir(flags.segments)).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      console.error(
        `slice warehouse: cannot read ${flags.segments}: ${e instanceof Error ? e.message : String(e)}`
      );
      return 1;
    }
    // Every definition is checked before anything is written.
    for (const name of names) {
      const def = await loadDefinition(join(flags.segments, name), contacts);
      if (typeof def === 'string') {
        console.error(`slice warehouse: ${def}`);
        return 1;
      }
      const id = basename(name, '.json');
      segments.push({
        id,
        name: id,
        kind: 'dynamic',
        definition: def,
        members: evaluateDefinition(def, { contacts, events }, time)
      });
    }
  }
  const files = warehouseFiles({
    contacts,
    events,
    segments,
    now: time.now,
    timeZone: time.timeZone
  });
  for (const file of files) {
    const path = join(flags.out, file.path);
    await mkdir(dirname(path), { recursive: true });
    const out = createWriteStream(path);
    for (const chunk of file.chunks()) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  console.log(`slice warehouse: ${files.length} files written to ${flags.out}`);
  return 0;
}
