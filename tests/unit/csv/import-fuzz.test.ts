/**
 * Property-based fuzzing of the contacts import path (preview, streaming parse, importer), the
 * same code the worker runs: random bytes and random CSV-like text never make it throw, and
 * every message it gives names its problem in words; a valid CSV of random cells (any
 * Unicode, quotes, delimiters, line breaks inside cells) comes back cell for cell. Fixed seeds
 * and bounded runs keep it to a few seconds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createContactImporter,
  joinCells,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type Delimiter
} from '$lib/core/csv';
import type { ContactTable } from '$lib/core/columns/types';

const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];

/** A message a person can read: words, no machinery showing through. */
function expectClear(message: string) {
  expect(message.trim()).not.toBe('');
  const own = message.replace(/'[^'\n]*'/g, "''");
  expect(own).not.toMatch(/\bundefined\b|\bNaN\b|\[object \w+\]|\bat .+:\d+:\d+|Error\b/);
}

/** What the import page and the worker do with a file: preview, then import every row. */
async function importBytes(
  bytes: Uint8Array,
  overrides: { delimiter?: Delimiter } = {}
): Promise<{ problem: string } | { table: ContactTable; rejected: string[] }> {
  const blob = new Blob([bytes as BlobPart]);
  const preview = await previewCsv(blob, 'contacts', 'fuzz.csv', overrides);
  if (preview.problem) return { problem: preview.problem.message };
  const importer = createContactImporter({
    fields: preview.fields.map((f) => ({
      ...f,
      type: f.name === preview.fields[0].name ? f.type : 'text'
    })),
    headers: preview.headers,
    identity: preview.fields[0].name,
    policy: 'update',
    delimiter: preview.delimiter
  });
  const bom = preview.hasBom ? (preview.encoding === 'utf-8' ? 3 : 2) : 0;
  const parsed = await parseCsvChunks(
    readBlobText(blob, preview.encoding, bom),
    { delimiter: preview.delimiter },
    (rows, lines) => importer.addRows(rows, lines)
  );
  if (parsed.problem) return { problem: parsed.problem.message };
  const done = importer.finish();
  return { table: done.table, rejected: done.rejected.map((r) => r.reason) };
}

function valuesOf(table: ContactTable, field: string): string[] {
  const column = table.columns[field];
  if (column.kind !== 'string') throw new Error(`${field} is not text`);
  return Array.from(column.codes.subarray(0, table.rowCount), (c) => column.dict[c]);
}

describe('fuzzing the contacts import', () => {
  it('never throws on random bytes, and says why it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const out = await importBytes(bytes);
        if ('problem' in out) expectClear(out.problem);
        else out.rejected.forEach(expectClear);
      }),
      { seed: 11, numRuns: 400 }
    );
  });

  // Cells made of what breaks CSV readers: quotes, every delimiter, CR, LF, spaces.
  const nasty = fc
    .array(fc.constantFrom('a', 'é', '"', ',', ';', '\t', '|', '\r', '\n', ' ', '𝔘', '='), {
      maxLength: 8
    })
    .map((cs) => cs.join(''));

  it('never throws on random quoting, delimiters and line endings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(nasty, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...DELIMITERS),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.constantFrom('always', 'needed', 'never'),
        async (rows, delimiter, eol, quoting) => {
          const line = (cells: string[]) =>
            quoting === 'needed'
              ? joinCells(cells, delimiter)
              : cells
                  .map((c) => (quoting === 'always' ? `"${c.replace(/"/g, '""')}"` : c))
                  .join(delimiter);
          const text = rows.map(line).join(eol) + (rows.length % 2 ? eol : '');
          const out = await importBytes(new TextEncoder().encode(text));
          if ('problem' in out) expectClear(out.problem);
          else out.rejected.forEach(expectClear);
        }
      ),
      { seed: 12, numRuns: 400 }
    );
  });

  // Any Unicode but NUL (which no CSV text holds), with the characters CSV must quote; no
  // space at either end (cells are trimmed, as the import documents).
  const cellText = fc
    .string({
      unit: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('x', 'Ö', 'ß', 'ي', 'ש', '👩‍👩‍👧', '𠜎', '\u202e') },
        { weight: 2, arbitrary: fc.constantFrom('"', ',', ';', '|', '\t', '\n', '\r\n', '=', '+') },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 1 }) },
        { weight: 1, arbitrary: fc.constantFrom('\u0007', '\u001b', '\u007f', '\u0085') }
      ),
      maxLength: 12
    })
    .map((s) => s.trim());

  it('round-trips valid CSV of random cells exactly, whatever the delimiter and line ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          cellText.filter((s) => s !== '' && !/^sep=/i.test(s) && s !== 'id'),
          { minLength: 1, maxLength: 4, selector: (s) => s.toLowerCase() }
        ),
        fc.array(fc.array(cellText, { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8
        }),
        fc.constantFrom(...DELIMITERS),
        fc.constantFrom('\n', '\r\n'),
        async (names, cells, delimiter, eol) => {
          const headers = ['id', ...names];
          const rows = cells.map((r, i) => [`p${i}`, ...r.slice(0, names.length)]);
          const text = [headers, ...rows].map((r) => joinCells(r, delimiter)).join(eol) + eol;
          // The delimiter is the one the file was written with (a person picks it when the
          // guess is wrong, as the import page lets them).
          const out = await importBytes(new TextEncoder().encode(text), { delimiter });
          if ('problem' in out) throw new Error(`refused a valid file: ${out.problem}\n${text}`);
          expect(out.rejected).toEqual([]);
          expect(out.table.fields.map((f) => f.name)).toEqual(headers);
          headers.forEach((h, j) => {
            expect(valuesOf(out.table, h)).toEqual(rows.map((r) => r[j]));
          });
        }
      ),
      { seed: 13, numRuns: 300 }
    );
  });
});
