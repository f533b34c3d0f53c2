/**
 * segments-page-300: the Segments page of the 1M campaign holding 300 generated segments,
 * opened from another section: click on "Segments" → all 300 rows rendered with their counts.
 * The segments are made and generated beforehand (untimed) through the app's engine worker.
 * Goal ≤ 1 s.
 */
import type { CountOutcome, SegmentRecord } from '../../../src/lib/engine/api';
import { BENCH_EVAL } from '../lib/count-benchmark';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { callEngine, engineWorkerUrl, startPageEngine } from '../lib/engine-in-page';
import { LONG_WAIT } from '../lib/slice-app';
import { result, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const SEGMENTS = 300;
const RUNS = 5;

export const benchmark: Benchmark = {
  name: 'segments-page-300',
  kind: 'chromium',
  order: 45,
  run: async (ctx) => {
    const data = await ctx.data();
    const app = await ctx.app();
    const workerUrl = engineWorkerUrl(app);
    return withChromium(ctx, async (session, baseUrl) => {
      const campaign = await fillCampaign(ctx, session, baseUrl, { events: false });
      const page = session.page;
      await startPageEngine(page, workerUrl);
      for (let i = 0; i < SEGMENTS; i++) {
        const s = await callEngine<SegmentRecord>(page, 'saveSegment', {
          campaignId: campaign.id,
          name: `Score at least ${i}`,
          kind: 'dynamic',
          definition: {
            version: 1,
            root: {
              kind: 'group',
              match: 'all',
              children: [{ kind: 'attribute', field: 'score', rule: 'gte', value: i / 3 }]
            }
          },
          autoUpdate: false
        });
        const g = await callEngine<CountOutcome>(page, 'generate', s.id, BENCH_EVAL);
        if (!g.ok) throw new Error(`generate failed: ${JSON.stringify(g)}`);
      }
      ctx.log(`setup: ${SEGMENTS} segments generated`);
      const base = `${baseUrl}#/campaigns/${encodeURIComponent(campaign.id)}`;
      await page.goto(base);
      await page.getByRole('status').filter({ hasText: 'contacts' }).first().waitFor();
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(`${base}/history`);
        const link = page
          .getByRole('navigation', { name: 'Campaign sections' })
          .getByRole('link', { name: 'Segments' });
        await link.waitFor();
        const t0 = await page.evaluate(() => performance.now());
        await link.click();
        // Every row with its count link: the default segment and the 300.
        const t1 = await page.waitForFunction(
          (n) => {
            const links = document.querySelectorAll('table td.num a');
            return links.length >= n ? performance.now() : null;
          },
          SEGMENTS + 1,
          { polling: 'raf', timeout: LONG_WAIT }
        );
        times.push(Number(await t1.jsonValue()) - t0);
      }
      return result('segments-page-300', data.rows, summarise(times), { segments: SEGMENTS });
    });
  }
};
