/**
 * "Export for a database": a campaign's data in the SQL schema of docs/segments.md —
 * contacts.csv, events.csv and segment_members.csv, a schema.sql and a load.sql for DuckDB and
 * for PostgreSQL — and the SQL of every segment in both dialects, so that a team loads it into
 * a warehouse and gets the same members as the app. Pure: the caller zips or writes the files.
 *
 * The CSV files are data for a database, not for a spreadsheet: cells are quoted as RFC 4180
 * says and never altered (no formula neutralisation); an empty value is an empty unquoted cell,
 * which both databases load as NULL, and every text value is quoted so its spaces are kept.
 */
import type { Bitset } from '../columns/bitset';
import { getBit, popcount } from '../columns/bitset';
import type { ContactTable, EventTable, FieldSpec, StringColumn } from '../columns/types';
import { EMAIL_ACTIVITY_TYPES } from '../columns/types';
import type { Definition } from '../segment/definition';
import { DAY_MS, formatIsoDay, formatUtcTimestamp } from '../segment/dates';
import { quoteIdent, quoteLiteral, toSql, type SqlDialect } from '../segment/to-sql';
import { isBlank } from '../text/fold';
import { slugify } from '../text/slug';

export interface WarehouseSegment {
  id: string;
  name: string;
  kind: 'dynamic' | 'manual' | 'list';
  /** Dynamic segments: their conditions; manual segments and lists: null. */
  definition: Definition | null;
  /** Stored members (what segment_members holds), null when never generated. */
  members: Bitset | null;
}

export interface WarehouseInput {
  contacts: ContactTable;
  events: EventTable;
  /** The delivery activity (deliveryActivityTable), written as email_activity; absent: none. */
  delivery?: EventTable;
  segments: WarehouseSegment[];
  now: number;
  timeZone: string;
  /** Reads a dictionary entry (the engine's dictionaries may be packed); default dict[code]. */
  dictEntry?: (column: StringColumn, code: number) => string;
  campaignName?: string;
}

export interface WarehouseFile {
  path: string;
  /** The file's text in pieces (large files are generated lazily, chunk by chunk). */
  chunks: () => Iterable<string>;
}

const DIALECTS: SqlDialect[] = ['duckdb', 'postgres'];
const CHUNK_LINES = 8192;

function sqlType(type: FieldSpec['type'], d: SqlDialect): string {
  switch (type) {
    case 'number':
      return d === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'TIMESTAMP';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}

function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** A header cell: quoted only when needed (field names are the SQL column names). */
function headerCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? quoted(s) : s;
}

