import { describe, expect, it } from 'vitest';
import {
  and,
  andNot,
  createBitset,
  equalBitsets,
  fromIndices,
  fullBitset,
  getBit,
  isEmptyBitset,
  not,
  or,
  popcount,
  resizeBitset,
  setBit,
  toIndices,
  wordCount
} from '../../../src/lib/core/columns/bitset';

describe('bitset', () => {
  it('sizes words and masks the tail of a full set', () => {
    expect(wordCount(0)).toBe(0);
    expect(wordCount(32)).toBe(1);
    expect(wordCount(33)).toBe(2);
    const b = fullBitset(33);
    expect(b.length).toBe(2);
    expect(b[1]).toBe(1);
    expect(popcount(b)).toBe(33);
    expect(popcount(fullBitset(64))).toBe(64);
    expect(popcount(fullBitset(0))).toBe(0);
  });

  it('gets, sets and clears single bits', () => {
    const b = createBitset(70);
    setBit(b, 0);
    setBit(b, 31);
    setBit(b, 69);
    expect([getBit(b, 0), getBit(b, 1), getBit(b, 31), getBit(b, 69)]).toEqual([
      true,
      false,
      true,
      true
    ]);
    setBit(b, 31, false);
    expect(getBit(b, 31)).toBe(false);
    expect(toIndices(b)).toEqual(Uint32Array.of(0, 69));
  });

  it('combines word-wise without touching the inputs', () => {
    const a = fromIndices([1, 2, 40], 50);
    const b = fromIndices([2, 3, 40, 49], 50);
    expect([...toIndices(and(a, b))]).toEqual([2, 40]);
    expect([...toIndices(or(a, b))]).toEqual([1, 2, 3, 40, 49]);
    expect([...toIndices(andNot(a, b))]).toEqual([1]);
    expect([...toIndices(a)]).toEqual([1, 2, 40]);
  });

  it('complements within the size only', () => {
    const a = fromIndices([0, 2], 5);
    const n = not(a, 5);
    expect([...toIndices(n)]).toEqual([1, 3, 4]);
    expect(popcount(not(createBitset(37), 37))).toBe(37);
  });

  it('round-trips indices, ignores out-of-range ones and resizes', () => {
    const idx = [0, 5, 31, 32, 63, 64, 99];
    const b = fromIndices([...idx, -1, 100, 1000], 100);
    expect([...toIndices(b)]).toEqual(idx);
    expect(popcount(b)).toBe(idx.length);
    expect([...toIndices(resizeBitset(b, 40))]).toEqual([0, 5, 31, 32]);
    expect(resizeBitset(b, 200).length).toBe(7);
    expect(equalBitsets(resizeBitset(b, 100), b)).toBe(true);
    expect(isEmptyBitset(createBitset(10))).toBe(true);
    expect(isEmptyBitset(b)).toBe(false);
  });
});
