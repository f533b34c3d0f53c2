import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvChunks, type CsvCell } from '../../../src/lib/core/csv/csv-stream';

describe('csvChunks', () => {
  const rows: CsvCell[][] = [
    ['=SUM(A1)', 'a,b', 12.5],
    ['+33 470', 'say "hi"', null],
    ['-1', 'line\nbreak', true],
    ['@me', '\tTabbed', false],
    ['\rCR', 'plain', Number.NaN]
  ];

  it('writes RFC 4180 CSV with formula starts neutralised, in bounded chunks', () => {
    const chunks = [
      ...csvChunks(
        ['name', 'note', 'n'],
        rows.length,
        (i, out) => {
          for (let c = 0; c < 3; c++) out[c] = rows[i][c];
        },
        2
      )
    ];
    expect(chunks).toHaveLength(3);
    const text = chunks.join('');
    expect(text.startsWith('name,note,n\r\n')).toBe(true);
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' }).data;
    expect(parsed).toEqual([
      ['name', 'note', 'n'],
      ["'=SUM(A1)", 'a,b', '12.5'],
      ["'+33 470", 'say "hi"', ''],
      ["'-1", 'line\nbreak', 'true'],
      ["'@me", "'\tTabbed", 'false'],
      ["'\rCR", 'plain', '']
    ]);
  });

  it('writes the header alone for no rows, and a million rows without one huge string', () => {
    expect([...csvChunks(['a'], 0, () => undefined)]).toEqual(['a\r\n']);
    let longest = 0;
    let lines = 0;
    for (const chunk of csvChunks(['id'], 1_000_000, (i, out) => (out[0] = i))) {
      longest = Math.max(longest, chunk.length);
      lines += chunk.split('\r\n').length - 1;
    }
    expect(lines).toBe(1_000_001);
    expect(longest).toBeLessThan(200_000);
  });
});
