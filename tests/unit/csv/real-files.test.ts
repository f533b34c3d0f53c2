/**
 * Every row of a real CSV is read: mixed line endings (files concatenated from Windows and Unix
 * exports), Excel's `sep=;` first line, a first row longer than the preview window, a 10 MB cell.
 * Each through the preview, the streaming parser the import uses, and the importers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previewCsv, readSepHint } from '$lib/core/csv';
import { unifyLineEnds } from '$lib/core/csv/line-ends';
import { fixtureBlob, importBlob, parseText } from './helpers';

describe('mixed line endings', () => {
  it('reads a CRLF header followed by LF rows as separate rows', async () => {
    const { rows, lines, problem } = await parseText('a,b\r\n1,2\n3,4\n5,6\r\n');
    expect(problem).toBeUndefined();
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6']
    ]);
    expect(lines).toEqual([1, 2, 3, 4]);
  });

  it('reads the fixture of concatenated exports: every row, quoted line breaks kept', async () => {
    const blob = fixtureBlob('mixed-line-endings.csv');
    const preview = await previewCsv(blob, 'contacts');
    expect(preview.problem).toBeUndefined();
    expect(preview.headers).toEqual(['email', 'first_name', 'city', 'notes']);
    expect(preview.sampleRows.map((r) => r[0])).toEqual([
      'ana@example.com',
      'bob@example.org',
      'chloe@example.net',
      'dan@example.fr',
      'eve@example.com',
      'fred@example.org'
    ]);
    expect(preview.sampleRows[1][3]).toBe('two\r\nlines');
    expect(preview.sampleRows[3][3]).toBe('5\'11" tall');
    const imported = await importBlob(blob, { identity: 'email' });
    expect(imported.rejected).toEqual([]);
    expect(imported.table.rowCount).toBe(6);
  });

  it('gives the line of each row whatever mix of line ends and chunk boundaries', async () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9 ]{0,5}$/),
      fc.stringMatching(/^[a-z,"\n\r ]{0,6}$/).map((s) => `"${s.replace(/"/g, '""')}"`)
    );
    const record = fc.array(cell, { minLength: 2, maxLength: 2 }).map((c) => c.join(','));
    const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(record, lineEnd), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 30 }),
        async (records, size) => {
          // The same records with LF everywhere are the reference.
          const mixed = ['h1,h2\r\n', ...records.map(([r, nl]) => r + nl)].join('');
          const plain = ['h1,h2\n', ...records.map(([r]) => r + '\n')].join('');
          const expected = await parseText(plain);
          const got = await parseText(mixed, ',', size);
          expect(got.problem).toBeUndefined();
          expect(got.rows).toEqual(expected.rows);
          expect(got.lines).toEqual(expected.lines);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('converts only line ends outside quoted cells, and holds a CR that may start a CRLF', () => {
    expect(unifyLineEnds('a,"x\r\ny"\r\nb,c\rd', ',', true)).toBe('a,"x\r\ny"\nb,c\nd');
    expect(unifyLineEnds('a;5\'11"\r\nb;"q""\r"\r', ';', false)).toBe('a;5\'11"\nb;"q""\r"\r');
    expect(unifyLineEnds('a,b\r', ',', true)).toBe('a,b\n');
    expect(unifyLineEnds('a,"open\r\n', ',', true)).toBe('a,"open\r\n');
  });
});

describe("Excel's sep= first line", () => {
  it('sets the delimiter and is not the header, in the preview and the import', async () => {
    const blob = fixtureBlob('sep-hint.csv');
    const preview = await previewCsv(blob, 'contacts');
    expect(preview.problem).toBeUndefined();
    expect(preview.delimiter).toBe(';');
    expect(preview.headers).toEqual(['email', 'first_name', 'score']);
    expect(preview.sampleRows).toEqual([
      ['ana@example.com', 'Ana', '12,5'],
      ['bob@example.org', 'Bob, Jr', '7']
    ]);
    expect(preview.fields.find((f) => f.name === 'score')).toMatchObject({ type: 'number' });
    const imported = await importBlob(blob, { identity: 'email' });
    expect(imported.table.rowCount).toBe(2);
    expect(imported.rejected).toEqual([]);
  });

  it('counts the hint line in the line numbers of rejected rows', async () => {
    const { rows, lines } = await parseText('sep=|\na|b\n1|2\n', '|');
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2']
    ]);
    expect(lines).toEqual([2, 3]);
  });

  it('reads the hint in any case and with a tab; refuses a delimiter Slice does not read', async () => {
    expect(readSepHint('SEP=,\r\nx')).toEqual({ delimiter: ',', length: 7 });
    expect(readSepHint('sep=\t\n')).toEqual({ delimiter: '\t', length: 6 });
    expect(readSepHint('sep=;x\n')).toBeNull(); // a header that starts with "sep="
    expect(readSepHint('separator,b\n')).toBeNull();
    const preview = await previewCsv(new Blob(['sep=:\na:b\n1:2\n']), 'contacts');
    expect(preview.problem).toMatchObject({
      message:
        "the first line 'sep=:' asks for ':' as the delimiter, which Slice does not read (use a comma, semicolon, tab or pipe)",
      line: 1
    });
  });
});

describe('long records', () => {
  it('reads a first row longer than the preview window, and imports a 10 MB cell', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const blob = new Blob([`email,notes\r\nana@example.com,"${big}"\r\nbob@example.org,short\n`]);
    const preview = await previewCsv(blob, 'contacts');
    expect(preview.problem).toBeUndefined();
    expect(preview.headers).toEqual(['email', 'notes']);
    expect(preview.sampleRows[0][0]).toBe('ana@example.com');
    // Shown by its beginning: the sample is for the eye.
    expect(preview.sampleRows[0][1]).toBe('x'.repeat(1000) + '…');
    const imported = await importBlob(blob, { identity: 'email' });
    expect(imported.rejected).toEqual([]);
    expect(imported.table.rowCount).toBe(2);
    const notes = imported.table.columns.notes;
    expect(notes.kind).toBe('string');
    if (notes.kind === 'string') expect(notes.dict[notes.codes[0]].length).toBe(big.length);
  });

  it('still names a header that never ends', async () => {
    const blob = new Blob([`"${'y'.repeat(3 * 1024 * 1024)}`]);
    const preview = await previewCsv(blob, 'contacts');
    expect(preview.problem?.message).toMatch(/quote opened on line 1 is never closed/);
  });
});
