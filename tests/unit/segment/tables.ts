/**
 * Test helpers: build ContactTable / EventTable from plain rows, and load the same data into
 * DuckDB in the schema documented in docs/segments.md, so the engine and the exported SQL
 * run over identical data.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  Column,
  ContactTable,
  EventTable,
  FieldSpec
} from '../../../src/lib/core/columns/types';
import { EMAIL_ACTIVITY_TYPES } from '../../../src/lib/core/columns/types';
import { DAY_MS, formatIsoDay } from '../../../src/lib/core/segment/dates';
import { isBlank } from '../../../src/lib/core/text/fold';
import { quoteIdent, quoteLiteral } from '../../../src/lib/core/segment/to-sql';

/** A cell: string for string types, number (NaN = empty) for numbers/dates, 0/1/2 for booleans. */
export type Cell = string | number | null;

export function buildContacts(
  fields: FieldSpec[],
  rows: Record<string, Cell>[],
  identity: string
): ContactTable {
  const columns: Record<string, Column> = {};
  for (const f of fields) {
    if (f.type === 'number' || f.type === 'date' || f.type === 'datetime') {
      columns[f.name] = {
        kind: 'number',
        values: Float64Array.from(rows, (r) =>
          typeof r[f.name] === 'number' ? (r[f.name] as number) : NaN
        )
      };
    } else if (f.type === 'boolean') {
      columns[f.name] = {
        kind: 'boolean',
        values: Uint8Array.from(rows, (r) =>
          typeof r[f.name] === 'number' ? (r[f.name] as number) : 0
        )
      };
    } else {
      const dict = [''];
      const index = new Map<string, number>([['', 0]]);
      const codes = Uint32Array.from(rows, (r) => {
        const v = r[f.name];
        if (typeof v !== 'string' || v === '') return 0;
        let c = index.get(v);
        if (c === undefined) {
          c = dict.length;
          dict.push(v);
          index.set(v, c);
        }
        return c;
      });
      columns[f.name] = { kind: 'string', codes, dict };
    }
  }
  return { rowCount: rows.length, fields, identity, columns };
}

export interface PlainEvent {
  row: number;
  type: string;
  target: string;
  at: number;
}

/** CSR events: sorted by contact row, then time (stable for equal times). */
export function buildEvents(rowCount: number, events: PlainEvent[]): EventTable {
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.row - b.e.row || a.e.at - b.e.at || a.i - b.i)
    .map((x) => x.e);
  const types: string[] = [];
  const targets = [''];
  const typeIndex = new Map<string, number>();
  const targetIndex = new Map<string, number>([['', 0]]);
  const offsets = new Uint32Array(rowCount + 1);
  const type = new Uint16Array(sorted.length);
  const target = new Uint32Array(sorted.length);
  const at = new Float64Array(sorted.length);
  sorted.forEach((e, k) => {
    offsets[e.row + 1]++;
    let t = typeIndex.get(e.type);
    if (t === undefined) {
      t = types.length;
      types.push(e.type);
      typeIndex.set(e.type, t);
    }
    let g = targetIndex.get(e.target);
    if (g === undefined) {
      g = targets.length;
      targets.push(e.target);
      targetIndex.set(e.target, g);
    }
    type[k] = t;
    target[k] = g;
    at[k] = e.at;
  });
  for (let r = 0; r < rowCount; r++) offsets[r + 1] += offsets[r];
  return {
    count: sorted.length,
    types,
    targets,
    offsets,
    type,
    target,
    at,
    propCodes: new Uint32Array(sorted.length),
    props: ['']
  };
}

type Dialect = 'duckdb' | 'postgres';
type TimestampType = 'TIMESTAMP' | 'TIMESTAMPTZ';

/** What the database holds beyond the engine's tables, and how it stores instants. */
export interface LoadOptions {
  /** Rows of events with a NULL or unknown contact_id (the engine never sees them). */
  strayEvents?: { contactId: number | null; type: string; target: string; at: number }[];
  strayMembers?: { segment: string; contactId: number | null }[];
  /** TIMESTAMP holding UTC (the documented schema) or a warehouse's TIMESTAMPTZ. */
  timestampType?: TimestampType;
  /** The delivery activity, loaded as email_activity (empty table when absent). */
  delivery?: EventTable;
}

