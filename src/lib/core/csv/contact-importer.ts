/**
 * Turns parsed CSV records into a ContactTable, merged with the campaign's existing contacts
 * by identity. Every record is either taken whole or rejected with its line, column and
 * reason; the existing table is never touched (the caller commits the result, or nothing).
 */
import type {
  Column,
  ContactTable,
  DateOrder,
  FieldSpec,
  FieldType
} from '$lib/core/columns/types';
import {
  builderFor,
  growTypedArray,
  nextCapacity,
  type AnyColumnBuilder,
  type BooleanColumnBuilder,
  type NumberColumnBuilder,
  StringColumnBuilder
} from './column-builders';
import { isValidEmail, normaliseEmail } from './email';
import { createIdentityIndex } from './identity-index';
import { normaliseIdentity } from './normalise-identity';
import { parseBoolean } from './parse-boolean';
import { parseDate, parseDateTime } from './parse-date';
import { parseNumber } from './parse-number';
import type { Delimiter, MergePolicy, RejectedRow } from './types';
import { joinCells } from './write-csv';

export interface RejectedRowDetail extends RejectedRow {
  /** The record as it was in the file (cells joined back with the delimiter). */
  raw: string;
}

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

/** Index of the column a field reads: its source header (exact, then trimmed), or its name. */
export function headerIndex(headers: string[], name: string): number {
  const exact = headers.indexOf(name);
  if (exact !== -1) return exact;
  const trimmed = name.trim();
  return headers.findIndex((h) => h.trim() === trimmed);
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
  let started = false;

  const n = fileFields.length;
  const nums = new Float64Array(n);
  const texts: string[] = new Array(n).fill('');
  const reads = fileFields.map((f) => f.read);
  const columns = fileFields.map((f) => f.column);
  const allBuilders = [...builders.values()];
  const stringBuilders = allBuilders.filter((b) => b instanceof StringColumnBuilder);
  const idIsText = reads[idK] === Read.Text || reads[idK] === Read.Email;

  const reject = (row: string[], line: number, column: string | undefined, reason: string) => {
    const r: RejectedRowDetail = { line, reason, raw: joinCells(row, delimiter) };
    if (column !== undefined) r.column = column;
    rejected.push(r);
  };

  /** Reads cell `raw` of file field `k` into nums/texts; the rejection reason, or null. */
  const readCell = (k: number, raw: string): { column: string; reason: string } | null => {
    const f = fileFields[k];
    switch (reads[k]) {
      case Read.Text:
        texts[k] = raw.trim();
        break;
      case Read.Email: {
        const v = normaliseEmail(raw);
        if (v !== '' && !isValidEmail(v)) {
          return {
            column: f.header,
            reason: `invalid email '${raw.trim()}' in column ${f.header}`
          };
        }
        texts[k] = v;
        break;
      }
      case Read.Number: {
        const s = raw.trim();
        const v = s === '' ? NaN : parseNumber(s, f.decimal);
        if (s !== '' && Number.isNaN(v)) {
          const mark = f.decimal === ',' ? 'decimal comma' : 'decimal point';
          return {
            column: f.header,
            reason: `'${s}' is not a number (${mark}) in column ${f.header}`
          };
        }
        nums[k] = v;
        break;
      }
      case Read.Date:
      case Read.DateTime: {
        const s = raw.trim();
        const date = reads[k] === Read.Date;
        const v = s === '' ? NaN : date ? parseDate(s, f.order) : parseDateTime(s, f.order);
        if (s !== '' && Number.isNaN(v)) {
          const what = date ? 'a date' : 'a date and time';
          return {
            column: f.header,
            reason: `'${s}' is not ${what} (${ORDER_LABEL[f.order]}${date ? '' : ' hh:mm'}) in column ${f.header}`
          };
        }
        nums[k] = v;
        break;
      }
      case Read.Boolean: {
        const v = parseBoolean(raw);
        if (v === -1) {
          return {
            column: f.header,
            reason: `'${raw.trim()}' is not a yes/no value in column ${f.header}`
          };
        }
        nums[k] = v;
        break;
      }
    }
    return null;
  };

  /** Reads the cells of `row` but the identity's; the first rejection reason, or null. */
  const readRow = (row: string[]): { column: string; reason: string } | null => {
    for (let k = 0; k < n; k++) {
      if (k === idK) continue;
      const bad = readCell(k, row[columns[k]]);
      if (bad) return bad;
    }
    return null;
  };

  const isBlankCell = (k: number): boolean => {
    const read = reads[k];
    if (read === Read.Text || read === Read.Email) return texts[k] === '';
    if (read === Read.Boolean) return nums[k] === 0;
    return Number.isNaN(nums[k]);
  };

  const write = (k: number, row: number) => {
    const b = fileFields[k].builder;
    const read = reads[k];
    if (read === Read.Text || read === Read.Email) (b as StringColumnBuilder).set(row, texts[k]);
    else if (read === Read.Boolean) (b as BooleanColumnBuilder).values[row] = nums[k];
    else (b as NumberColumnBuilder).values[row] = nums[k];
  };

  const addRow = (row: string[], line: number) => {
    if (row.length !== width) {
      reject(row, line, undefined, `expected ${width} fields, found ${row.length}`);
      return;
    }
    const rawId = row[idColumn];
    const key = normaliseIdentity(rawId, idType);
    if (key === '') {
      reject(row, line, idName, `empty identity in column ${idName}`);
      return;
    }
    if (idType === 'email' && !isValidEmail(key)) {
      reject(row, line, idName, `invalid email '${rawId.trim()}' in column ${idName}`);
      return;
    }
    if (idIsText) {
      texts[idK] = key;
    } else {
      const badId = readCell(idK, rawId);
      if (badId) {
        reject(row, line, badId.column, badId.reason);
        return;
      }
    }
    const bad = readRow(row);
    if (bad) {
      reject(row, line, bad.column, bad.reason);
      return;
    }
    const found = identityIndex.find(key);
    if (found !== -1) {
      const first = fileLine[found];
      if (first > 0) {
        reject(row, line, idName, `duplicate identity '${key}', first seen on line ${first}`);
        return;
      }
      fileLine[found] = line;
      if (policy === 'skip') {
        skipped++;
        return;
      }
      for (let k = 0; k < n; k++) {
        if (isBlankCell(k)) continue;
        if (policy === 'keep_first' && !fileFields[k].builder.isEmpty(found)) continue;
        write(k, found);
      }
      updated++;
      return;
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
    for (let k = 0; k < n; k++) if (k !== idK || !idWrittenByIndex) write(k, r);
    fileLine[r] = line;
    added++;
  };

  return {
    addRows(rows, lines) {
      let i = 0;
      if (!started && rows.length > 0) {
        started = true;
        const first = rows[0];
        if (first.length === width && first.every((c, j) => c === headers[j])) i = 1;
      }
      for (; i < rows.length; i++) addRow(rows[i], lines[i]);
      for (const b of stringBuilders) b.compact();
    },
    finish() {
      const columns: Record<string, Column> = {};
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
