/**
 * `slice sql --definition d.json --contacts c.csv [--dialect duckdb|postgres] [--now ISO]
 *  [--tz Area/City] [--identity NAME]`: prints the SQL query of a segment definition over the
 * tables documented in docs/segments.md. The contacts file gives the fields and their types.
 */
import { toSql } from '../../src/lib/core/segment/index';
import { loadContacts, loadDefinition, parseFlags, timeOptions } from './segment-args';

const USAGE =
  'usage: slice sql --definition d.json --contacts c.csv [--dialect duckdb|postgres] [--now ISO] [--tz Area/City] [--identity NAME]';

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, ['contacts', 'definition', 'dialect', 'now', 'tz', 'identity']);
  if (typeof flags === 'string') {
    console.error(`slice sql: ${flags}\n${USAGE}`);
    return 2;
  }
  if (!flags.contacts || !flags.definition) {
    console.error(`slice sql: --definition and --contacts are required\n${USAGE}`);
    return 2;
  }
  const dialect = flags.dialect ?? 'duckdb';
  if (dialect !== 'duckdb' && dialect !== 'postgres') {
    console.error(`slice sql: --dialect must be duckdb or postgres\n${USAGE}`);
    return 2;
  }
  const time = timeOptions(flags);
  if (typeof time === 'string') {
    console.error(`slice sql: ${time}`);
    return 2;
  }
  const contacts = await loadContacts(flags.contacts, flags.identity, time.timeZone);
  if (typeof contacts === 'string') {
    console.error(`slice sql: ${contacts}`);
    return 1;
  }
  const def = await loadDefinition(flags.definition, contacts);
  if (typeof def === 'string') {
    console.error(`slice sql: ${def}`);
    return 1;
  }
  const sql = toSql(def, {
    fields: contacts.fields,
    identity: contacts.identity,
    dialect,
    ...time
  });
  console.log(sql + ';');
  return 0;
}
