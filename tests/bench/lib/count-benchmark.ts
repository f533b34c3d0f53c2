/**
 * The shape shared by the Node count benchmarks: load the seeded data through the CSV core,
 * time counts of one definition with the segment engine, and time DuckDB (native, in this
 * process) and DuckDB-Wasm (in headless Chromium, in this run) on the same data, each running
 * the definition's exported SQL and a hand-written SQL of the same segment (the peers). Every count must agree; a disagreement fails the benchmark.
 *
 * First-time counts: before each timed run the engine gets the same columns in fresh objects
 * (untimed), so nothing it derived from them earlier — per-dictionary text results, folded
 * keys, sample hashes, wherever they are cached — is found again: each run folds and scans
 * as DuckDB does. The cached re-count (the live-count case) is timed apart (`recount-*`).
 */
import { readFileSync } from 'node:fs';
import { popcount } from '../../../src/lib/core/columns/bitset';
import type { Column, ContactTable, EventTable } from '../../../src/lib/core/columns/types';
import type { Definition } from '../../../src/lib/core/segment/definition';
import { EvalCache } from '../../../src/lib/core/segment/eval-cache';
import { evaluateDefinition } from '../../../src/lib/core/segment/evaluate';
import { REFERENCE_DATE, REFERENCE_MS } from '../../support/generator';
import { duckdbPeer } from './duckdb-peer';
import { openDuckdbWasm } from './duckdb-wasm-peer';
import { loadTables, type LoadedTables } from './load-tables';
import { result, round, summarise, timeRuns, type Timings } from './timing';
import type { BenchContext, BenchResult } from './types';

/** Relative dates in the definitions are read against the generator's reference date. */
export const BENCH_EVAL = { now: REFERENCE_DATE, timeZone: 'Europe/Brussels' } as const;

export function readDefinition(file: string): Definition {
  return JSON.parse(
    readFileSync(new URL(`../definitions/${file}`, import.meta.url), 'utf8')
  ) as Definition;
}

export function readSql(file: string): string {
  return readFileSync(new URL(`../definitions/${file}`, import.meta.url), 'utf8');
}

/** The same data in new objects: typed arrays shared, dictionaries copied (caches key on them). */
export function unseenTables(tables: LoadedTables): { contacts: ContactTable; events: EventTable } {
  const columns: Record<string, Column> = {};
  for (const [name, column] of Object.entries(tables.contacts.columns))
    columns[name] =
      column.kind === 'string' ? { ...column, dict: column.dict.slice() } : { ...column };
  const e = tables.events;
  return {
    contacts: { ...tables.contacts, columns },
    events: { ...e, types: e.types.slice(), targets: e.targets.slice(), props: e.props.slice() }
  };
}

/** Runs `work` on fresh tables each time (made untimed), `runs` times after one warm-up. */
function timeFirstCounts(
  tables: LoadedTables,
  work: (t: { contacts: ContactTable; events: EventTable }) => void,
  runs = 7
): Timings {
  work(unseenTables(tables)); // warm-up: JIT, not caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const fresh = unseenTables(tables);
    const t0 = performance.now();
    work(fresh);
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

async function loaded(ctx: BenchContext): Promise<LoadedTables> {
  const data = await ctx.data();
  const tables = await loadTables(data.contactsPath, data.eventsPath);
  ctx.log(
    `loaded ${tables.contacts.rowCount} contacts in ${(tables.loadMs.contacts / 1000).toFixed(1)} s, ` +
      `${tables.events.count} events in ${(tables.loadMs.events / 1000).toFixed(1)} s`
  );
  return tables;
}

const EVAL_CONTEXT = { now: REFERENCE_MS, timeZone: BENCH_EVAL.timeZone };

export async function countBenchmark(
  ctx: BenchContext,
  name: string,
  definitionFile: string,
  handWrittenSqlFile: string
): Promise<BenchResult> {
  const data = await ctx.data();
  const tables = await loaded(ctx);
  const definition = readDefinition(definitionFile);

  let count = -1;
  const ours = timeFirstCounts(tables, (t) => {
    count = popcount(evaluateDefinition(definition, t, EVAL_CONTEXT));
  });

  const duckdb = await duckdbPeer(ctx, data, tables);
  const peers: { name: string; sql: string; timings: Timings; count: number }[] = [];
  for (const [kind, sql] of [
    ['exported', duckdb.sql(definition, BENCH_EVAL)],
    ['hand-written', readSql(handWrittenSqlFile)]
  ] as const) {
    let peerCount = -1;
    const timings = await timeRuns(
      async () => {
        peerCount = await duckdb.count(sql);
      },
      { runs: 7, warmup: 1 }
    );
    peers.push({ name: 'duckdb', sql: kind, timings, count: peerCount });
  }
  // The same queries in DuckDB-Wasm, in headless Chromium in this run, on the same files.
  const wasm = await openDuckdbWasm((await ctx.app()).url, data, tables);
  try {
    const loadMs = (await wasm.loadContacts()) + (await wasm.loadEvents());
    ctx.log(`duckdb-wasm loaded the files in ${(loadMs / 1000).toFixed(1)} s`);
    for (const [kind, sql] of [
      ['exported', duckdb.sql(definition, BENCH_EVAL)],
      ['hand-written', readSql(handWrittenSqlFile)]
    ] as const) {
      let wasmCount = -1;
      const times: number[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await wasm.count(sql);
        wasmCount = r.count;
        if (i > 0) times.push(r.ms); // the first run warms up, as for the others
      }
      peers.push({ name: 'duckdb-wasm', sql: kind, timings: summarise(times), count: wasmCount });
    }
  } finally {
    await wasm.close();
  }
  for (const p of peers)
    if (p.count !== count)
      throw new Error(`count mismatch: engine ${count}, ${p.name} (${p.sql} SQL) ${p.count}`);

  const fastest = peers.reduce((a, b) => (b.timings.median < a.timings.median ? b : a));
  const out = result(
    name,
    tables.contacts.rowCount,
    ours,
    {
      count,
      rows_per_s: Math.round(tables.contacts.rowCount / (ours.median / 1000)),
      events: tables.events.count,
      // What a timed run finds ready, as DuckDB finds its loaded tables: nothing derived.
      reused: 'loaded columns only (codes, values, dictionary strings); texts folded per run'
    },
    {
      name: fastest.name,
      timings: fastest.timings,
      extra: { sql: fastest.sql, load_ms: round(duckdb.loadMs, 0) }
    }
  );
  out.peers = peers.map((p) => ({ name: p.name, sql: p.sql, median_ms: round(p.timings.median) }));
  return out;
}

/** The same count again and again on the same tables: every result cache warm. */
export async function recountBenchmark(
  ctx: BenchContext,
  name: string,
  definitionFile: string
): Promise<BenchResult> {
  const tables = await loaded(ctx);
  const definition = readDefinition(definitionFile);
  // The live count's cache, as the engine holds one per loaded campaign.
  const cache = new EvalCache();
  let count = -1;
  const t = await timeRuns(
    () => {
      count = popcount(evaluateDefinition(definition, tables, { ...EVAL_CONTEXT, cache }));
    },
    { runs: 15, warmup: 2 }
  );
  return result(name, tables.contacts.rowCount, t, { count });
}
