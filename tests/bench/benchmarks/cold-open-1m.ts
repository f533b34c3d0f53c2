/**
 * cold-open-1m: with the 1M campaign stored (contacts and events imported untimed first, and
 * the count-attributes-1m segment saved and generated through the builder), quit and restart
 * the browser, then time a person's way in: click the campaign in the campaigns list, click
 * its Segments tab, until the first segment's count is shown on the segments page. Three cold
 * starts; the median is the figure. Beside it, after other cold starts: `contacts_table_ms`,
 * click on the campaign → the contacts table's count shown; and `live_count_ms`, the saved
 * segment opened in the builder → its live count shown (the app's own engine worker reads the
 * campaign back from IndexedDB, then evaluates).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import { clickCampaign, LONG_WAIT, openHome, waitForFirstCount } from '../lib/slice-app';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const RUNS = 3;
const SEGMENT = 'Bench attributes';

/** Waits, checking every frame, until `selector` matches an element with a number in it. */
async function waitForNumber(page: Page, selector: string): Promise<string> {
  const handle = await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      const text = (el?.textContent ?? '').trim();
      return /^\d[\d,]*$/.test(text) ? text : null;
    },
    selector,
    { polling: 'raf', timeout: LONG_WAIT }
  );
  return String(await handle.jsonValue());
}

/** The count-attributes-1m definition, saved and generated through the builder. */
async function saveSegment(page: Page): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'slice-bench-')), 'attributes.json');
  writeFileSync(file, readFileSync(new URL('../definitions/attributes.json', import.meta.url)));
  await page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Segments' })
    .click();
  await page.getByRole('link', { name: 'New segment' }).click();
  await page.getByLabel('Segment name').fill(SEGMENT);
  await page.getByLabel('Import JSON').setInputFiles(file);
  await page.getByRole('button', { name: /^Save (segment|changes)$/ }).click();
  await page.getByText('Unsaved changes.').waitFor({ state: 'hidden', timeout: LONG_WAIT });
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('link', { name: /^[\d,]+ members$/ }).waitFor({ timeout: LONG_WAIT });
}

export const benchmark: Benchmark = {
  name: 'cold-open-1m',
  kind: 'chromium',
  order: 30,
  run: async (ctx) => {
    const data = await ctx.data();
    return withChromium(ctx, async (session, baseUrl) => {
      const campaign = await fillCampaign(ctx, session, baseUrl, { events: true });
      await saveSegment(session.page);
      const rowSelector = `a[aria-label$="members of ${SEGMENT}"]`;

      const times: number[] = [];
      let shown = '';
      let longest = 0;
      for (let i = 0; i < RUNS; i++) {
        await session.restart();
        await openHome(session.page, baseUrl);
        await session.resetLongTasks();
        const t0 = await clickCampaign(session.page, campaign.name);
        await session.page
          .getByRole('navigation', { name: 'Campaign sections' })
          .getByRole('link', { name: 'Segments' })
          .click();
        shown = await waitForNumber(session.page, rowSelector);
        times.push(performance.now() - t0);
        longest = Math.max(longest, (await session.longTasks()).longest);
      }
      ctx.log(`segments page: ${SEGMENT} shows ${shown} members`);

      const tableTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await session.restart();
        await openHome(session.page, baseUrl);
        const t0 = await clickCampaign(session.page, campaign.name);
        await waitForFirstCount(session.page, data.rows);
        tableTimes.push(performance.now() - t0);
      }

      const liveTimes: number[] = [];
      let live = '';
      for (let i = 0; i < RUNS; i++) {
        await session.restart();
        await openHome(session.page, baseUrl);
        await clickCampaign(session.page, campaign.name);
        await session.page
          .getByRole('navigation', { name: 'Campaign sections' })
          .getByRole('link', { name: 'Segments' })
          .click();
        const edit = session.page.getByRole('link', { name: SEGMENT, exact: true });
        await edit.waitFor({ timeout: LONG_WAIT });
        const t0 = performance.now();
        await edit.click();
        live = await waitForNumber(session.page, '[aria-label="Matching contacts"]:not(.stale)');
        liveTimes.push(performance.now() - t0);
      }
      if (live !== shown)
        throw new Error(`the live count (${live}) differs from the generated count (${shown})`);
      return result('cold-open-1m', data.rows, summarise(times), {
        shown,
        contacts_table_ms: round(summarise(tableTimes).median, 0),
        live_count_ms: round(summarise(liveTimes).median, 0),
        longest_main_thread_task_ms: round(longest, 0)
      });
    });
  }
};
