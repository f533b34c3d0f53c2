/**
 * The DuckDB peer of the count benchmarks: loads the same CSV files into the tables the SQL
 * export documents (contacts(contact_id, <one column per field>), events(contact_id, type,
 * target, at, emailing_id)), typed by the fields the CSV core inferred, and runs the SQL that
 * toSql exports for a definition. Loading is setup; only the queries are timed.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { EMAIL_ACTIVITY_TYPES, type FieldSpec } from '../../../src/lib/core/columns/types';
import type { Definition } from '../../../src/lib/core/segment/definition';
import { quoteIdent, quoteLiteral, toSql } from '../../../src/lib/core/segment/to-sql';
import type { BenchData } from '../bench-data';
import type { LoadedTables } from './load-tables';
import type { BenchContext } from './types';

export interface DuckdbPeer {
  /** The exported DuckDB SQL of a definition (relative dates resolved at `now`). */
  sql(definition: Definition, at: { now: string; timeZone: string }): string;
  /** Number of rows the exported query returns. */
  count(sql: string): Promise<number>;
  loadMs: number;
}

const TRUE_WORDS = ['true', 'yes', 'y', 'oui', 'o', 'vrai', 'v', 'ja', 'j', 't', '1'];
const FALSE_WORDS = ['false', 'no', 'n', 'non', 'faux', 'f', 'nee', 'nein', '0'];
const list = (words: string[]) => words.map(quoteLiteral).join(', ');

const DATE_FORMATS = { dmy: '%d/%m/%Y', mdy: '%m/%d/%Y' } as const;

/** SQL turning the raw text cell of a field into the typed column the export expects. */
function typedCell(field: FieldSpec, icu: boolean): string {
  const raw = `NULLIF(trim(${quoteIdent(field.source ?? field.name)}), '')`;
  switch (field.type) {
    case 'number':
      return `TRY_CAST(${field.decimal === ',' ? `replace(${raw}, ',', '.')` : raw} AS DOUBLE)`;
    case 'boolean':
      return `CASE WHEN lower(${raw}) IN (${list(TRUE_WORDS)}) THEN TRUE WHEN lower(${raw}) IN (${list(FALSE_WORDS)}) THEN FALSE END`;
    case 'date':
      return field.dateOrder === 'dmy' || field.dateOrder === 'mdy'
        ? `CAST(try_strptime(${raw}, '${DATE_FORMATS[field.dateOrder]}') AS DATE)`
        : `TRY_CAST(${raw} AS DATE)`;
    case 'datetime': {
      // Instants are stored as UTC timestamps (the session runs in UTC).
      if (field.dateOrder === 'dmy' || field.dateOrder === 'mdy') {
        const f = DATE_FORMATS[field.dateOrder];
        return `CAST(try_strptime(${raw}, ['${f} %H:%M:%S', '${f} %H:%M', '${f}']) AS TIMESTAMP)`;
      }
      // Without ICU (DuckDB-Wasm, which cannot fetch extensions here) TIMESTAMP itself reads
      // the files' ISO instants, offset included, as UTC.
      return icu
        ? `CAST(TRY_CAST(${raw} AS TIMESTAMPTZ) AS TIMESTAMP)`
        : `TRY_CAST(${raw} AS TIMESTAMP)`;
    }
    default:
      return raw;
  }
}

function readCsv(path: string, delimiter: string): string {
  return `read_csv(${quoteLiteral(path)}, header = true, all_varchar = true, delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"')`;
}

/**
 * The statements that load the benchmark CSVs (at `paths`: files on disk for native DuckDB,
 * registered file names for DuckDB-Wasm) into the tables the SQL export documents.
 */
export function loadStatements(
  data: BenchData,
  tables: LoadedTables,
  paths: { contacts: string; events: string },
  { icu = true }: { icu?: boolean } = {}
): { contacts: string[]; events: string[] } {
  const delimiter = data.options.delimiter ?? ',';
  const { fields, identity } = tables.contacts;
  const columns = fields.map((f) => `${typedCell(f, icu)} AS ${quoteIdent(f.name)}`).join(',\n  ');
  const emailTypes = EMAIL_ACTIVITY_TYPES.map(quoteLiteral).join(', ');
  const type = `regexp_replace(lower(trim("type")), '[\\s-]+', '_', 'g')`;
  return {
    contacts: [
      ...(icu
        ? [`SET TimeZone = 'UTC'`]
        : [`SET autoinstall_known_extensions = false`, `SET autoload_known_extensions = false`]),
      `CREATE TABLE contacts AS SELECT CAST(row_number() OVER () - 1 AS INTEGER) AS contact_id,\n  ${columns}\nFROM ${readCsv(paths.contacts, delimiter)}`
    ],
    events: [
      `CREATE TABLE events AS
SELECT c.contact_id,
  ${type} AS "type",
  NULLIF(trim(e."target"), '') AS "target",
  ${icu ? `CAST(CAST(e."at" AS TIMESTAMPTZ) AS TIMESTAMP)` : `CAST(e."at" AS TIMESTAMP)`} AS "at",
  CASE WHEN ${type} IN (${emailTypes}) THEN NULLIF(trim(e."target"), '') END AS emailing_id
FROM ${readCsv(paths.events, delimiter)} e
JOIN contacts c ON lower(trim(e."contact")) = lower(c.${quoteIdent(identity)})`
    ]
  };
}

async function load(conn: DuckDBConnection, data: BenchData, tables: LoadedTables) {
  const sql = loadStatements(data, tables, {
    contacts: data.contactsPath,
    events: data.eventsPath
  });
  for (const statement of [...sql.contacts, ...sql.events]) await conn.run(statement);
}

const peers = new Map<string, Promise<DuckdbPeer>>();

/** The DuckDB peer for this run's data, loaded once per process. */
export function duckdbPeer(
  ctx: BenchContext,
  data: BenchData,
  tables: LoadedTables
): Promise<DuckdbPeer> {
  let peer = peers.get(data.contactsPath);
  if (!peer) {
    peer = (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const conn = await instance.connect();
      const t0 = performance.now();
      await load(conn, data, tables);
      const loadMs = performance.now() - t0;
      const counts = await conn.runAndReadAll(
        'SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM events)'
      );
      const [c, e] = counts.getRowsJS()[0];
      ctx.log(`duckdb loaded ${c} contacts and ${e} events in ${(loadMs / 1000).toFixed(1)} s`);
      return {
        loadMs,
        sql: (definition, at) =>
          toSql(definition, {
            fields: tables.contacts.fields,
            identity: tables.contacts.identity,
            dialect: 'duckdb',
            now: Date.parse(at.now),
            timeZone: at.timeZone
          }),
        count: async (sql) => {
          const reader = await conn.runAndReadAll(`SELECT count(*) FROM (\n${sql}\n)`);
          return Number(reader.getRowsJS()[0][0]);
        }
      };
    })();
    peers.set(data.contactsPath, peer);
  }
  return peer;
}
