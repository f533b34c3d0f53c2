/**
 * import-events-5m: the events CSV of the 1M campaign (about 5,000,000 rows) imported through
 * the Import screen into a campaign that already holds the contacts (imported untimed first).
 */
import { summarise, result, round } from '../lib/timing';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { importFile } from '../lib/slice-app';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'import-events-5m',
  kind: 'chromium',
  order: 20,
  run: async (ctx) => {
    const data = await ctx.data();
    return withChromium(ctx, async (session, baseUrl) => {
      await fillCampaign(ctx, session, baseUrl, { events: false });
      await session.page.getByRole('button', { name: 'Import another file' }).click();
      await session.resetLongTasks();
      const timing = await importFile(session.page, 'events', data.eventsPath);
      const long = await session.longTasks();
      ctx.log(timing.summary);
      const events = Number(/([\d,]+) rows? read/.exec(timing.summary)?.[1].replace(/,/g, ''));
      return result('import-events-5m', events || data.rows * 5, summarise([timing.totalMs]), {
        import_ms: round(timing.importMs, 0),
        rows_per_s: Math.round((events || data.rows * 5) / (timing.totalMs / 1000)),
        longest_main_thread_task_ms: round(long.longest, 0),
        longest_task_at_ms: round(long.longestAt, 0),
        long_tasks: long.count,
        rejected: timing.rejected
      });
    });
  }
};
