/**
 * count-events-1m: first count (nothing cached from earlier runs) of "viewed a page containing /offer at least 3 times in the last
 * 30 days" over about 5,000,000 events of 1,000,000 contacts, beside DuckDB (exported and
 * hand-written SQL).
 */
import { countBenchmark } from '../lib/count-benchmark';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'count-events-1m',
  kind: 'node',
  order: 50,
  run: (ctx) => countBenchmark(ctx, 'count-events-1m', 'events.json', 'events.sql')
};
