/**
 * count-attributes-1m: first count (nothing cached from earlier runs) of a five-condition attribute segment (civility, opt-in,
 * not won, country in a list, date window, email `.fr|.org`) over 1,000,000 contacts, beside
 * DuckDB running the exported SQL and a hand-written one.
 */
import { countBenchmark } from '../lib/count-benchmark';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'count-attributes-1m',
  kind: 'node',
  order: 40,
  run: (ctx) => countBenchmark(ctx, 'count-attributes-1m', 'attributes.json', 'attributes.sql')
};
