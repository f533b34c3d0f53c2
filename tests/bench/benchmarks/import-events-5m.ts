/**
 * import-events-5m: the events CSV of the 1M campaign (about 5,000,000 rows) imported through
 * the Import screen into a campaign that already holds the contacts (imported untimed first).
 * Three runs, each in a fresh browser profile; the median is the figure.
 */
import { fillCampaign, importFields, timeImports } from '../lib/chromium-benchmark';
import { result } from '../lib/timing';
import type { Benchmark } from '../lib/types';

export const benchmark: Benchmark = {
  name: 'import-events-5m',
  kind: 'chromium',
  order: 20,
  run: async (ctx) => {
    const data = await ctx.data();
    const { runs, timings } = await timeImports(
      ctx,
      'events',
      data.eventsPath,
      async (session, baseUrl) => {
        await fillCampaign(ctx, session, baseUrl, { events: false });
        await session.page.getByRole('button', { name: 'Import another file' }).click();
      }
    );
    const events =
      Number(/([\d,]+) rows? read/.exec(runs[0].summary)?.[1].replace(/,/g, '')) || data.rows * 5;
    return result('import-events-5m', events, timings, importFields(runs, timings, events));
  }
};
