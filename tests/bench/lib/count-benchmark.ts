/**
 * The shape shared by the Node count benchmarks: load the seeded data through the CSV core,
 * time warm counts of one definition with the segment engine, and time DuckDB running the
 * definition's exported SQL on the same data in the same process (the peer). The two counts
 * must agree; a disagreement is reported in the result rather than hidden.
 */
import { readFileSync } from 'node:fs';
import { popcount } from '../../../src/lib/core/columns/bitset';
import type { Definition } from '../../../src/lib/core/segment/definition';
import { evaluateDefinition } from '../../../src/lib/core/segment/evaluate';
import { REFERENCE_DATE, REFERENCE_MS } from '../../support/generator';
import { duckdbPeer } from './duckdb-peer';
import { loadTables } from './load-tables';
import { result, round, timeRuns } from './timing';
import type { BenchContext, BenchResult } from './types';

/** Relative dates in the definitions are read against the generator's reference date. */
export const BENCH_EVAL = { now: REFERENCE_DATE, timeZone: 'Europe/Brussels' } as const;

export function readDefinition(file: string): Definition {
  return JSON.parse(
    readFileSync(new URL(`../definitions/${file}`, import.meta.url), 'utf8')
  ) as Definition;
}

export async function countBenchmark(
  ctx: BenchContext,
  name: string,
  definitionFile: string
): Promise<BenchResult> {
  const data = await ctx.data();
  const tables = await loadTables(data.contactsPath, data.eventsPath);
  ctx.log(
    `loaded ${tables.contacts.rowCount} contacts in ${(tables.loadMs.contacts / 1000).toFixed(1)} s, ` +
      `${tables.events.count} events in ${(tables.loadMs.events / 1000).toFixed(1)} s`
  );
  const definition = readDefinition(definitionFile);
  const evalContext = { now: REFERENCE_MS, timeZone: BENCH_EVAL.timeZone };

  // Warm: tables in memory, one untimed run; no EvalCache, so every run does the full scan.
  let count = -1;
  const ours = await timeRuns(
    () => {
      count = popcount(evaluateDefinition(definition, tables, evalContext));
    },
    { runs: 7, warmup: 1 }
  );

  const peer = await duckdbPeer(ctx, data, tables);
  const sql = peer.sql(definition, BENCH_EVAL);
  let peerCount = -1;
  const theirs = await timeRuns(
    async () => {
      peerCount = await peer.count(sql);
    },
    { runs: 7, warmup: 1 }
  );

  const extra: Record<string, string | number> = {
    count,
    rows_per_s: Math.round(tables.contacts.rowCount / (ours.median / 1000)),
    events: tables.events.count
  };
  if (peerCount !== count) {
    extra.mismatch = `engine ${count} vs duckdb ${peerCount}`;
    ctx.log(`MISMATCH: engine counts ${count}, DuckDB ${peerCount}`);
  }
  return result(name, tables.contacts.rowCount, ours, extra, {
    name: 'duckdb',
    timings: theirs,
    extra: { count: peerCount, load_ms: round(peer.loadMs, 0) }
  });
}
