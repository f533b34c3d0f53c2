/**
 * Turns parsed CSV records into a ContactTable, merged with the campaign's existing contacts
 * by identity. Every record is either taken whole or rejected with its line, column and
 * reason; the existing table is never touched (the caller commits the result, or nothing).
 */
import type { Column, ContactTable, DateOrder, FieldSpec, FieldType } from '../columns/types';
import {
  builderFor,
  growTypedArray,
  nextCapacity,
  type AnyColumnBuilder,
  BooleanColumnBuilder,
  StringColumnBuilder
} from './column-builders';
import { isValidEmail, normaliseEmail } from './email';
import { createIdentityIndex } from './identity-index';
import { normaliseIdentity } from './normalise-identity';
import { parseBoolean } from './parse-boolean';
import { zoneClock } from '../segment/dates';
import { parseDate, parseDateTime } from './parse-date';
import { parseNumber } from './parse-number';
import type { Delimiter, MergePolicy } from './types';
import { trimCell } from './trim-cell';
import { headerIndex, headerSkipper, rejectedRow, type RejectedRowDetail } from './import-rows';
import { nameRecord } from '../columns/name-record';
import { shortCell } from './short-cell';

export interface ContactImportResult {
  table: ContactTable;
  added: number;
  updated: number;
  skipped: number;
  rejected: RejectedRowDetail[];
  newFields: string[];
}

export interface ContactImporterOptions {
  /** The fields to import (only the included ones). */
  fields: FieldSpec[];
  headers: string[];
  /** Name of the identity field (must be the existing table's identity when merging). */
  identity: string;
  policy: MergePolicy;
  existing?: ContactTable;
  /** The file's delimiter, to write rejected records back as they were (default ','). */
  delimiter?: Delimiter;
  /** IANA zone in which date-times without a zone are read (default UTC). */
  timeZone?: string;
}

export interface ContactImporter {
  /** Takes data records (a leading header record, identical to `headers`, is skipped). */
  addRows(rows: string[][], lines: number[]): void;
  finish(): ContactImportResult;
}

/** How a column's cells are read: a code per strict type, strings as they are. */
const Read = { Text: 0, Email: 1, Number: 2, Date: 3, DateTime: 4, Boolean: 5 } as const;
type Read = (typeof Read)[keyof typeof Read];

const ORDER_LABEL: Record<DateOrder, string> = {
  dmy: 'day/month/year',
  mdy: 'month/day/year',
  ymd: 'year-month-day'
};

export function columnKindOf(type: FieldType): Column['kind'] {
  if (type === 'number' || type === 'date' || type === 'datetime') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'string';
}

/** A number written in full that a double cannot hold (1e309, 400 digits): not "unreadable". */
function tooLarge(s: string, decimal: ',' | '.'): boolean {
  const n = Number(decimal === ',' ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, ''));
  return n === Infinity || n === -Infinity ? !/inf/i.test(s) : false;
}

function readOf(type: FieldType): Read {
  switch (type) {
    case 'email':
      return Read.Email;
    case 'number':
      return Read.Number;
    case 'date':
      return Read.Date;
    case 'datetime':
      return Read.DateTime;
    case 'boolean':
      return Read.Boolean;
    default:
      return Read.Text;
  }
}

interface FileField {
  spec: FieldSpec;
  column: number;
  header: string;
  read: Read;
  decimal: ',' | '.';
  order: DateOrder;
  builder: AnyColumnBuilder;
}

function plainSpec(f: FieldSpec): FieldSpec {
  const spec: FieldSpec = { name: f.name, type: f.type };
  if (f.source !== undefined) spec.source = f.source;
  if (f.decimal !== undefined) spec.decimal = f.decimal;
  if (f.dateOrder !== undefined) spec.dateOrder = f.dateOrder;
  return spec;
}