function* lineChunks(header: string, count: number, line: (i: number) => string | null) {
  let lines: string[] = [header];
  for (let i = 0; i < count; i++) {
    const l = line(i);
    if (l !== null) lines.push(l);
    if (lines.length >= CHUNK_LINES) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/** A date or timestamp cell, empty (NULL) when the value is beyond what the databases hold. */
function timeCell(ms: number, date: boolean): string {
  if (Number.isNaN(ms) || Math.abs(ms) > 8.64e15) return '';
  return date ? formatIsoDay(Math.floor(ms / DAY_MS)) : formatUtcTimestamp(ms);
}

function contactCells(input: WarehouseInput): (row: number) => string {
  const { contacts } = input;
  const entry = input.dictEntry ?? ((c: StringColumn, code: number) => c.dict[code]);
  const writers = contacts.fields.map((f): ((r: number) => string) => {
    const col = contacts.columns[f.name];
    if (col.kind === 'string') {
      const cache = new Map<number, string>();
      return (r) => {
        const code = col.codes[r];
        if (code === 0) return '';
        let cell = cache.get(code);
        if (cell === undefined) {
          const v = entry(col, code);
          cell = isBlank(v) ? '' : quoted(v);
          if (cache.size < 1 << 16) cache.set(code, cell);
        }
        return cell;
      };
    }
    if (col.kind === 'boolean')
      return (r) => (col.values[r] === 0 ? '' : col.values[r] === 2 ? 'true' : 'false');
    if (f.type === 'date') return (r) => timeCell(col.values[r], true);
    if (f.type === 'datetime') return (r) => timeCell(col.values[r], false);
    return (r) => (Number.isFinite(col.values[r]) ? String(col.values[r]) : '');
  });
  return (r) => {
    let out = String(r);
    for (const w of writers) out += ',' + w(r);
    return out;
  };
}

function schemaSql(fields: FieldSpec[], d: SqlDialect): string {
  const cols = [
    '  contact_id INTEGER',
    ...fields.map((f) => `  ${quoteIdent(f.name)} ${sqlType(f.type, d)}`)
  ];
  return [
    `-- Slice export: tables of docs/segments.md (${d === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}).`,
    'DROP TABLE IF EXISTS segment_members;',
    'DROP TABLE IF EXISTS email_activity;',
    'DROP TABLE IF EXISTS events;',
    'DROP TABLE IF EXISTS contacts;',
    `CREATE TABLE contacts (\n${cols.join(',\n')}\n);`,
    'CREATE TABLE events (\n  contact_id INTEGER,\n  "type" VARCHAR,\n  "target" VARCHAR,\n  "at" TIMESTAMP,\n  emailing_id VARCHAR\n);',
    'CREATE TABLE email_activity (\n  contact_id INTEGER,\n  "type" VARCHAR,\n  emailing_id VARCHAR,\n  "at" TIMESTAMP\n);',
    'CREATE TABLE segment_members (\n  segment_id VARCHAR,\n  contact_id INTEGER\n);',
    ''
  ].join('\n');
}

const TABLES = ['contacts', 'events', 'email_activity', 'segment_members'];

function loadSql(d: SqlDialect): string {
  if (d === 'duckdb') {
    return [
      '-- Run from the folder of the export, after schema.sql:',
      "--   duckdb slice.duckdb -c '.read duckdb/schema.sql' -c '.read duckdb/load.sql'",
      ...TABLES.map((t) => `COPY ${t} FROM '${t}.csv' (FORMAT csv, HEADER true);`),
      ''
    ].join('\n');
  }
  return [
    '-- Run with psql from the folder of the export, after schema.sql:',
    '--   psql -d mydb -f postgres/schema.sql -f postgres/load.sql',
    ...TABLES.map((t) => `\\copy ${t} FROM '${t}.csv' WITH (FORMAT csv, HEADER true)`),
    ''
  ].join('\n');
}

/** The SQL query of one segment: its conditions, or its stored members for manual and lists. */
export function segmentSql(
  segment: WarehouseSegment,
  input: WarehouseInput,
  d: SqlDialect
): string {
  const head = [`-- Segment ${JSON.stringify(segment.name)} (${segment.kind}), id ${segment.id}`];
  if (segment.kind !== 'dynamic' || !segment.definition) {
    head.push('-- Its members are stored: they are the rows of segment_members.');
    return [
      ...head,
      'SELECT contact_id',
      'FROM segment_members',
      `WHERE segment_id = ${quoteLiteral(segment.id)}`,
      'ORDER BY contact_id;',
      ''
    ].join('\n');
  }
  const sql = toSql(segment.definition, {
    fields: input.contacts.fields,
    identity: input.contacts.identity,
    dialect: d,
    now: input.now,
    timeZone: input.timeZone
  });
  return `${head.join('\n')}\n${sql.replace(/;?\s*$/, '')};\n`;
}

/** Each segment's SQL file name: its position and name, unique within the export. */
export function segmentFileNames(segments: WarehouseSegment[]): string[] {
  return segments.map(
    (s, i) => `${String(i + 1).padStart(3, '0')}-${slugify(s.name, 'segment')}.sql`
  );
}

export function warehouseFiles(input: WarehouseInput): WarehouseFile[] {
  const { contacts, events, segments } = input;
  const emailTypes = new Set<string>(EMAIL_ACTIVITY_TYPES);
  const names = segmentFileNames(segments);
  const files: WarehouseFile[] = [
    {
      path: 'contacts.csv',
      chunks: () => {
        const line = contactCells(input);
        return lineChunks(
          ['contact_id', ...contacts.fields.map((f) => headerCell(f.name))].join(','),
          contacts.rowCount,
          line
        );
      }
    },
    {
      path: 'events.csv',
      chunks: function* () {
        // Rows are visited in order; the contact of event k is found by walking the offsets.
        let row = 0;
        const typeCells = events.types.map((t) => quoted(t));
        const targetCells = events.targets.map((t) => (isBlank(t) ? '' : quoted(t)));
        const emailType = events.types.map((t) => emailTypes.has(t));
        yield* lineChunks('contact_id,type,target,at,emailing_id', events.count, (k) => {
          while (row < contacts.rowCount && events.offsets[row + 1] <= k) row++;
          const t = events.type[k];
          const target = targetCells[events.target[k]];
          const at = timeCell(events.at[k], false);
          return `${row},${typeCells[t]},${target},${at},${emailType[t] ? target : ''}`;
        });
      }
    },
    {
      path: 'email_activity.csv',
      chunks: function* () {
        const activity = input.delivery;
        if (!activity) {
          yield 'contact_id,type,emailing_id,at\n';
          return;
        }
        let row = 0;
        const typeCells = activity.types.map((t) => quoted(t));
        const emailingCells = activity.targets.map((t) => (isBlank(t) ? '' : quoted(t)));
        yield* lineChunks('contact_id,type,emailing_id,at', activity.count, (k) => {
          while (row < contacts.rowCount && activity.offsets[row + 1] <= k) row++;
          const at = timeCell(activity.at[k], false);
          return `${row},${typeCells[activity.type[k]]},${emailingCells[activity.target[k]]},${at}`;
        });
      }
    },
    {
      path: 'segment_members.csv',
      chunks: function* () {
        yield 'segment_id,contact_id\n';
        for (const s of segments) {
          if (!s.members) continue;
          const bits = s.members;
          const id = quoted(s.id);
          let lines: string[] = [];
          for (let r = 0; r < contacts.rowCount; r++) {
            if (!getBit(bits, r)) continue;
            lines.push(`${id},${r}`);
            if (lines.length >= CHUNK_LINES) {
              yield lines.join('\n') + '\n';
              lines = [];
            }
          }
          if (lines.length > 0) yield lines.join('\n') + '\n';
        }
      }
    },
    {
      path: 'segments.csv',
      chunks: () => [
        'segment_id,name,kind,members,duckdb_sql,postgres_sql\n' +
          segments
            .map(
              (s, i) =>
                `${quoted(s.id)},${quoted(s.name)},${s.kind},${s.members ? popcount(s.members) : ''},segments/duckdb/${names[i]},segments/postgres/${names[i]}\n`
            )
            .join('')
      ]
    }
  ];
  for (const d of DIALECTS) {
    files.push({ path: `${d}/schema.sql`, chunks: () => [schemaSql(contacts.fields, d)] });
    files.push({ path: `${d}/load.sql`, chunks: () => [loadSql(d)] });
    segments.forEach((s, i) =>
      files.push({ path: `segments/${d}/${names[i]}`, chunks: () => [segmentSql(s, input, d)] })
    );
  }
  files.push({ path: 'README.txt', chunks: () => [readme(input)] });
  return files;
}

function readme(input: WarehouseInput): string {
  return [
    `Slice export for a database${input.campaignName ? ` — ${input.campaignName}` : ''}`,
    '',
    'contacts.csv, events.csv, email_activity.csv, segment_members.csv: the tables of docs/segments.md (empty = NULL).',
    'segments.csv: every segment with its SQL file.',
    '',
    'DuckDB (from this folder):',
    "  duckdb slice.duckdb -c '.read duckdb/schema.sql' -c '.read duckdb/load.sql'",
    "  duckdb slice.duckdb -c '.read segments/duckdb/001-all-participants.sql'",
    'PostgreSQL (from this folder):',
    '  psql -d mydb -f postgres/schema.sql -f postgres/load.sql',
    '  psql -d mydb -f segments/postgres/001-all-participants.sql',
    '',
    `Relative dates in the segments were computed at ${new Date(input.now).toISOString()} in ${input.timeZone}; export again to move "now".`,
    ''
  ].join('\n');
}
