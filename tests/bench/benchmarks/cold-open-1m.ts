/**
 * cold-open-1m: with the 1M campaign stored (contacts and events imported untimed first),
 * quit and restart the browser, then time opening the campaign from the campaigns list until
 * its first count is shown (the worker has read the campaign back from IndexedDB). Three cold
 * starts; the median is the figure. Beside it, `first_count_ms`: after a browser restart, a
 * fresh engine worker counts the attribute segment of count-attributes-1m (campaign read from
 * IndexedDB, then evaluated): open → first segment count, which is the definition.
 */
import type { CountOutcome } from '../../../src/lib/engine/api';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { BENCH_EVAL, readDefinition } from '../lib/count-benchmark';
import { engineWorkerUrl, startPageEngine, timeEngineCall } from '../lib/engine-in-page';
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
    const workerUrl = engineWorkerUrl(await ctx.app());
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
      const definition = readDefinition('attributes.json');
      const countTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await session.restart();
        await openHome(session.page, baseUrl);
        await startPageEngine(session.page, workerUrl);
        const run = await timeEngineCall<CountOutcome>(
          session.page,
          'count',
          campaign.id,
          definition,
          BENCH_EVAL
        );
        if (!run.value.ok) throw new Error(`cold count failed: ${JSON.stringify(run.value)}`);
        countTimes.push(run.ms);
      }
      const firstCount = summarise(countTimes);
      ctx.log(`cold first count: median ${round(firstCount.median, 0)} ms`);
      return result('cold-open-1m', data.rows, summarise(times), {
        shown,
        first_count_ms: round(firstCount.median, 0),
        first_count_max_ms: round(firstCount.max, 0),
        longest_main_thread_task_ms: round(longest, 0)
      });
    });
  }
};