export function createContactImporter(opts: ContactImporterOptions): ContactImporter {
  const { headers, policy, existing } = opts;
  const delimiter = opts.delimiter ?? ',';
  const zone = opts.timeZone ? zoneClock(opts.timeZone) : undefined;
  const width = headers.length;
  if (
    existing &&
    existing.identity &&
    existing.rowCount > 0 &&
    existing.identity !== opts.identity
  ) {
    throw new Error(
      `the campaign's contacts are identified by '${existing.identity}': the file must map a column to it, not to '${opts.identity}'`
    );
  }
  const existingRows = existing?.rowCount ?? 0;
  const outFields: FieldSpec[] = existing ? existing.fields.map(plainSpec) : [];
  const builders = new Map<string, AnyColumnBuilder>();
  for (const f of outFields) {
    const col = existing!.columns[f.name];
    builders.set(f.name, builderFor(col?.kind ?? columnKindOf(f.type), col, existingRows));
  }
  const newFields: string[] = [];
  const fileFields: FileField[] = [];
  for (const f of opts.fields) {
    const source = f.source ?? f.name;
    const column = headerIndex(headers, source);
    if (column === -1)
      throw new Error(`field '${f.name}' reads column '${source}', which is not in the file`);
    if (fileFields.some((x) => x.spec.name === f.name))
      throw new Error(`field '${f.name}' is mapped twice`);
    let spec = outFields.find((x) => x.name === f.name);
    if (!spec) {
      spec = plainSpec(f);
      outFields.push(spec);
      newFields.push(f.name);
      builders.set(f.name, builderFor(columnKindOf(f.type), undefined, existingRows));
    }
    // An existing field keeps its type; the file's own formats still say how to read it.
    fileFields.push({
      spec,
      column,
      header: headers[column].trim(),
      read: readOf(spec.type),
      decimal: f.decimal ?? spec.decimal ?? '.',
      order: f.dateOrder ?? spec.dateOrder ?? 'dmy',
      builder: builders.get(f.name)!
    });
  }
  const idField = fileFields.find((f) => f.spec.name === opts.identity);
  if (!idField)
    throw new Error(`the identity field '${opts.identity}' is not among the imported fields`);
  const idType = idField.spec.type;
  const idColumn = idField.column;
  const idName = idField.header;

  const identityIndex = createIdentityIndex(
    idField.builder,
    existing?.columns[opts.identity],
    existingRows,
    idType
  );
  // Identity cells of new rows are written by the index (for a string identity).
  const idWrittenByIndex = idField.builder.kind === 'string';
  const idK = fileFields.indexOf(idField);
  // fileLine[row] = line where the file gave that row (0 = not yet).
  let fileLine = new Int32Array(nextCapacity(0, existingRows));
  let rowCount = existingRows;
  let capacity = existingRows;
  let added = 0;
  let updated = 0;
  let skipped = 0;
  const rejected: RejectedRowDetail[] = [];
  const headerRows = headerSkipper(headers);

  const n = fileFields.length;
  const allBuilders = [...builders.values()];
  const idIsText = idField.read === Read.Text || idField.read === Read.Email;

  // A batch is read column by column (one tight loop per column, specialised to its type),
  // then its rows are matched by identity in file order, then written column by column.
  // Scratch arrays, reused from batch to batch; indexed by the record's place in the batch.
  let room = 0;
  /** Normalised identity of each record. */
  let keys: string[] = [];
  /** Why the record is rejected (the first failing check, in the order of the fields). */
  let reasons: (string | undefined)[] = [];
  let reasonColumns: (string | undefined)[] = [];
  /** Row of the table each accepted record writes (-1: none); `fresh` = it adds that row. */
  let target = new Int32Array(0);
  let fresh = new Uint8Array(0);
  /** Values read per field: numbers, dates and booleans as numbers, emails normalised. */
  const numbers: (Float64Array | null)[] = fileFields.map(() => null);
  const emails: (string[] | null)[] = fileFields.map(() => null);

  const makeRoom = (m: number) => {
    if (m <= room) return;
    room = Math.max(m, room * 2);
    keys = new Array<string>(room).fill('');
    reasons = new Array<string | undefined>(room).fill(undefined);
    reasonColumns = new Array<string | undefined>(room).fill(undefined);
    target = new Int32Array(room);
    fresh = new Uint8Array(room);
    for (let k = 0; k < n; k++) {
      const read = fileFields[k].read;
      if (read === Read.Email) emails[k] = new Array<string>(room).fill('');
      else if (read !== Read.Text) numbers[k] = new Float64Array(room);
    }
  };

  const fail = (i: number, column: string | undefined, reason: string) => {
    reasons[i] = reason;
    reasonColumns[i] = column;
  };

  /** Checks the shape and identity of records [from, to); the rest are read only if these pass. */
  const readIdentities = (rows: string[][], from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const row = rows[i];
      reasons[i] = undefined;
      if (row.length !== width) {
        keys[i] = '';
        fail(i, undefined, `expected ${width} fields, found ${row.length}`);
        continue;
      }
      const rawId = row[idColumn];
      const key = normaliseIdentity(rawId, idType);
      keys[i] = key;
      if (key === '') fail(i, idName, `empty identity in column ${idName}`);
      else if (idType === 'email' && !isValidEmail(key))
        fail(i, idName, `invalid email '${shortCell(rawId.trim())}' in column ${idName}`);
    }
    if (!idIsText) readField(idK, rows, from, to);
  };

  /** Reads field `k` of the records [from, to) not rejected yet; rejects the unreadable ones. */
  const readField = (k: number, rows: string[][], from: number, to: number) => {
    const f = fileFields[k];
    const col = f.column;
    const header = f.header;
    switch (f.read) {
      case Read.Text:
        // Text is read when written: it cannot be wrong.
        return;
      case Read.Email: {
        const out = emails[k]!;
        for (let i = from; i < to; i++) {
          if (reasons[i] !== undefined) continue;
          const raw = rows[i][col];
          const v = normaliseEmail(raw);
          if (v !== '' && !isValidEmail(v)) {
            fail(i, header, `invalid email '${shortCell(raw.trim())}' in column ${header}`);
          }
          out[i] = v;
        }
        return;
      }
      case Read.Number: {
        const out = numbers[k]!;
        const decimal = f.decimal;
        for (let i = from; i < to; i++) {
          if (reasons[i] !== undefined) continue;
          const s = trimCell(rows[i][col]);
          const v = s === '' ? NaN : parseNumber(s, decimal);
          if (v !== v && s !== '') {
            const mark = decimal === ',' ? 'decimal comma' : 'decimal point';
            fail(
              i,
              header,
              tooLarge(s, decimal)
                ? `'${shortCell(s)}' is too large a number (beyond ±1.8e308) in column ${header}`
                : `'${shortCell(s)}' is not a number (${mark}) in column ${header}`
            );
          }
          out[i] = v;
        }
        return;
      }
      case Read.Date:
      case Read.DateTime: {
        const out = numbers[k]!;
        const order = f.order;
        const date = f.read === Read.Date;
        for (let i = from; i < to; i++) {
          if (reasons[i] !== undefined) continue;
          const s = trimCell(rows[i][col]);
          const v = s === '' ? NaN : date ? parseDate(s, order) : parseDateTime(s, order, zone);
          if (v !== v && s !== '') {
            const what = date ? 'a date' : 'a date and time';
            fail(
              i,
              header,
              `'${shortCell(s)}' is not ${what} (${ORDER_LABEL[order]}${date ? '' : ' hh:mm'}) in column ${header}`
            );
          }
          out[i] = v;
        }
        return;
      }
      case Read.Boolean: {
        const out = numbers[k]!;
        for (let i = from; i < to; i++) {
          if (reasons[i] !== undefined) continue;
          const raw = rows[i][col];
          const v = parseBoolean(raw);
          if (v === -1)
            fail(i, header, `'${raw.trim()}' is not a yes/no value in column ${header}`);
          out[i] = v;
        }
        return;
      }
    }
  };

  /** Writes the identity cell of record `i` into `row` (`fresh`: a row just added). */
  const writeIdentity = (i: number, row: number, isNew: boolean) => {
    const b = idField.builder;
    if (b instanceof StringColumnBuilder) {
      if (!isNew && !(policy === 'keep_first' && !b.isEmpty(row))) b.set(row, keys[i]);
      return;
    }
    const v = numbers[idK]![i];
    if (isNew) b.values[row] = v;
    else if (v === v && !(policy === 'keep_first' && !b.isEmpty(row))) b.values[row] = v;
  };

  /**
   * Matches records [from, to) by identity, in file order: rejects the rejected and the
   * duplicates, and says which row each of the others writes.
   */
  const matchRows = (rows: string[][], lines: number[], from: number, to: number) => {
    for (let i = from; i < to; i++) {
      target[i] = -1;
      const line = lines[i];
      const reason = reasons[i];
      if (reason !== undefined) {
        reject(rows[i], line, reasonColumns[i], reason);
        continue;
      }
      const key = keys[i];
      const found = identityIndex.find(key);
      if (found !== -1) {
        const first = fileLine[found];
        if (first > 0) {
          reject(
            rows[i],
            line,
            idName,
            `duplicate identity '${shortCell(key)}', first seen on line ${first}`
          );
          continue;
        }
        fileLine[found] = line;
        if (policy === 'skip') {
          skipped++;
          continue;
        }
        // Written now, as before any later lookup: the identity's dictionary may change.
        writeIdentity(i, found, false);
        target[i] = found;
        fresh[i] = 0;
        updated++;
        continue;
      }
      const r = rowCount++;
      if (r >= fileLine.length) {
        fileLine = growTypedArray(fileLine, nextCapacity(fileLine.length, r + 1));
      }
      if (rowCount > capacity) {
        capacity = nextCapacity(capacity, rowCount);
        for (const b of allBuilders) b.ensure(capacity);
      }
      identityIndex.add(key, r);
      if (!idWrittenByIndex) writeIdentity(i, r, true);
      fileLine[r] = line;
      target[i] = r;
      fresh[i] = 1;
      added++;
    }
  };

  /**
   * Writes field `k` of the matched records [from, to): every cell of a new row; for an
   * existing row only non-blank cells, and under keep_first only into empty cells.
   */
  const writeField = (k: number, rows: string[][], from: number, to: number) => {
    const f = fileFields[k];
    const b = f.builder;
    const keepFirst = policy === 'keep_first';
    if (b instanceof StringColumnBuilder) {
      const codes = b.codes;
      const col = f.column;
      const given = f.read === Read.Email ? emails[k]! : null;
      for (let i = from; i < to; i++) {
        const row = target[i];
        if (row < 0) continue;
        const v = given ? given[i] : trimCell(rows[i][col]);
        if (fresh[i] === 0 && (v === '' || (keepFirst && codes[row] !== 0))) continue;
        codes[row] = v === '' ? 0 : b.codeOf(v);
      }
      return;
    }
    const read = numbers[k]!;
    if (b instanceof BooleanColumnBuilder) {
      const values = b.values;
      for (let i = from; i < to; i++) {
        const row = target[i];
        if (row < 0) continue;
        const v = read[i];
        if (fresh[i] === 0 && (v === 0 || (keepFirst && values[row] !== 0))) continue;
        values[row] = v;
      }
      return;
    }
    const values = b.values;
    for (let i = from; i < to; i++) {
      const row = target[i];
      if (row < 0) continue;
      const v = read[i];
      if (fresh[i] === 0 && (v !== v || (keepFirst && values[row] === values[row]))) continue;
      values[row] = v;
    }
  };

  const reject = (row: string[], line: number, column: string | undefined, reason: string) => {
    rejected.push(rejectedRow(row, line, column, reason, delimiter));
  };

  return {
    addRows(rows, lines) {
      const i = headerRows(rows);
      const m = rows.length;
      if (i < m) {
        makeRoom(m);
        readIdentities(rows, i, m);
        for (let k = 0; k < n; k++) if (k !== idK) readField(k, rows, i, m);
        matchRows(rows, lines, i, m);
        for (let k = 0; k < n; k++) if (k !== idK) writeField(k, rows, i, m);
      }
    },
    finish() {
      const columns = nameRecord<Column>();
      for (const f of outFields) columns[f.name] = builders.get(f.name)!.finish(rowCount);
      return {
        table: { rowCount, fields: outFields, identity: opts.identity, columns },
        added,
        updated,
        skipped,
        rejected,
        newFields
      };
    }
  };
}
