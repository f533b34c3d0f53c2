import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvChunks } from '$lib/core/csv';
import { parseText } from './helpers';

describe('parseCsvChunks', () => {
  it('delivers the header first, then records with their lines', async () => {
    const { rows, lines, count } = await parseText('a,b\n1,2\n3,4\n');
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4']
    ]);
    expect(lines).toEqual([1, 2, 3]);
    expect(count).toBe(3);
  });

  it('reads quoted fields with delimiters, "" escapes and newlines', async () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n"multi\r\nline",z\r\n';
    const { rows, lines } = await parseText(text);
    expect(rows[1]).toEqual(['x, y', 'say "hi"']);
    expect(rows[2]).toEqual(['multi\r\nline', 'z']);
    expect(lines).toEqual([1, 2, 3]);
  });

  it('gives the line where each record starts after quoted newlines', async () => {
    const text = 'h1,h2\n"a\nb\nc",1\nplain,2\n"d\ne",3\nlast,4';
    const { rows, lines } = await parseText(text);
    expect(rows.map((r) => r[1])).toEqual(['h2', '1', '2', '3', '4']);
    expect(lines).toEqual([1, 2, 5, 6, 8]);
  });

  it('skips blank lines but counts them', async () => {
    const { rows, lines } = await parseText('a,b\n\n1,2\n   \n,\n3,4\n\n');
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4']
    ]);
    expect(lines).toEqual([1, 3, 6]);
  });

  it('reads CRLF, LF and CR files alike', async () => {
    for (const nl of ['\r\n', '\n', '\r']) {
      const { rows, lines } = await parseText(
        ['a;b', '1;2', '"x' + nl + 'y";3', '4;5'].join(nl) + nl,
        ';'
      );
      expect(rows).toEqual([
        ['a', 'b'],
        ['1', '2'],
        ['x' + nl + 'y', '3'],
        ['4', '5']
      ]);
      expect(lines).toEqual([1, 2, 3, 5]);
    }
  });

  it('gives the same records and lines whatever the chunk boundaries', async () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
      fc.stringMatching(/^[a-z,"\n\r ]{0,6}$/).map((s) => `"${s.replace(/"/g, '""')}"`)
    );
    const record = fc.array(cell, { minLength: 3, maxLength: 3 }).map((c) => c.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 40 }),
        async (records, nl, size) => {
          const text = ['h1,h2,h3', ...records].join(nl) + nl;
          const whole = await parseText(text, ',', 1 << 20);
          const split = await parseText(text, ',', size);
          expect(split.rows).toEqual(whole.rows);
          expect(split.lines).toEqual(whole.lines);
          expect(whole.problem).toBeUndefined();
        }
      ),
      { numRuns: 200 }
    );
  });

  it('reports an unterminated quote with the line where it opens', async () => {
    const text = 'email,note\na@b.fr,ok\n"c\nd",x\nb@c.fr,"never closed\nmore,lines\n';
    for (const size of [3, 1 << 20]) {
      const { problem } = await parseText(text, ',', size);
      expect(problem?.line).toBe(5);
      expect(problem?.message).toMatch(/quote opened on line 5 is never closed/);
    }
  });

  it('reports a malformed closing quote as a file problem', async () => {
    const { problem } = await parseText('a,b\n1,2\n"x"y,3\n"z",4\n');
    expect(problem?.line).toBe(3);
    expect(problem?.message).toMatch(/malformed quoted field on line 3/);
  });

  it('stops when cancelled', async () => {
    const signal = { cancelled: false };
    let batches = 0;
    async function* source() {
      for (let i = 0; i < 10; i++) yield `r${i},x\n`;
    }
    const result = await parseCsvChunks(source(), { delimiter: ',', signal }, () => {
      batches++;
      if (batches === 2) signal.cancelled = true;
    });
    expect(result.cancelled).toBe(true);
    expect(batches).toBe(2);
  });

  it('awaits an asynchronous onRows before reading on', async () => {
    const order: string[] = [];
    async function* source() {
      order.push('chunk 1');
      yield 'a\n1\n';
      order.push('chunk 2');
      yield '2\n';
    }
    await parseCsvChunks(source(), { delimiter: ',' }, async (rows) => {
      await new Promise((r) => setTimeout(r, 5));
      order.push(`rows ${rows.length}`);
    });
    expect(order).toEqual(['chunk 1', 'rows 2', 'chunk 2', 'rows 1']);
  });
});
