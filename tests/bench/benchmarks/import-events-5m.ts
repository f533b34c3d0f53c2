/**
 * import-events-5m: the events CSV of the 1M campaign (about 5,000,000 rows) imported through
 * the Import screen into a campaign that already holds the contacts (imported untimed first).
 * Three runs, each in a fresh browser profile; the median is the figure.
 */
import { summarise, result, round } from '../lib/timing';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { importFile, lastImportPhases, phaseFields, type ImportTiming } from '../lib/slice-app';
import type { Benchmark } from '../lib/types';

const RUNS = 3;

export const benchmark: Benchmark = {
  name: 'import-events-5m',
  kind: 'chromium',
  order: 20,
  run: async (ctx) => {
    const data = await ctx.data();
    const runs: (ImportTiming & {
      longest: number;
      longestAt: number;
      longTasks: number;
      phases: Record<string, number>;
    })[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(
        await withChromium(ctx, async (session, baseUrl) => {
          await fillCampaign(ctx, session, baseUrl, { events: false });
          await session.page.getByRole('button', { name: 'Import another file' }).click();
          await session.resetLongTasks();
          const timing = await importFile(session.page, 'events', data.eventsPath);
          const long = await session.longTasks();
          ctx.log(`run ${i + 1}: ${timing.summary}`);
          const phases = await lastImportPhases(session.page);
          return {
            ...timing,
            longest: long.longest,
            longestAt: long.longestAt,
            longTasks: long.count,
            phases
          };
        })
      );
    }
    const summary = runs[0].summary;
    const events =
      Number(/([\d,]+) rows? read/.exec(summary)?.[1].replace(/,/g, '')) || data.rows * 5;
    const t = summarise(runs.map((r) => r.totalMs));
    const worst = runs.reduce((a, b) => (b.longest > a.longest ? b : a));
    return result('import-events-5m', events, t, {
      import_ms: round(summarise(runs.map((r) => r.importMs)).median, 0),
      rows_per_s: Math.round(events / (t.median / 1000)),
      longest_main_thread_task_ms: round(worst.longest, 0),
      longest_task_at_ms: round(worst.longestAt, 0),
      long_tasks: Math.max(...runs.map((r) => r.longTasks)),
      rejected: runs[0].rejected,
      ...phaseFields(runs.map((r) => r.phases))
    });
  }
};
