/**
 * Bitsets over contact rows: one bit per row in Uint32Array words (bit i of word w = row
 * w * 32 + i). The segment engine evaluates every condition to one and combines them word-wise;
 * they cross the worker boundary as plain typed arrays.
 *
 * Invariant kept by every function here: bits at or beyond `size` (the tail of the last word)
 * are zero, so popcount and equality need no special case.
 */

export type Bitset = Uint32Array;

export function wordCount(size: number): number {
  return (size + 31) >>> 5;
}

/** Mask of the valid bits of the last word (all ones when size is a multiple of 32). */
function tailMask(size: number): number {
  const rest = size & 31;
  return rest === 0 ? 0xffffffff : (1 << rest) - 1;
}

/** An all-zero bitset for `size` rows. */
export function createBitset(size: number): Bitset {
  return new Uint32Array(wordCount(size));
}

/** Sets every bit below `size` (and clears the tail), in place. */
export function fillBitset(bits: Bitset, size: number): Bitset {
  bits.fill(0xffffffff);
  clearTail(bits, size);
  return bits;
}

/** An all-ones bitset for `size` rows. */
export function fullBitset(size: number): Bitset {
  return fillBitset(createBitset(size), size);
}

/** Clears the bits at or beyond `size`; call after any operation that may set them (not). */
export function clearTail(bits: Bitset, size: number): Bitset {
  const n = wordCount(size);
  if (n > 0) bits[n - 1] &= tailMask(size);
  for (let w = n; w < bits.length; w++) bits[w] = 0;
  return bits;
}

export function getBit(bits: Bitset, row: number): boolean {
  return ((bits[row >>> 5] >>> (row & 31)) & 1) === 1;
}

export function setBit(bits: Bitset, row: number, on = true): void {
  if (on) bits[row >>> 5] |= 1 << (row & 31);
  else bits[row >>> 5] &= ~(1 << (row & 31));
}

/** a &= b, in place; returns a. */
export function andInPlace(a: Bitset, b: Bitset): Bitset {
  for (let w = 0; w < a.length; w++) a[w] &= b[w];
  return a;
}

/** a |= b, in place; returns a. */
export function orInPlace(a: Bitset, b: Bitset): Bitset {
  for (let w = 0; w < a.length; w++) a[w] |= b[w];
  return a;
}

/** a &= ~b, in place; returns a. */
export function andNotInPlace(a: Bitset, b: Bitset): Bitset {
  for (let w = 0; w < a.length; w++) a[w] &= ~b[w];
  return a;
}

/** a = ~a (within size), in place; returns a. */
export function notInPlace(a: Bitset, size: number): Bitset {
  for (let w = 0; w < a.length; w++) a[w] = ~a[w];
  return clearTail(a, size);
}

export function and(a: Bitset, b: Bitset): Bitset {
  return andInPlace(a.slice(), b);
}

export function or(a: Bitset, b: Bitset): Bitset {
  return orInPlace(a.slice(), b);
}

export function andNot(a: Bitset, b: Bitset): Bitset {
  return andNotInPlace(a.slice(), b);
}

export function not(a: Bitset, size: number): Bitset {
  return notInPlace(a.slice(), size);
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of set bits. */
export function popcount(bits: Bitset): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    const v = bits[w];
    if (v !== 0) n += popcount32(v);
  }
  return n;
}

export function isEmptyBitset(bits: Bitset): boolean {
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) return false;
  return true;
}

/** Row indices of the set bits, ascending. */
export function toIndices(bits: Bitset): Uint32Array {
  const out = new Uint32Array(popcount(bits));
  let k = 0;
  for (let w = 0; w < bits.length; w++) {
    let v = bits[w];
    while (v !== 0) {
      const low = v & -v;
      out[k++] = (w << 5) + (31 - Math.clz32(low));
      v ^= low;
    }
  }
  return out;
}

/** A bitset for `size` rows with the given rows set; rows outside [0, size) are ignored. */
export function fromIndices(indices: ArrayLike<number>, size: number): Bitset {
  const bits = createBitset(size);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (r >= 0 && r < size) bits[r >>> 5] |= 1 << (r & 31);
  }
  return bits;
}

/**
 * A copy of `bits` resized to `size` rows: extra words are dropped, missing ones are zero.
 * Used for stored memberships computed before rows were added.
 */
export function resizeBitset(bits: Bitset, size: number): Bitset {
  const out = createBitset(size);
  out.set(bits.length > out.length ? bits.subarray(0, out.length) : bits);
  return clearTail(out, size);
}

export function equalBitsets(a: Bitset, b: Bitset): boolean {
  if (a.length !== b.length) return false;
  for (let w = 0; w < a.length; w++) if (a[w] !== b[w]) return false;
  return true;
}
