/**
 * import-contacts-1m: the 1,000,000 x 20-column contacts CSV (about 170 MB) chosen on the
 * Import screen until the outcome is shown (the import committed), in Chromium with on-disk
 * IndexedDB. Also records the longest main-thread task meanwhile (goal: none over 50 ms).
 */
import { summarise, result, round } from '../lib/timing';
import { withChromium } from '../lib/chromium-benchmark';
import { createCampaign, importFile } from '../lib/slice-app';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'import-contacts-1m',
  kind: 'chromium',
  order: 10,
  run: async (ctx) => {
    const data = await ctx.data();
    return withChromium(ctx, async (session, baseUrl) => {
      await createCampaign(session.page, baseUrl, `Bench ${data.size}`);
      await session.resetLongTasks();
      const timing = await importFile(session.page, 'contacts', data.contactsPath);
      const long = await session.longTasks();
      ctx.log(timing.summary);
      return result('import-contacts-1m', data.rows, summarise([timing.totalMs]), {
        import_ms: round(timing.importMs, 0),
        rows_per_s: Math.round(data.rows / (timing.totalMs / 1000)),
        longest_main_thread_task_ms: round(long.longest, 0),
        longest_task_at_ms: round(long.longestAt, 0),
        long_tasks: long.count,
        rejected: timing.rejected
      });
    });
  }
};
