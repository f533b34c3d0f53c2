/**
 * recount-attributes-1m: the count-attributes-1m segment counted again with every result cache
 * warm, as the live count does after an edit elsewhere in the builder. Goal ≤ 5 ms.
 */
import { recountBenchmark } from '../lib/count-benchmark';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'recount-attributes-1m',
  kind: 'node',
  order: 41,
  run: (ctx) => recountBenchmark(ctx, 'recount-attributes-1m', 'attributes.json')
};
