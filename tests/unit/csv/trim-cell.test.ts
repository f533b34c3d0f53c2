import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimCell } from '$lib/core/csv/trim-cell';

describe('trimCell', () => {
  it('trims exactly as String.prototype.trim does', () => {
    for (const s of [
      '',
      ' ',
      'a',
      ' a ',
      '\u00a0x\u00a0',
      '\ufeffx',
      'é ',
      ' é',
      'a b',
      '\tx\r\n'
    ]) {
      expect(trimCell(s), JSON.stringify(s)).toBe(s.trim());
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(trimCell(s)).toBe(s.trim());
      })
    );
  });

  it('returns the cell itself when there is nothing to trim', () => {
    const cell = 'value, not copied'.slice(0, 5);
    expect(trimCell(cell)).toBe(cell);
  });
});
