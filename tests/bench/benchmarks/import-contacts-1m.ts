/**
 * import-contacts-1m: the 1,000,000 x 20-column contacts CSV (about 170 MB) chosen on the
 * Import screen until the outcome is shown (the import committed durably), in Chromium with
 * on-disk IndexedDB. Three runs, each in a fresh browser profile; the median is the figure.
 * Also records the longest main-thread task meanwhile (goal: none over 50 ms), the import's
 * phases, and the peer: DuckDB-Wasm reading the same file into a table in Chromium (3 runs).
 */
import { importFields, timeImports } from '../lib/chromium-benchmark';
import { openDuckdbWasm } from '../lib/duckdb-wasm-peer';
import { loadTables } from '../lib/load-tables';
import { createCampaign } from '../lib/slice-app';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const RUNS = 3;

export const benchmark: Benchmark = {
  name: 'import-contacts-1m',
  kind: 'chromium',
  order: 10,
  run: async (ctx) => {
    const data = await ctx.data();
    const { runs, timings } = await timeImports(
      ctx,
      'contacts',
      data.contactsPath,
      async (session, baseUrl) => {
        await createCampaign(session.page, baseUrl, `Bench ${data.size}`);
      },
      RUNS
    );
    // The peer: DuckDB-Wasm reading the same file, chosen the same way, into a table, in the
    // same browser build. It keeps nothing once the tab closes; Slice's figure is to a durable
    // commit in IndexedDB.
    const tables = await loadTables(data.contactsPath, data.eventsPath);
    const wasm = await openDuckdbWasm((await ctx.app()).url, data, tables);
    const wasmTimes: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) wasmTimes.push(await wasm.loadContacts());
    } finally {
      await wasm.close();
    }
    const peer = summarise(wasmTimes);
    const out = result(
      'import-contacts-1m',
      data.rows,
      timings,
      importFields(runs, timings, data.rows),
      { name: 'duckdb-wasm', timings: peer, extra: { durable: 'no' } }
    );
    out.peers = [{ name: 'duckdb-wasm', median_ms: round(peer.median), durable: 'no' }];
    return out;
  }
};
