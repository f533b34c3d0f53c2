/**
 * write-csv: our spreadsheet CSV writer (write-csv.ts `toCsv`, `spreadsheetCell` per cell)
 * against `Papa.unparse` with `escapeFormulae` (CRLF), on the records of the contacts file.
 *
 * The two outputs are not byte-equal (Papa quotes every cell it neutralises, e.g. the phones
 * `"'+41 …"`, and ends without a line end), so both are parsed back and compared cell by cell:
 * on this data every cell must read the same. The cells where the rules differ (see the
 * `differences` list below) are checked apart and reported as a count, never silently.
 */
import { readFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { CsvChunkParser } from '../../../src/lib/core/csv/parse-csv-chunks';
import { spreadsheetCell, toCsv } from '../../../src/lib/core/csv/write-csv';
import { result, timeRuns } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const unparse = (headers: string[], rows: string[][]) =>
  Papa.unparse({ fields: headers, data: rows }, { escapeFormulae: true, newline: '\r\n' });

/**
 * Cells on which the two rules differ, each with why. Ours: `= + - @ tab CR` first → `'`
 * prefix, quotes on `" , ; tab | CR LF`. Papa's formula test is `/^[=+\-@\t\r].*$/` without
 * the `s` flag, so a formula whose text holds a line end is left as it is.
 */
const differences: { cell: string; why: string }[] = [
  { cell: '=1+1\n2', why: 'Papa leaves a multi-line formula un-neutralised (its `.` stops at LF)' },
  { cell: '\r\n=1', why: 'same: CR then LF first, Papa does not neutralise' },
  { cell: 'a;b', why: 'we quote `;` (the delimiter of European spreadsheets); Papa does not' },
  { cell: 'a|b', why: 'we quote `|`; Papa does not' },
  {
    cell: ' padded ',
    why: 'Papa quotes a leading or trailing space; we do not (same cell read back)'
  }
];

function readBack(csv: string): string[][] {
  return Papa.parse<string[]>(csv.replace(/\r\n$/, ''), { newline: '\r\n' }).data;
}

function sameCells(ours: string[][], theirs: string[][]): number {
  if (ours.length !== theirs.length) throw new Error(`${ours.length} vs ${theirs.length} lines`);
  let differing = 0;
  for (let r = 0; r < ours.length; r++) {
    const a = ours[r];
    const b = theirs[r];
    for (let c = 0; c < Math.max(a.length, b.length); c++) if (a[c] !== b[c]) differing++;
  }
  return differing;
}

export const benchmark: Benchmark = {
  name: 'write-csv',
  kind: 'node',
  order: 92,
  async run(ctx) {
    const data = await ctx.data();
    const parser = new CsvChunkParser(',');
    const records = parser.push(await readFile(data.contactsPath, 'utf8')).rows;
    records.push(...parser.end().rows);
    const headers = records.shift()!;
    const neutralised = records.reduce(
      (n, row) => n + row.filter((v) => spreadsheetCell(v).startsWith("'")).length,
      0
    );

    const ours = toCsv(headers, records);
    const theirs = unparse(headers, records);
    const differing = sameCells(readBack(ours), readBack(theirs));
    if (differing !== 0) throw new Error(`${differing} cells read back differently`);
    const edge = differences.filter(
      (d) => readBack(toCsv(['x'], [[d.cell]]))[1][0] !== readBack(unparse(['x'], [[d.cell]]))[1][0]
    );
    for (const d of edge) ctx.log(`  differs on ${JSON.stringify(d.cell)}: ${d.why}`);

    const t = await timeRuns(() => toCsv(headers, records), { runs: 5 });
    const p = await timeRuns(() => unparse(headers, records), { runs: 5 });
    ctx.log(
      `write-csv: ${records.length} records, ${neutralised} cells neutralised, ` +
        `${ours.length} vs ${theirs.length} characters, same cells read back`
    );
    return result(
      'write-csv',
      data.rows,
      t,
      {
        neutralised_cells: neutralised,
        differing_cells: differing,
        rules_differ_on: edge.length,
        // Above 1: toCsv is that many times faster than Papa.unparse.
        ours_speedup: Number((p.median / t.median).toFixed(2))
      },
      { name: 'Papa.unparse escapeFormulae', timings: p }
    );
  }
};