function sqlType(type: FieldSpec['type'], d: Dialect, ts: TimestampType = 'TIMESTAMP'): string {
  switch (type) {
    case 'number':
      return d === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION';
    case 'date':
      return 'DATE';
    case 'datetime':
      return ts;
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}

/** The instant as a value of the column type, whatever the session's TimeZone. */
function timestampSql(ms: number, d: Dialect, ts: TimestampType = 'TIMESTAMP'): string {
  const utc =
    d === 'duckdb'
      ? `epoch_ms(${Math.round(ms)}::BIGINT)`
      : `(to_timestamp(${Math.round(ms)} / 1000.0) AT TIME ZONE 'UTC')`;
  return ts === 'TIMESTAMP' ? utc : `(${utc} AT TIME ZONE 'UTC')`;
}

function cellSql(
  f: FieldSpec,
  col: Column,
  r: number,
  d: Dialect,
  ts: TimestampType = 'TIMESTAMP'
): string {
  if (col.kind === 'string') {
    const v = col.dict[col.codes[r]];
    return isBlank(v) ? 'NULL' : quoteLiteral(v);
  }
  if (col.kind === 'boolean')
    return col.values[r] === 0 ? 'NULL' : col.values[r] === 2 ? 'TRUE' : 'FALSE';
  const v = col.values[r];
  if (Number.isNaN(v)) return 'NULL';
  if (f.type === 'date') return `DATE '${formatIsoDay(Math.floor(v / DAY_MS))}'`;
  if (f.type === 'datetime') return timestampSql(v, d, ts);
  return `CAST('${String(v)}' AS ${sqlType('number', d)})`;
}

/**
 * Statements that (re)create contacts, events and segment_members from the engine's tables,
 * in the schema of docs/segments.md (empty values as NULL, identity values as stored).
 */
export function loadStatements(
  contacts: ContactTable,
  events: EventTable,
  segments: Record<string, number[]>,
  d: Dialect,
  opts: LoadOptions = {}
): string[] {
  const ts = opts.timestampType ?? 'TIMESTAMP';
  const out: string[] = [
    'DROP TABLE IF EXISTS contacts',
    'DROP TABLE IF EXISTS events',
    'DROP TABLE IF EXISTS email_activity',
    'DROP TABLE IF EXISTS segment_members'
  ];
  const cols = contacts.fields.map((f) => `${quoteIdent(f.name)} ${sqlType(f.type, d, ts)}`);
  out.push(`CREATE TABLE contacts (contact_id INTEGER, ${cols.join(', ')})`);
  if (contacts.rowCount > 0) {
    const rows: string[] = [];
    for (let r = 0; r < contacts.rowCount; r++) {
      const cells = contacts.fields.map((f) => cellSql(f, contacts.columns[f.name], r, d, ts));
      rows.push(`(${r}, ${cells.join(', ')})`);
    }
    out.push(`INSERT INTO contacts VALUES ${rows.join(',\n')}`);
  }
  out.push(
    `CREATE TABLE events (contact_id INTEGER, "type" VARCHAR, "target" VARCHAR, "at" ${ts}, emailing_id VARCHAR)`
  );
  const emailTypes = new Set<string>(EMAIL_ACTIVITY_TYPES);
  const evRows: string[] = [];
  const eventRow = (id: number | null, type: string, target: string, at: number) => {
    const t = isBlank(target) ? 'NULL' : quoteLiteral(target);
    const emailing = emailTypes.has(type) && !isBlank(target) ? quoteLiteral(target) : 'NULL';
    evRows.push(
      `(${id ?? 'NULL'}, ${quoteLiteral(type)}, ${t}, ${timestampSql(at, d, ts)}, ${emailing})`
    );
  };
  for (let r = 0; r < contacts.rowCount; r++) {
    for (let k = events.offsets[r]; k < events.offsets[r + 1]; k++) {
      eventRow(r, events.types[events.type[k]], events.targets[events.target[k]], events.at[k]);
    }
  }
  for (const e of opts.strayEvents ?? []) eventRow(e.contactId, e.type, e.target, e.at);
  if (evRows.length > 0) out.push(`INSERT INTO events VALUES ${evRows.join(',\n')}`);
  out.push(
    `CREATE TABLE email_activity (contact_id INTEGER, "type" VARCHAR, emailing_id VARCHAR, "at" ${ts})`
  );
  const activity = opts.delivery;
  const actRows: string[] = [];
  if (activity) {
    for (let r = 0; r < contacts.rowCount; r++) {
      for (let k = activity.offsets[r]; k < activity.offsets[r + 1]; k++) {
        const emailing = activity.targets[activity.target[k]];
        actRows.push(
          `(${r}, ${quoteLiteral(activity.types[activity.type[k]])}, ${isBlank(emailing) ? 'NULL' : quoteLiteral(emailing)}, ${timestampSql(activity.at[k], d, ts)})`
        );
      }
    }
  }
  if (actRows.length > 0) out.push(`INSERT INTO email_activity VALUES ${actRows.join(',\n')}`);
  out.push('CREATE TABLE segment_members (segment_id VARCHAR, contact_id INTEGER)');
  const segRows = [
    ...Object.entries(segments).flatMap(([id, rows]) =>
      rows.map((r) => `(${quoteLiteral(id)}, ${r})`)
    ),
    ...(opts.strayMembers ?? []).map(
      (m) => `(${quoteLiteral(m.segment)}, ${m.contactId ?? 'NULL'})`
    )
  ];
  if (segRows.length > 0) out.push(`INSERT INTO segment_members VALUES ${segRows.join(', ')}`);
  return out;
}

/** (Re)creates the three tables in DuckDB. */
export async function loadIntoDuckDb(
  conn: DuckDBConnection,
  contacts: ContactTable,
  events: EventTable,
  segments: Record<string, number[]>,
  opts: LoadOptions = {}
): Promise<void> {
  for (const sql of loadStatements(contacts, events, segments, 'duckdb', opts)) await conn.run(sql);
}

/** contact_id values returned by a query, in order. */
export async function queryIds(conn: DuckDBConnection, sql: string): Promise<number[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRows().map((row) => Number(row[0]));
}
