/**
 * Dates and date-times as exports write them: the integer formatter gives exactly the text of
 * Date#toISOString for every millisecond it handles, around leap days, era edges and the
 * years where toISOString switches to six digits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDate, isoDateTime } from '../../../src/lib/core/columns/cell-value';

const MIN = Date.UTC(-271820, 0, 1);
const MAX = 8.64e15;

describe('isoDate / isoDateTime', () => {
  it('match toISOString over the whole Date range', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: MAX }), (ms) => {
        expect(isoDateTime(ms)).toBe(new Date(ms).toISOString());
        expect(isoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
      }),
      { numRuns: 20_000 }
    );
  });

  it('match toISOString at the edges that integer date code gets wrong', () => {
    const edges = [
      Date.UTC(0, 0, 1) - 1,
      Date.UTC(0, 0, 1),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(1900, 2, 1),
      Date.UTC(2000, 1, 29, 12),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      0,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -1,
      1.5
    ];
    for (const ms of edges) {
      expect(isoDateTime(ms)).toBe(new Date(ms).toISOString());
      expect(isoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});
