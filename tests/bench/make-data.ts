/**
 * Writes the benchmark data files that are missing: `tsx tests/bench/make-data.ts [100k 1m ...]`
 * (default: every size).
 */
import { BENCH_SIZES, ensureBenchData, type BenchSize } from './bench-data';

const asked = process.argv.slice(2);
const sizes = (asked.length > 0 ? asked : Object.keys(BENCH_SIZES)) as BenchSize[];
for (const size of sizes) {
  if (!(size in BENCH_SIZES)) {
    console.error(`Unknown size "${size}"; expected one of ${Object.keys(BENCH_SIZES).join(', ')}`);
    process.exit(1);
  }
}
for (const size of sizes) await ensureBenchData(size, console.log);
