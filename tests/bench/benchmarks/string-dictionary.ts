/**
 * string-dictionary: the dictionary-building phase of the contacts import, on the real column
 * values. The contacts file is parsed once as the import parses it (64 KiB pieces of
 * CsvChunkParser), and every string column's trimmed values (emails normalised) are kept in
 * the import's batches. Timed: building every string column's dictionary batch by batch, as
 * contact-importer.ts does — with the dictionary the code uses (core/csv/string-dictionary.ts)
 * and, as the peer, with the hand-written open-addressing table it replaced (kept here only to
 * be measured against). Both must give every value the same code.
 */
import { readFile } from 'node:fs/promises';
import { CsvChunkParser } from '../../../src/lib/core/csv/parse-csv-chunks';
import { columnKindOf } from '../../../src/lib/core/csv/contact-importer';
import { normaliseEmail } from '../../../src/lib/core/csv/email';
import { inferFields } from '../../../src/lib/core/csv/infer-fields';
import { StringDictionary } from '../../../src/lib/core/csv/string-dictionary';
import { trimCell } from '../../../src/lib/core/csv/trim-cell';
import { result, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';
import { OpenAddressingDictionary } from '../lib/open-addressing-dictionary';

/** Per string column, the batches of its non-empty values, in file order. */
interface ColumnValues {
  name: string;
  batches: string[][];
  count: number;
}

const PIECE = 64 * 1024;

async function readStringColumns(path: string): Promise<ColumnValues[]> {
  const text = await readFile(path, 'utf8');
  const parser = new CsvChunkParser(',');
  const batches: string[][][] = [];
  for (let at = 0; at < text.length; at += PIECE) {
    const { rows } = parser.push(text.slice(at, at + PIECE));
    if (rows.length) batches.push(rows);
  }
  const last = parser.end().rows;
  if (last.length) batches.push(last);
  const headers = batches[0].shift()!;
  const fields = inferFields(headers, batches.flat().slice(0, 1000));
  const columns: ColumnValues[] = [];
  fields.forEach((f, j) => {
    if (columnKindOf(f.type) !== 'string') return;
    const email = f.type === 'email';
    const column: ColumnValues = { name: f.name, batches: [], count: 0 };
    for (const rows of batches) {
      const values: string[] = [];
      for (const row of rows) {
        const v = email ? normaliseEmail(row[j] ?? '') : trimCell(row[j] ?? '');
        if (v !== '') values.push(v);
      }
      column.batches.push(values);
      column.count += values.length;
    }
    columns.push(column);
  });
  return columns;
}

/** The importer's loop with the Map-based dictionary: codeOf per value (it copies new ones). */
function buildWithMap(columns: ColumnValues[]): Uint32Array[] {
  return columns.map((c) => {
    const d = new StringDictionary();
    const codes = new Uint32Array(c.count);
    let k = 0;
    for (const values of c.batches) {
      for (let i = 0; i < values.length; i++) codes[k++] = d.codeOf(values[i]);
    }
    return codes;
  });
}

/** The same loop with the hand-written table: hashes and slots read ahead per batch. */
function buildWithTable(columns: ColumnValues[]): Uint32Array[] {
  let hashes = new Uint32Array(1024);
  return columns.map((c) => {
    const d = new OpenAddressingDictionary();
    const codes = new Uint32Array(c.count);
    let k = 0;
    for (const values of c.batches) {
      if (values.length > hashes.length) hashes = new Uint32Array(values.length * 2);
      d.prepare(values, 0, values.length, hashes);
      for (let i = 0; i < values.length; i++) codes[k++] = d.codeOfHashed(values[i], hashes[i]);
      d.compact();
    }
    return codes;
  });
}

function sameCodes(a: Uint32Array[], b: Uint32Array[], columns: ColumnValues[]): void {
  for (let c = 0; c < a.length; c++) {
    for (let i = 0; i < a[c].length; i++) {
      if (a[c][i] !== b[c][i]) {
        throw new Error(`column ${columns[c].name}, value ${i}: code ${a[c][i]} vs ${b[c][i]}`);
      }
    }
  }
}

export const benchmark: Benchmark = {
  name: 'string-dictionary',
  kind: 'node',
  order: 91,
  async run(ctx) {
    const data = await ctx.data();
    const columns = await readStringColumns(data.contactsPath);
    sameCodes(buildWithMap(columns), buildWithTable(columns), columns);
    const values = columns.reduce((n, c) => n + c.count, 0);
    const distinct = columns.reduce((n, c) => {
      const d = new StringDictionary();
      for (const b of c.batches) for (const v of b) d.codeOf(v);
      return n + d.size - 1;
    }, 0);
    // Alternated so that neither one always runs on a heap the other left behind.
    const mapTimes: number[] = [];
    const tableTimes: number[] = [];
    buildWithMap(columns);
    buildWithTable(columns);
    for (let run = 0; run < 5; run++) {
      const order = run % 2 ? [buildWithTable, buildWithMap] : [buildWithMap, buildWithTable];
      for (const build of order) {
        const t0 = performance.now();
        build(columns);
        (build === buildWithMap ? mapTimes : tableTimes).push(performance.now() - t0);
      }
    }
    const t = summarise(mapTimes);
    const p = summarise(tableTimes);
    ctx.log(
      `string-dictionary: ${columns.length} string columns, ${values} values, ${distinct} distinct; ` +
        `Map ${t.median.toFixed(0)} ms, hand-written table ${p.median.toFixed(0)} ms`
    );
    return result(
      'string-dictionary',
      data.rows,
      t,
      {
        string_columns: columns.length,
        values,
        distinct_values: distinct,
        // Above 1: the hand-written table is that many times faster than the Map.
        table_speedup: Number((t.median / p.median).toFixed(2))
      },
      { name: 'hand-written open-addressing table', timings: p }
    );
  }
};
