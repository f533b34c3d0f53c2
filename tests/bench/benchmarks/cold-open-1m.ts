/**
 * cold-open-1m: with the 1M campaign stored (contacts and events imported untimed first),
 * quit and restart the browser, then time opening the campaign from the campaigns list until
 * its first count is shown (the worker has read the campaign back from IndexedDB). Three cold
 * starts; the median is the figure.
 */
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { clickCampaign, openHome, waitForFirstCount } from '../lib/slice-app';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const RUNS = 3;

export const benchmark: Benchmark = {
  name: 'cold-open-1m',
  kind: 'chromium',
  order: 30,
  run: async (ctx) => {
    const data = await ctx.data();
    return withChromium(ctx, async (session, baseUrl) => {
      const campaign = await fillCampaign(ctx, session, baseUrl, { events: true });
      const times: number[] = [];
      let shown = '';
      let longest = 0;
      for (let i = 0; i < RUNS; i++) {
        await session.restart();
        await openHome(session.page, baseUrl);
        await session.resetLongTasks();
        const t0 = await clickCampaign(session.page, campaign.name);
        shown = await waitForFirstCount(session.page, data.rows);
        times.push(performance.now() - t0);
        longest = Math.max(longest, (await session.longTasks()).longest);
      }
      ctx.log(`first count shown: ${shown}`);
      return result('cold-open-1m', data.rows, summarise(times), {
        shown,
        longest_main_thread_task_ms: round(longest, 0)
      });
    });
  }
};
