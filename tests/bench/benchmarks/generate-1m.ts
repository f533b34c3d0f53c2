/**
 * generate-1m: generate and store the membership of a segment over the 1M campaign (an
 * attribute group or an event-window condition; definitions/generate.json), with the campaign
 * already loaded in the worker but none of the segment's conditions evaluated before. Each
 * run starts a fresh engine worker, warms it with an unrelated count (so contacts and events
 * are in memory), then times generate() on the page's clock.
 *
 * There is no segments screen yet, so this drives the app's real engine worker directly from
 * the page (lib/engine-in-page.ts); switch to the screen once it exists.
 */
import type { Definition } from '../../../src/lib/core/segment/definition';
import type { CountOutcome, SegmentRecord } from '../../../src/lib/engine/api';
import { BENCH_EVAL, readDefinition } from '../lib/count-benchmark';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import {
  callEngine,
  engineWorkerUrl,
  startPageEngine,
  timeEngineCall
} from '../lib/engine-in-page';
import { openHome } from '../lib/slice-app';
import { largestRendererRssMb } from '../lib/renderer-memory';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const RUNS = 3;

/** Loads contacts and events into the worker without touching the measured conditions. */
const WARM_UP: Definition = {
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [
      { kind: 'attribute', field: 'language', rule: 'equals', value: 'fr' },
      { kind: 'event', event: 'purchase' }
    ]
  }
};

export const benchmark: Benchmark = {
  name: 'generate-1m',
  kind: 'chromium',
  order: 35,
  run: async (ctx) => {
    const data = await ctx.data();
    const app = await ctx.app();
    const workerUrl = engineWorkerUrl(app);
    return withChromium(ctx, async (session, baseUrl) => {
      const campaign = await fillCampaign(ctx, session, baseUrl, { events: true });
      // A fresh browser, so the renderer holds only this page and its engine worker (not the
      // app's worker that ran the setup imports): its memory is then the worker's.
      await session.restart();
      await openHome(session.page, baseUrl);
      const page = session.page;
      await startPageEngine(page, workerUrl);
      const segment = await callEngine<SegmentRecord>(page, 'saveSegment', {
        campaignId: campaign.id,
        name: 'Bench generate',
        description: 'generate-1m benchmark',
        kind: 'dynamic',
        definition: readDefinition('generate.json'),
        autoUpdate: false
      });
      const times: number[] = [];
      let count = -1;
      let engineMs = 0;
      let longest = 0;
      let rendererRss = 0;
      for (let i = 0; i < RUNS; i++) {
        await startPageEngine(page, workerUrl);
        const warm = await callEngine<CountOutcome>(
          page,
          'count',
          campaign.id,
          WARM_UP,
          BENCH_EVAL
        );
        if (!warm.ok) throw new Error(`warm-up count failed: ${JSON.stringify(warm)}`);
        await session.resetLongTasks();
        const run = await timeEngineCall<CountOutcome>(page, 'generate', segment.id, BENCH_EVAL);
        if (!run.value.ok) throw new Error(`generate failed: ${JSON.stringify(run.value)}`);
        if ('count' in run.value) {
          count = run.value.count;
          engineMs = run.value.ms;
        }
        times.push(run.ms);
        longest = Math.max(longest, (await session.longTasks()).longest);
        rendererRss = Math.max(rendererRss, largestRendererRssMb(session.profileDir) ?? 0);
      }
      ctx.log(`generated ${count} members of ${data.rows}`);
      return result('generate-1m', data.rows, summarise(times), {
        count,
        engine_reported_ms: engineMs,
        longest_main_thread_task_ms: round(longest, 0),
        // Page + engine worker with 1M contacts and 5M events loaded; goal: worker ≤ 1 GB.
        renderer_rss_mb: rendererRss,
        via: 'engine worker driven from the page (no segments screen yet)'
      });
    });
  }
};
