/**
 * The benchmark harness contract: a benchmark module in tests/bench/benchmarks/ exports
 * `benchmark: Benchmark`; run.ts discovers it, runs it with a BenchContext and records its
 * outcome in the results file (format in BENCHMARKS.md).
 */
import type { BenchData } from '../bench-data';
import type { AppServer } from './app-server';

export interface PeerResult {
  name: string;
  median_ms: number;
  [extra: string]: string | number;
}

/** One measured benchmark, as written to results/latest.json. */
export interface BenchResult {
  name: string;
  rows: number;
  runs: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** The fastest peer; every peer measured is in `peers`. */
  peer?: PeerResult;
  peers?: PeerResult[];
  /** Further figures (rows_per_s, longest_main_thread_task_ms, count, ...). */
  [extra: string]: string | number | PeerResult | PeerResult[] | undefined;
}

export interface SkippedResult {
  name: string;
  skipped: string;
}

export type BenchOutcome = BenchResult | SkippedResult;

export interface BenchContext {
  /** `--quick`: 100,000 contacts instead of 1,000,000. */
  quick: boolean;
  /** Contacts in this run's data (1,000,000, or 100,000 with --quick). */
  rows: number;
  /** The seeded contacts/events files for this run's size, written on first use. */
  data(): Promise<BenchData>;
  /** The built app served over HTTP (started on first use, stopped by the harness). */
  app(): Promise<AppServer>;
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  /** Where it runs; Chromium benchmarks need the built app. */
  kind: 'node' | 'chromium';
  /** Position in the run and the table (lower first); default 100. */
  order?: number;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

/** Thrown (or returned as SkippedResult) when a benchmark cannot run yet; never fails the run. */
export class SkipBenchmark extends Error {}

export function isSkipped(outcome: BenchOutcome): outcome is SkippedResult {
  return 'skipped' in outcome;
}
