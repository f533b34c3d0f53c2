/**
 * Seeded pseudo-random numbers for the test-data generator: sfc32 seeded through splitmix32,
 * so a (seed, stream) pair always yields the same sequence on every machine and Node version.
 * Math.random is never used: benchmarks and tests must measure the same data every run.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [min, max], inclusive. */
  range(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks from a table whose `cumulative` is the running sum of weights. */
  weighted<T>(table: WeightedTable<T>): T;
}

export interface WeightedTable<T> {
  items: readonly T[];
  cumulative: Float64Array;
  total: number;
}

export function weightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, w], i) => {
    total += w;
    cumulative[i] = total;
  });
  return { items: entries.map(([item]) => item), cumulative, total };
}

/** String -> 32-bit hash (FNV-1a), to derive independent streams from one seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Creates a generator for `seed`; `stream` names an independent sequence from the same seed. */
export function createRng(seed: number, stream = ''): Rng {
  let state = (hashString(stream) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  // splitmix32 spreads a small seed over the four words of sfc32's state.
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Warm-up: the first outputs of sfc32 are weakly mixed.
  for (let i = 0; i < 12; i++) next();

  return {
    next,
    int: (n) => Math.floor(next() * n),
    range: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (table) => {
      const x = next() * table.total;
      const cum = table.cumulative;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > x) hi = mid;
        else lo = mid + 1;
      }
      return table.items[lo];
    }
  };
}
