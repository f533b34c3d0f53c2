import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactTable } from '$lib/core/columns/types';
import { newDerived } from '$lib/engine/campaign-cache';
import { compilePattern } from '$lib/core/segment/text';
import { foldText } from '$lib/core/text/fold';
import { queryContactTable, searchMask, sortPermutation } from '$lib/engine/contact-query';

function tableOf(numbers: number[], strings: string[]): ContactTable {
  const dict = [''];
  const index = new Map<string, number>([['', 0]]);
  const codes = new Uint32Array(strings.length);
  strings.forEach((s, r) => {
    let code = index.get(s);
    if (code === undefined) {
      code = dict.length;
      dict.push(s);
      index.set(s, code);
    }
    codes[r] = code;
  });
  return {
    rowCount: numbers.length,
    identity: 'name',
    fields: [
      { name: 'n', type: 'number' },
      { name: 'name', type: 'text' }
    ],
    columns: {
      n: { kind: 'number', values: Float64Array.from(numbers) },
      name: { kind: 'string', codes, dict }
    }
  };
}

/** The reference: a plain stable sort, empty values last. */
function naive<T>(
  values: T[],
  empty: (v: T) => boolean,
  compare: (a: T, b: T) => number
): number[] {
  const rows = values.map((_, r) => r);
  const filled = rows.filter((r) => !empty(values[r]));
  const blank = rows.filter((r) => empty(values[r]));
  filled.sort((a, b) => compare(values[a], values[b]) || a - b);
  return [...filled, ...blank];
}

const numberArb = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, 0, -0, 1, -1, 1e-300, -1e300, 2 ** 53, 1.0000000001, 1.0000000002),
  fc.integer({ min: -3, max: 3 })
);
const stringArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    'élodie',
    'Elodie',
    'ELODIE',
    'elodie',
    'zoé',
    'zoe',
    'abcdefghij',
    'abcdefghik',
    '\u{1F600}',
    'Ωmega'
  )
);

describe('sort permutations', () => {
  it('numbers: equal to a stable sort, empty (NaN) last, in both directions', () => {
    fc.assert(
      fc.property(fc.array(numberArb, { maxLength: 300 }), (numbers) => {
        const table = tableOf(
          numbers,
          numbers.map(() => 'x')
        );
        const empty = (v: number) => Number.isNaN(v);
        const asc = Array.from(sortPermutation(table, newDerived(), 'n', 'asc'));
        const desc = Array.from(sortPermutation(table, newDerived(), 'n', 'desc'));
        expect(asc).toEqual(naive(numbers, empty, (a, b) => a - b));
        expect(desc).toEqual(naive(numbers, empty, (a, b) => b - a));
      }),
      { numRuns: 200 }
    );
  });

  it('strings: by folded text then raw text, blanks last, in both directions', () => {
    const cmp = (a: string, b: string) => {
      const fa = foldText(a);
      const fb = foldText(b);
      if (fa !== fb) return fa < fb ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    fc.assert(
      fc.property(fc.array(stringArb, { maxLength: 300 }), (strings) => {
        const table = tableOf(
          strings.map(() => 1),
          strings
        );
        const empty = (s: string) => foldText(s) === '';
        const asc = Array.from(sortPermutation(table, newDerived(), 'name', 'asc'));
        const desc = Array.from(sortPermutation(table, newDerived(), 'name', 'desc'));
        expect(asc).toEqual(naive(strings, empty, cmp));
        expect(desc).toEqual(naive(strings, empty, (a, b) => cmp(b, a)));
      }),
      { numRuns: 200 }
    );
  });
});

describe('search', () => {
  it('matches rows whose folded text contains the folded needle', () => {
    fc.assert(
      fc.property(
        fc.array(stringArb, { minLength: 1, maxLength: 100 }),
        fc.nat(),
        (strings, pick) => {
          const table = tableOf(
            strings.map(() => 1),
            strings
          );
          const source = strings[pick % strings.length];
          const needle = source.slice(0, 3).toUpperCase();
          const mask = searchMask(table, newDerived(), needle);
          const folded = foldText(needle);
          strings.forEach((s, r) => {
            const expected = s !== '' && foldText(s).includes(folded) ? 1 : 0;
            expect(mask[r]).toBe(expected);
          });
        }
      ),
      { numRuns: 200 }
    );
  });

  it('folds as segment rules do: ß, œ and æ expand, every combining mark goes', () => {
    const names = ['Straße', 'Œuvre Dupont', 'Ægir', 'Nguyễn', 'Strasbourg', 'STRASSE'];
    const table = tableOf(
      names.map(() => 1),
      names
    );
    const found = (search: string) =>
      queryContactTable(table, newDerived(), { search, offset: 0, limit: 10 }, null).ids;
    expect(found('strasse')).toEqual([0, 5]);
    expect(found('STRAẞE')).toEqual([0, 5]);
    expect(found('oeuvre')).toEqual([1]);
    expect(found('aegir')).toEqual([2]);
    expect(found('nguyen')).toEqual([3]);
    // The search finds exactly the rows a segment's `contains` rule selects.
    for (const needle of ['strasse', 'oeuvre', 'aegir', 'nguyen', 'stras', 'SS']) {
      const contains = compilePattern(needle, false);
      const expected = names.flatMap((n, r) => (contains(n) ? [r] : []));
      expect(found(needle)).toEqual(expected);
    }
  });

  it('sorts by the same fold: Straße sorts as strasse', () => {
    const names = ['Strasze', 'Straße', 'Strasbourg', 'strasse'];
    const table = tableOf(
      names.map(() => 1),
      names
    );
    const order = Array.from(sortPermutation(table, newDerived(), 'name', 'asc'));
    expect(order.map((r) => names[r])).toEqual(['Strasbourg', 'Straße', 'strasse', 'Strasze']);
  });

  it('pages through a cached result without recomputing it', () => {
    const table = tableOf([3, 1, 2, NaN], ['Anna', 'bob', 'ANNE', 'carl']);
    const derived = newDerived();
    const q = { search: 'ann', sort: 'n', direction: 'asc' as const, offset: 0, limit: 1 };
    expect(queryContactTable(table, derived, q, null)).toEqual({
      total: 2,
      offset: 0,
      ids: [2],
      rows: [[2, 'ANNE']]
    });
    expect(derived.queries.size).toBe(1);
    expect(queryContactTable(table, derived, { ...q, offset: 1 }, null).ids).toEqual([0]);
    expect(derived.queries.size).toBe(1);
    const members = Uint32Array.from([0b1010]);
    expect(
      queryContactTable(table, derived, { offset: 0, limit: 10, segmentId: 's' }, members).ids
    ).toEqual([1, 3]);
  });
});
