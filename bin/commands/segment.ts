/**
 * `slice segment --contacts c.csv [--events e.csv] --definition d.json [--now ISO]
 *  [--tz Area/City] [--output count|ids|csv] [--columns a,b,c] [--identity NAME]`: evaluates a
 * segment definition over CSV files with the app's engine and prints the member count, the
 * members' identity values one per line in file order, or the members as RFC 4180 CSV with a
 * header row (the chosen columns, default every field; formula-like cells neutralised as the
 * app's export does). A bad definition exits 1 with the validator's messages.
 */
import { toIndices, popcount } from '../../src/lib/core/columns/bitset';
import { emptyEventTable, type ContactTable } from '../../src/lib/core/columns/types';
import { memberCsvChunks } from '../../src/lib/core/csv/members-csv';
import { evaluateDefinition, identityText } from '../../src/lib/core/segment/index';
import { loadEventsCsv } from '../load-csv';
import { loadContacts, loadDefinition, parseFlags, timeOptions } from './segment-args';

const USAGE =
  'usage: slice segment --contacts c.csv [--events e.csv] --definition d.json [--now ISO] [--tz Area/City] [--output count|ids|csv] [--columns a,b,c] [--identity NAME]';

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, [
    'contacts',
    'events',
    'definition',
    'now',
    'tz',
    'output',
    'columns',
    'identity'
  ]);
  if (typeof flags === 'string') {
    console.error(`slice segment: ${flags}\n${USAGE}`);
    return 2;
  }
  if (!flags.contacts || !flags.definition) {
    console.error(`slice segment: --contacts and --definition are required\n${USAGE}`);
    return 2;
  }
  const output = flags.output ?? 'count';
  if (output !== 'count' && output !== 'ids' && output !== 'csv') {
    console.error(`slice segment: --output must be count, ids or csv\n${USAGE}`);
    return 2;
  }
  if (flags.columns !== undefined && output !== 'csv') {
    console.error(`slice segment: --columns goes with --output csv\n${USAGE}`);
    return 2;
  }
  const time = timeOptions(flags);
  if (typeof time === 'string') {
    console.error(`slice segment: ${time}`);
    return 2;
  }

  const contacts = await loadContacts(flags.contacts, flags.identity, time.timeZone);
  if (typeof contacts === 'string') {
    console.error(`slice segment: ${contacts}`);
    return 1;
  }
  let events = emptyEventTable(contacts.rowCount);
  if (flags.events) {
    const loaded = await loadEventsCsv(flags.events, contacts, { timeZone: time.timeZone });
    if (loaded.problem) {
      console.error(`slice segment: ${flags.events}: ${loaded.problem.message}`);
      return 1;
    }
    if (loaded.rejected.length > 0) {
      console.error(`slice: ${flags.events}: ${loaded.rejected.length} event row(s) rejected`);
    }
    events = loaded.events;
  }
  const def = await loadDefinition(flags.definition, contacts);
  if (typeof def === 'string') {
    console.error(`slice segment: ${def}`);
    return 1;
  }

  const members = evaluateDefinition(def, { contacts, events }, time);
  if (output === 'csv') return writeCsv(contacts, toIndices(members), flags.columns);
  if (output === 'count') {
    console.log(String(popcount(members)));
    return 0;
  }
  const column = contacts.columns[contacts.identity];
  const lines: string[] = [];
  for (const row of toIndices(members)) lines.push(identityText(column, row));
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** The members as CSV on stdout, chunk by chunk (waiting for the pipe when it is full). */
async function writeCsv(
  contacts: ContactTable,
  rows: Uint32Array,
  columnsFlag: string | undefined
): Promise<number> {
  const names =
    columnsFlag === undefined
      ? contacts.fields.map((f) => f.name)
      : columnsFlag.split(',').map((c) => c.trim());
  const unknown = names.filter((n) => !contacts.columns[n]);
  if (unknown.length > 0 || names.length === 0) {
    console.error(
      `slice segment: --columns: ${names.length === 0 ? 'no column given' : `no field named ${unknown.map((n) => `'${n}'`).join(', ')}`} (fields: ${contacts.fields.map((f) => f.name).join(', ')})`
    );
    return 2;
  }
  for (const chunk of memberCsvChunks(contacts, rows, names)) {
    if (!process.stdout.write(chunk))
      await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }
  return 0;
}
