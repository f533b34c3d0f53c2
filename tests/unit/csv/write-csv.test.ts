import { describe, expect, it } from 'vitest';
import { rejectedRowsToCsv, toCsv } from '$lib/core/csv';
import { parseText } from './helpers';

describe('toCsv', () => {
  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        ['x,y', 'say "hi"'],
        ['multi\nline', null],
        [12.5, true]
      ]
    );
    expect(csv).toBe('a,b\r\n"x,y","say ""hi"""\r\n"multi\nline",\r\n12.5,true\r\n');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(
      ['v'],
      [['=SUM(A1)'], ['+33 6'], ['-1'], ['@cmd'], ['\tx'], ['\rx'], ['a=b'], [-1]]
    );
    expect(csv.split('\r\n').slice(1, -1)).toEqual([
      "'=SUM(A1)",
      "'+33 6",
      "'-1",
      "'@cmd",
      '"\'\tx"',
      '"\'\rx"',
      'a=b',
      '-1'
    ]);
  });

  it('neutralises a formula whose text holds a line end (Papa.unparse would not)', () => {
    expect(toCsv(['v'], [['=1+1\n2']])).toBe('v\r\n"\'=1+1\n2"\r\n');
  });

  it('round-trips through the parser', async () => {
    const rows = [
      ['a,b', 'c"d'],
      ['e\r\nf', 'plain']
    ];
    const { rows: back } = await parseText(toCsv(['h1', 'h2'], rows));
    expect(back.slice(1)).toEqual(rows);
  });
});

describe('rejectedRowsToCsv', () => {
  it('writes line, column, reason and raw record', async () => {
    const csv = rejectedRowsToCsv([
      { line: 3, column: 'email', reason: "invalid email 'x@' in column email", raw: 'x@,Ann' },
      { line: 7, reason: 'expected 2 fields, found 1', raw: '=cmd' }
    ]);
    const { rows } = await parseText(csv);
    expect(rows).toEqual([
      ['line', 'column', 'reason', 'raw'],
      ['3', 'email', "invalid email 'x@' in column email", 'x@,Ann'],
      ['7', '', 'expected 2 fields, found 1', "'=cmd"]
    ]);
  });
});
