/**
 * report-5m: `slice report --format json` over a 5,000,000-row SendGrid event export, the
 * whole command timed (process start, read, parse, count, print), 3 runs. Peer: DuckDB
 * reading the same CSV and computing the same figures with a hand-written query, in the same
 * run; its figures must equal ours.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { BENCH_DATA_DIR, BENCH_SEED, sizeLabel } from '../bench-data';
import { writeSendgridExport } from '../../support/delivery-export';
import { result, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const run = promisify(execFile);

// Per message: handed over, final state (a hard bounce after delivery wins), human opens and
// clicks, machine-only opens and clicks, unsubscribes and complaints — the report's rules.
const FIGURES_SQL = (path: string) => `
WITH e AS (
  SELECT split_part(sg_message_id, '.filter', 1) || chr(0) || lower(trim(email)) AS m,
         event, CAST(timestamp AS BIGINT) AS t, type,
         coalesce(sg_machine_open, '') = 'true' AS machine
  FROM read_csv('${path}', header = true, all_varchar = true)
), per AS (
  SELECT m,
    bool_or(event <> 'dropped') AS sent,
    max(t) FILTER (WHERE event = 'delivered') AS d,
    max(t) FILTER (WHERE event = 'bounce' AND coalesce(type, '') <> 'blocked') AS h,
    max(t) FILTER (WHERE event = 'bounce' AND type = 'blocked') AS s,
    count(*) FILTER (WHERE event = 'open' AND NOT machine) AS ho,
    bool_or(event = 'open' AND machine) AS mo,
    count(*) FILTER (WHERE event = 'click' AND NOT machine) AS hc,
    bool_or(event = 'click' AND machine) AS mc,
    bool_or(event IN ('unsubscribe', 'group_unsubscribe')) AS u,
    bool_or(event = 'spamreport') AS c
  FROM e GROUP BY m
)
SELECT count(*) FILTER (WHERE sent) AS sent,
  count(*) FILTER (WHERE sent AND d IS NOT NULL AND (h IS NULL OR h < d)) AS delivered,
  count(*) FILTER (WHERE sent AND h IS NOT NULL AND (d IS NULL OR h >= d)) AS bounced_hard,
  count(*) FILTER (WHERE sent AND h IS NULL AND d IS NULL AND s IS NOT NULL) AS bounced_soft,
  count(*) FILTER (WHERE sent AND ho > 0) AS opened_unique,
  sum(ho) FILTER (WHERE sent) AS opened_total,
  count(*) FILTER (WHERE sent AND ho = 0 AND mo) AS opened_machine,
  count(*) FILTER (WHERE sent AND hc > 0) AS clicked_unique,
  count(*) FILTER (WHERE sent AND u) AS unsubscribed,
  count(*) FILTER (WHERE sent AND c) AS complained
FROM per`;

export const benchmark: Benchmark = {
  name: 'report-5m',
  kind: 'node',
  order: 90,
  run: async (ctx) => {
    const rows = ctx.rows * 5;
    const path = join(BENCH_DATA_DIR, `sendgrid-${sizeLabel(rows)}.csv`);
    if (!existsSync(path) || statSync(path).size === 0) {
      mkdirSync(BENCH_DATA_DIR, { recursive: true });
      const w = await writeSendgridExport(path, { rows, seed: BENCH_SEED });
      ctx.log(
        `wrote ${path}: ${w.rows} rows, ${w.messages} messages, ${(w.bytes / 1e6).toFixed(1)} MB`
      );
    }
    const times: number[] = [];
    let figures: Record<string, number | null> = {};
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'bin/slice.ts',
          'report',
          '--events',
          path,
          '--format',
          'json',
          '--tz',
          'UTC'
        ],
        { maxBuffer: 1 << 20 }
      );
      times.push(performance.now() - t0);
      figures = JSON.parse(stdout) as Record<string, number | null>;
    }
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const peerTimes: number[] = [];
    let peerFigures: Record<string, number> = {};
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const reader = await conn.runAndReadAll(FIGURES_SQL(path));
      peerTimes.push(performance.now() - t0);
      const row = reader.getRowObjectsJS()[0] as Record<string, bigint | number>;
      peerFigures = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    }
    conn.closeSync();
    for (const [key, value] of Object.entries(peerFigures)) {
      if (figures[key] !== value) {
        throw new Error(`DuckDB's ${key} is ${value}, slice report's is ${figures[key]}`);
      }
    }
    const t = summarise(times);
    return result(
      'report-5m',
      rows,
      t,
      {
        rows_per_s: Math.round(rows / (t.median / 1000)),
        sent: Number(figures.sent),
        opened_unique: Number(figures.opened_unique)
      },
      {
        name: 'duckdb',
        timings: summarise(peerTimes),
        extra: { sql: 'hand-written', note: 'query only, process already started' }
      }
    );
  }
};
