/**
 * Where an import's time goes, phase by phase (read and decode, parse, columns, finish, write,
 * commit), summed over the chunks of a file. Kept with the import's record so a slow import
 * can be explained, and read by the import benchmarks.
 */
export type ImportPhase = 'read' | 'parse' | 'columns' | 'finish' | 'write' | 'commit';

export class PhaseTimes {
  readonly ms: Partial<Record<ImportPhase, number>> = {};

  add(phase: ImportPhase, ms: number): void {
    this.ms[phase] = (this.ms[phase] ?? 0) + ms;
  }

  time<T>(phase: ImportPhase, work: () => T): T {
    const t0 = performance.now();
    try {
      return work();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  async timeAsync<T>(phase: ImportPhase, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  /** Whole milliseconds per phase, for storing. */
  rounded(): Partial<Record<ImportPhase, number>> {
    const out: Partial<Record<ImportPhase, number>> = {};
    for (const [k, v] of Object.entries(this.ms)) out[k as ImportPhase] = Math.round(v);
    return out;
  }
}

/** Times each step of an async iterable (the wait for its next value) as `phase`. */
export async function* timedChunks<T>(
  source: AsyncIterable<T>,
  phases: PhaseTimes,
  phase: ImportPhase
): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    const t0 = performance.now();
    const next = await it.next();
    phases.add(phase, performance.now() - t0);
    if (next.done) return;
    yield next.value;
  }
}
