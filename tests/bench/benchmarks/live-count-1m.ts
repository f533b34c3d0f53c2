/**
 * live-count-1m: in the segment builder, on the 1M campaign, an edit of a condition's value →
 * the new count shown in the page. Timed on the page's clock from the input event to the first
 * frame after the live count stops being busy (aria-busy true → false). A lone edit (the user
 * paused before it) is counted at once: that is the headline. Typing is a burst, counted once
 * after it pauses (COUNT_DELAY_MS): `burst_ms` is the last keystroke of a 3-key burst → count
 * shown, which includes that debounce. Goal ≤ 100 ms median.
 */
import type { Page } from '@playwright/test';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { LONG_WAIT } from '../lib/slice-app';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

/** The builder's debounce (COUNT_DELAY_MS in src/lib/state/segment-editor.svelte.ts). */
const COUNT_DELAY_MS = 250;
const VALUES = ['Mrs', 'Mr', 'Ms', 'Mx', 'Mrs', 'Mr', 'Ms', 'Mx', 'Mrs'];
const BURSTS = ['Mrs', 'Mx', 'Ms', 'Mr', 'Mrs'];

/** Types `keys` (one input event each, `gapMs` apart); resolves ms from the last to the count. */
function timeEdit(page: Page, keys: string[], gapMs: number): Promise<number> {
  return page.evaluate(
    ({ keys, gapMs }) =>
      new Promise<number>((resolve, reject) => {
        const input = document.querySelector<HTMLInputElement>('[aria-label="Condition 1: value"]');
        const live = document.querySelector('.live');
        if (!input || !live) return reject(new Error('no value input or live count'));
        let t0 = 0;
        let busySeen = false;
        const observer = new MutationObserver(() => {
          const busy = live.getAttribute('aria-busy') === 'true';
          if (busy) busySeen = true;
          else if (busySeen && t0) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          }
        });
        observer.observe(live, { attributes: true, attributeFilter: ['aria-busy'] });
        // No named inner functions: the bench runner's transform would reference a helper
        // (__name) that does not exist in the page.
        void (async () => {
          for (let i = 0; i < keys.length; i++) {
            if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
            if (i === keys.length - 1) t0 = performance.now();
            input.value = keys[i];
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }
        })();
      }),
    { keys, gapMs }
  );
}

export const benchmark: Benchmark = {
  name: 'live-count-1m',
  kind: 'chromium',
  order: 40,
  run: async (ctx) => {
    const data = await ctx.data();
    return withChromium(ctx, async (session, baseUrl) => {
      const campaign = await fillCampaign(ctx, session, baseUrl, { events: false });
      const page = session.page;
      await page.goto(`${baseUrl}#/campaigns/${encodeURIComponent(campaign.id)}/segments/new`);
      await page.getByLabel('Segment name').fill('Bench live count');
      await page.getByRole('button', { name: '+ Add condition', exact: true }).click();
      await page.getByLabel('Condition 1: filter').selectOption({ label: 'civility · Category' });
      const value = page.getByLabel('Condition 1: value', { exact: true });
      const count = page.getByLabel('Matching contacts');
      await value.fill('Mme');
      await page.getByText('Counting…').waitFor({ state: 'hidden', timeout: LONG_WAIT });
      const times: number[] = [];
      let last = '';
      for (const v of VALUES) {
        // A lone edit: the user paused longer than the debounce before it.
        await page.waitForTimeout(COUNT_DELAY_MS + 150);
        times.push(await timeEdit(page, [v], 0));
        last = (await count.textContent()) ?? '';
      }
      const bursts: number[] = [];
      for (const word of BURSTS) {
        await page.waitForTimeout(COUNT_DELAY_MS + 150);
        const keys = [...word].map((_, i) => word.slice(0, i + 1));
        bursts.push(await timeEdit(page, keys, 80));
      }
      const t = summarise(times.slice(1));
      ctx.log(`live count ${last} of ${data.rows}; median ${t.median.toFixed(0)} ms`);
      return result('live-count-1m', data.rows, t, {
        debounce_ms: COUNT_DELAY_MS,
        burst_ms: round(summarise(bursts).median, 1),
        last_count: last
      });
    });
  }
};
