import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCell } from '$lib/core/columns/cell-value';
import type { Column, ContactTable, FieldSpec } from '$lib/core/columns/types';
import { memberCsvChunks } from '$lib/core/csv/members-csv';
import { spreadsheetCell } from '$lib/core/csv/write-csv';

/** The export by its definition: every cell read, then written as a spreadsheet cell. */
function reference(contacts: ContactTable, rows: number[], columns: string[]): string {
  const lines = [columns.map(spreadsheetCell).join(',')];
  for (const r of rows) {
    lines.push(
      columns
        .map((name) => {
          const field = contacts.fields.find((f) => f.name === name)!;
          return spreadsheetCell(readCell(contacts.columns[name], field.type, r));
        })
        .join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}

const DICT = [
  '',
  'plain',
  'Élodie',
  '=SUM(A1)',
  '+33 6 12',
  '-1',
  '@cmd',
  '\tx',
  'a,b',
  'say "hi"',
  'two\nlines',
  'x;y|z',
  ' spaced ',
  '😀 smile',
  'Straße'
];
const DAY = 86_400_000;
const INSTANTS = [
  NaN,
  0,
  -1,
  DAY - 1,
  Date.UTC(2026, 2, 29, 1, 30, 5, 7),
  Date.UTC(1969, 11, 31, 23, 59, 59, 999),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  Date.UTC(10000, 0, 1),
  Date.UTC(-1, 0, 1),
  -62_167_219_200_000,
  -62_167_219_200_000 + 3_723_456,
  1.5,
  8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  Infinity
];
const NUMBERS = [NaN, 0, -0, -5, 12.5, 1e21, 0.1 + 0.2, Infinity, -Infinity, 73];

function table(rowCount: number, picks: number[][]): ContactTable {
  const fields: FieldSpec[] = [
    { name: 'text', type: 'text' },
    { name: '=name', type: 'category' },
    { name: 'n', type: 'number' },
    { name: 'day', type: 'date' },
    { name: 'at', type: 'datetime' },
    { name: 'ok', type: 'boolean' }
  ];
  const pick = (k: number, r: number) => picks[r % picks.length][k];
  const columns: Record<string, Column> = {
    text: {
      kind: 'string',
      codes: Uint32Array.from({ length: rowCount }, (_, r) => pick(0, r) % DICT.length),
      dict: DICT
    },
    '=name': {
      kind: 'string',
      codes: Uint32Array.from({ length: rowCount }, (_, r) => pick(1, r) % DICT.length),
      dict: DICT
    },
    n: {
      kind: 'number',
      values: Float64Array.from(
        { length: rowCount },
        (_, r) => NUMBERS[pick(2, r) % NUMBERS.length]
      )
    },
    day: {
      kind: 'number',
      values: Float64Array.from({ length: rowCount }, (_, r) => {
        const v = INSTANTS[pick(3, r) % INSTANTS.length];
        return Number.isInteger(v / DAY) ? v : Math.floor(v / DAY) * DAY || v;
      })
    },
    at: {
      kind: 'number',
      values: Float64Array.from(
        { length: rowCount },
        (_, r) => INSTANTS[pick(4, r) % INSTANTS.length] + (pick(5, r) % 3) * 3_723_456
      )
    },
    ok: { kind: 'boolean', values: Uint8Array.from({ length: rowCount }, (_, r) => pick(5, r) % 3) }
  };
  return { rowCount, fields, identity: 'text', columns };
}

describe('memberCsvChunks', () => {
  it('writes what reading each cell and writing it as a spreadsheet cell writes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }), {
          minLength: 1,
          maxLength: 40
        }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 2, max: 7 }),
        fc.shuffledSubarray(['text', '=name', 'n', 'day', 'at', 'ok'], { minLength: 1 }),
        (picks, rowCount, chunkRows, columns) => {
          const contacts = table(rowCount, picks);
          const rows = Array.from({ length: rowCount }, (_, r) => r).filter((r) => r % 4 !== 1);
          const chunks = [...memberCsvChunks(contacts, rows, columns, undefined, chunkRows)];
          expect(chunks.join('')).toBe(reference(contacts, rows, columns));
          // Chunks of at most chunkRows lines, the header counted in the first.
          for (const chunk of chunks)
            expect(chunk.split('\r\n').length - 1).toBeLessThanOrEqual(chunkRows);
        }
      ),
      { numRuns: 300, seed: 20261206 }
    );
  });

  it('encodes as UTF-8 in the Blob it becomes', async () => {
    const contacts = table(2, [[2, 13, 0, 0, 0, 0]]);
    const chunks = [...memberCsvChunks(contacts, [0, 1], ['text', '=name'])];
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toBe(
      "text,'=name\r\nÉlodie,😀 smile\r\nÉlodie,😀 smile\r\n"
    );
  });
});
