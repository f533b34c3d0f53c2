/**
 * Timing helpers: run a piece of work a fixed number of times and summarise the durations
 * as the results file wants them (median, min, max in milliseconds).
 */
import type { BenchResult, PeerResult } from './types';

export interface Timings {
  times: number[];
  median: number;
  min: number;
  max: number;
}

export function summarise(times: number[]): Timings {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { times, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Runs `work` `warmup` times untimed, then `runs` times timed; returns the timings. */
export async function timeRuns(
  work: () => unknown,
  { runs = 7, warmup = 1 }: { runs?: number; warmup?: number } = {}
): Promise<Timings> {
  for (let i = 0; i < warmup; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

export const round = (ms: number, digits = 2) => Number(ms.toFixed(digits));

export function result(
  name: string,
  rows: number,
  t: Timings,
  extra: Record<string, string | number> = {},
  peer?: { name: string; timings: Timings; extra?: Record<string, string | number> }
): BenchResult {
  const out: BenchResult = {
    name,
    rows,
    runs: t.times.length,
    median_ms: round(t.median),
    min_ms: round(t.min),
    max_ms: round(t.max)
  };
  if (peer) {
    const p: PeerResult = { name: peer.name, median_ms: round(peer.timings.median) };
    Object.assign(p, peer.extra ?? {});
    out.peer = p;
  }
  return Object.assign(out, extra);
}
