/**
 * engine.rejectedRows: the rejected rows of an import as data, page by page, read back from the
 * stored report exactly as the importer rejected them (line, column, reason).
 */
import { describe, expect, it } from 'vitest';
import { importText, trackEngines } from './engine-fixture';

const { setup } = trackEngines();

/** A campaign after an import of one good and two rejected records (lines 2 and 4). */
async function twoRejected() {
  const { engine, db } = setup();
  const c = await engine.createCampaign('A');
  const outcome = await importText(engine, c.id, 'email\nnope\na@example.org\nnot\n', {
    email: 'email'
  });
  if (!outcome.ok) throw new Error(outcome.message);
  return { engine, db, c, importId: outcome.importId };
}

describe('rejectedRows', () => {
  it('returns each rejected row with its line, column and reason', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const text = [
      'email,name,-score',
      'a@example.org,A,1',
      'not-an-email,B,2',
      'a@example.org,dup,3',
      'c@example.org,"two\nlines, and a comma",4',
      'd@example.org,D',
      'e@example.org,E,-x',
      'f@example.org,F,5'
    ].join('\n');
    const outcome = await importText(engine, c.id, text, {
      email: 'email',
      name: 'text',
      '-score': { type: 'number', decimal: '.' }
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.rejected).toBe(4);

    const page = await engine.rejectedRows(outcome.importId, { offset: 0, limit: 20 });
    expect(page.total).toBe(4);
    expect(page.rows).toEqual([
      { line: 3, column: 'email', reason: "invalid email 'not-an-email' in column email" },
      {
        line: 4,
        column: 'email',
        reason: "duplicate identity 'a@example.org', first seen on line 2"
      },
      // The quoted newline of line 5 puts this record on line 7.
      { line: 7, reason: 'expected 3 fields, found 2' },
      // The report neutralises '-score' against spreadsheet formulas; the data does not.
      { line: 8, column: '-score', reason: "'-x' is not a number (decimal point) in column -score" }
    ]);
  });

  it('pages through many rejections in file order, with the total on every page', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const lines = ['email,name'];
    for (let i = 0; i < 250; i++) lines.push(`bad-${i},N${i}`);
    lines.push('ok@example.org,OK');
    const outcome = await importText(engine, c.id, lines.join('\n'), {
      email: 'email',
      name: 'text'
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.added).toBe(1);

    const first = await engine.rejectedRows(outcome.importId, { offset: 0, limit: 20 });
    expect(first.total).toBe(250);
    expect(first.rows.map((r) => r.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));

    const middle = await engine.rejectedRows(outcome.importId, { offset: 100, limit: 100 });
    expect(middle.total).toBe(250);
    expect(middle.rows).toHaveLength(100);
    expect(middle.rows[0]).toEqual({
      line: 102,
      column: 'email',
      reason: "invalid email 'bad-100' in column email"
    });
    expect(middle.rows[99].line).toBe(201);

    const last = await engine.rejectedRows(outcome.importId, { offset: 240, limit: 20 });
    expect(last.total).toBe(250);
    expect(last.rows.map((r) => r.line)).toEqual(Array.from({ length: 10 }, (_, i) => i + 242));

    const past = await engine.rejectedRows(outcome.importId, { offset: 300, limit: 20 });
    expect(past).toEqual({ total: 250, rows: [] });

    // Another import's report in between is read afresh, not from the last one read.
    const other = await importText(engine, c.id, 'email\nx@example.org\nnope\n', {
      email: 'email'
    });
    expect(other.ok).toBe(true);
    if (!other.ok) return;
    const otherPage = await engine.rejectedRows(other.importId, { offset: 0, limit: 20 });
    expect(otherPage).toEqual({
      total: 1,
      rows: [{ line: 3, column: 'email', reason: "invalid email 'nope' in column email" }]
    });
    const again = await engine.rejectedRows(outcome.importId, { offset: 0, limit: 1 });
    expect(again.rows).toEqual([first.rows[0]]);
  });

  it('is empty for an import without rejections and for an unknown import', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const outcome = await importText(engine, c.id, 'email\na@example.org\n', { email: 'email' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.rejected).toBe(0);
    expect(await engine.rejectedRows(outcome.importId, { offset: 0, limit: 20 })).toEqual({
      total: 0,
      rows: []
    });
    expect(await engine.rejectedRows('no-such-import', { offset: 0, limit: 20 })).toEqual({
      total: 0,
      rows: []
    });
  });

  it('counts the report itself when the import record is gone', async () => {
    const { engine, db, importId } = await twoRejected();
    await db.imports.delete(importId);
    const page = await engine.rejectedRows(importId, { offset: 1, limit: 5 });
    expect(page).toEqual({
      total: 2,
      rows: [{ line: 4, column: 'email', reason: "invalid email 'not' in column email" }]
    });
  });

  it('pages from the rows the report stores, and stores them for a report from before', async () => {
    const { engine, db, c, importId } = await twoRejected();
    const rows = [
      { line: 2, column: 'email', reason: "invalid email 'nope' in column email" },
      { line: 4, column: 'email', reason: "invalid email 'not' in column email" }
    ];
    expect((await db.rejectedReports.get(importId))?.rows).toEqual(rows);
    // A report stored by an older version (or restored from its backup): CSV only.
    const report = (await db.rejectedReports.get(importId))!;
    await db.rejectedReports.put({ importId: report.importId, campaignId: c.id, csv: report.csv });
    expect(await engine.rejectedRows(importId, { offset: 0, limit: 5 })).toEqual({
      total: 2,
      rows
    });
    expect((await db.rejectedReports.get(importId))?.rows).toEqual(rows);
  });
});
