/**
 * The benchmark data files: seeded contacts and events CSVs in tests/bench/data/ (git-ignored),
 * written once and reused, so every run measures the same bytes.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  GENERATOR_VERSION,
  writeContactsCsv,
  writeEventsCsv,
  type GeneratorOptions
} from '../support/generator';

export const BENCH_DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));
export const BENCH_SEED = 20261115;

export const BENCH_SIZES = { '100k': 100_000, '250k': 250_000, '600k': 600_000, '1m': 1_000_000 };
export type BenchSize = keyof typeof BENCH_SIZES;

export interface BenchData {
  size: BenchSize;
  rows: number;
  contactsPath: string;
  eventsPath: string;
  options: GeneratorOptions;
}

/** 100000 -> '100k', 5000000 -> '5m', 1250000 -> '1250k'. */
export function sizeLabel(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

export function benchData(size: BenchSize): BenchData {
  const rows = BENCH_SIZES[size];
  return {
    size,
    rows,
    contactsPath: join(BENCH_DATA_DIR, `contacts-${size}.csv`),
    // About five events per contact: events-5m.csv goes with contacts-1m.csv.
    eventsPath: join(BENCH_DATA_DIR, `events-${sizeLabel(rows * 5)}.csv`),
    options: { rows, seed: BENCH_SEED, delimiter: ',', european: false }
  };
}

function present(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0;
}

const versionFile = join(BENCH_DATA_DIR, 'generator-version');

/** Drops cached files written by another generator version. */
async function dropStaleData(log: (line: string) => void): Promise<void> {
  const found = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : null;
  if (found === String(GENERATOR_VERSION)) return;
  if (found !== null || existsSync(BENCH_DATA_DIR)) {
    log(`bench data from generator version ${found ?? 'unknown'}: rewriting`);
    await rm(BENCH_DATA_DIR, { recursive: true, force: true });
  }
  await mkdir(BENCH_DATA_DIR, { recursive: true });
  writeFileSync(versionFile, `${GENERATOR_VERSION}\n`);
}

/** Writes the size's files when missing; returns their paths. */
export async function ensureBenchData(
  size: BenchSize,
  log: (line: string) => void = () => {}
): Promise<BenchData> {
  const data = benchData(size);
  await dropStaleData(log);
  if (!present(data.contactsPath)) {
    const t0 = performance.now();
    const r = await writeContactsCsv(data.contactsPath, data.options);
    log(`wrote ${r.path}: ${r.lines} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${ms(t0)}`);
  }
  if (!present(data.eventsPath)) {
    const t0 = performance.now();
    const r = await writeEventsCsv(data.eventsPath, data.options);
    log(`wrote ${r.path}: ${r.lines} events, ${(r.bytes / 1e6).toFixed(1)} MB in ${ms(t0)}`);
  }
  return data;
}

function ms(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}
