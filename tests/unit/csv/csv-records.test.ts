/**
 * The lean record scanner used for delivery exports reads what the general parser reads:
 * same cells (trimmed), same lines, whatever the chunking, quotes, line ends and sep= hint.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanCsvRecords } from '$lib/core/csv/csv-records';
import { parseCsvChunks } from '$lib/core/csv/parse-csv-chunks';

async function* pieces(text: string, cuts: number[]) {
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < text.length)].sort((a, b) => a - b)) {
    yield text.slice(at, cut);
    at = cut;
  }
  yield text.slice(at);
}

async function scanned(text: string, cuts: number[]) {
  const rows: { line: number; cells: string[] }[] = [];
  const r = await scanCsvRecords(pieces(text, cuts), ',', (rec) => {
    rows.push({ line: rec.line, cells: rec.cells() });
  });
  return { rows, problem: r.problem };
}

async function general(text: string) {
  const rows: { line: number; cells: string[] }[] = [];
  const r = await parseCsvChunks(pieces(text, []), { delimiter: ',' }, (batch, lines) => {
    batch.forEach((row, i) => rows.push({ line: lines[i], cells: row.map((c) => c.trim()) }));
  });
  return { rows, problem: r.problem };
}

describe('scanCsvRecords', () => {
  it('reads plain rows, quoted cells with commas, quotes and line breaks, and every line end', async () => {
    const text =
      'email,event,reason\r\na@x.org, open ,\n"b@x.org","bounce","550 ""no"", user"\r' +
      'c@x.org,click,"two\nlines"\n\n d@x.org ,delivered,250 OK';
    const { rows, problem } = await scanned(text, [5, 17, 40, 41, 60]);
    expect(problem).toBeUndefined();
    expect(rows).toEqual([
      { line: 1, cells: ['email', 'event', 'reason'] },
      { line: 2, cells: ['a@x.org', 'open', ''] },
      { line: 3, cells: ['b@x.org', 'bounce', '550 "no", user'] },
      { line: 4, cells: ['c@x.org', 'click', 'two\nlines'] },
      { line: 7, cells: ['d@x.org', 'delivered', '250 OK'] }
    ]);
  });

  it('skips a sep= hint and names the line of a quote that never closes', async () => {
    expect((await scanned('sep=,\na,b\n1,2\n', [3])).rows).toEqual([
      { line: 2, cells: ['a', 'b'] },
      { line: 3, cells: ['1', '2'] }
    ]);
    const bad = await scanned('a,b\n1,2\n3,"open\n4,5\n', [9]);
    expect(bad.problem).toEqual({ line: 3, message: expect.stringMatching(/never closed/) });
  });

  it('agrees with the general parser on any text and any chunking', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', ' ', 'a', 'bc d', 'x@y.org', '1767263132'),
      fc.constantFrom('"q,1"', '"say ""hi"""', '"l1\nl2"', '"l1\r\nl2"')
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((c) => c.join(','));
    const end = fc.constantFrom('\n', '\r\n', '\r');
    const file = fc
      .array(fc.tuple(row, end), { minLength: 1, maxLength: 8 })
      .map((rs) => rs.map(([r, e]) => r + e).join(''));
    await fc.assert(
      fc.asyncProperty(file, fc.array(fc.nat(80), { maxLength: 5 }), async (text, cuts) => {
        const want = await general(text);
        const got = await scanned(text, cuts);
        expect(got.problem).toEqual(want.problem);
        expect(got.rows).toEqual(want.rows);
      }),
      { numRuns: 300 }
    );
  });
});
