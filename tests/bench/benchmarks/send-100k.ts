/**
 * send-100k: 100,000 messages handed from the browser to the local reference relay in outbox
 * mode, by the real app: the 1M campaign imported, a segment of exactly 100,000 contacts
 * (external_id ends with 0), the relay configured in the Emailings tab's relay settings, an
 * emailing with merge tags composed in the editor and targeted at that segment (all untimed).
 * Timed from the click on "Send now" to the Scheduled view showing it Finished with
 * 100,000 / 100,000 sent (the view refreshes once a second). The outbox must then hold exactly
 * 100,000 .eml files, no recipient twice and no merge tag left, or the benchmark fails.
 * With --quick: 100,000 contacts and 10,000 messages. Goal ≥ 2,000 msg/s, no main-thread
 * task over 50 ms.
 *
 * Where the time goes: `relay_post_ms` is the sum of the batch POSTs as the browser saw them
 * (the relay building MIME with nodemailer and writing files, plus HTTP), `relay_busy_ms` the
 * relay's event-loop time (it runs in this Node process); `prepare_ms` is "Send now" → the
 * recipients written to the ledger (segment updated, recipients selected); the rest is the
 * app's own per-batch work (ledger reads and writes, rendering).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page, Request } from '@playwright/test';
import { readConfig } from '../../../relay/config';
import { safeName } from '../../../relay/delivery';
import { startRelay } from '../../../relay/server';
import { fillCampaign, withChromium } from '../lib/chromium-benchmark';
import type { ChromiumSession } from '../lib/chromium';
import { readOutbox } from '../lib/outbox';
import {
  composeEmailing,
  configureRelay,
  createTextSegment,
  waitForFinished
} from '../lib/slice-emailings';
import { result, round, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

/** The relay's port: ephemeral, or SLICE_BENCH_RELAY_PORT (the machine is shared: no fixed port). */
const RELAY_PORT = Number(process.env.SLICE_BENCH_RELAY_PORT) || 0;
const TOKEN = 'bench-send';
const EMAILING = 'Bench send';
const SEGMENT = 'Bench one in ten';

interface EmailingTimes {
  id: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * Medians over the batches, from the app's own records: a batch's hand-over (written before
 * its POST) to its results (recorded after), and its results to the next batch's hand-over
 * (the app's work between two POSTs: results written, next messages read and rendered).
 */
async function batchGaps(
  page: Page,
  emailingId: string
): Promise<{ handedToResult: number; resultToNext: number }> {
  const rows = await page.evaluate(
    (id) =>
      new Promise<[number, string, string][]>((resolve, reject) => {
        const open = indexedDB.open('slice');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('sendLedger').objectStore('sendLedger');
          const req = store.index('[emailingId+state]').getAll(IDBKeyRange.only([id, 'accepted']));
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const out: [number, string, string][] = [];
            const seen = new Set<number>();
            for (const r of req.result as { batchNo: number; handedAt: string; doneAt: string }[])
              if (!seen.has(r.batchNo)) {
                seen.add(r.batchNo);
                out.push([r.batchNo, r.handedAt, r.doneAt]);
              }
            open.result.close();
            resolve(out);
          };
        };
      }),
    emailingId
  );
  rows.sort((a, b) => a[0] - b[0]);
  const handed: number[] = [];
  const next: number[] = [];
  rows.forEach(([, h, d], i) => {
    handed.push(Date.parse(d) - Date.parse(h));
    if (i + 1 < rows.length) next.push(Date.parse(rows[i + 1][1]) - Date.parse(d));
  });
  const median = (xs: number[]) => (xs.length ? round(summarise(xs).median, 1) : 0);
  return { handedToResult: median(handed), resultToNext: median(next) };
}

export const benchmark: Benchmark = {
  name: 'send-100k',
  kind: 'chromium',
  order: 75,
  run: async (ctx) => {
    const data = await ctx.data();
    const app = await ctx.app();
    // external_id is Q + the row number: one contact in ten ends with 0, exactly.
    const total = data.rows / 10;
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-send-relay-'));
    const relay = await startRelay(
      readConfig({
        RELAY_PORT: String(RELAY_PORT),
        RELAY_TOKEN: TOKEN,
        RELAY_DATA_DIR: dataDir,
        RELAY_OUTBOX_DIR: join(dataDir, 'outbox'),
        RELAY_ALLOWED_ORIGINS: new URL(app.url).origin
      }),
      { log: (line) => ctx.log(`relay: ${line}`) }
    );
    try {
      return await withChromium(ctx, async (session, baseUrl) => {
        try {
          return await sendRun(session, baseUrl);
        } catch (error) {
          const shot = join(tmpdir(), 'send-100k-failure.png');
          await session.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
          ctx.log(`screenshot of the failure: ${shot}`);
          throw error;
        }
      });
      async function sendRun(session: ChromiumSession, baseUrl: string) {
        const campaign = await fillCampaign(ctx, session, baseUrl, { events: false });
        const page = session.page;
        await createTextSegment(page, baseUrl, campaign.id, {
          name: SEGMENT,
          field: 'external_id',
          rule: 'ends_with',
          value: '0',
          expected: total
        });
        await page.goto(`${baseUrl}#/campaigns/${encodeURIComponent(campaign.id)}/emailings`);
        const batchSize = await configureRelay(page, { url: relay.url, token: TOKEN });
        const composed = await composeEmailing(page, {
          name: EMAILING,
          segmentName: SEGMENT,
          expected: total
        });
        ctx.log(`setup: ${composed.audience}; batch size ${batchSize}`);

        const posts: number[] = [];
        const onRequest = (r: Request) => {
          if (r.method() !== 'POST' || !r.url().endsWith('/v1/batches')) return;
          const t = r.timing();
          if (t.responseEnd > 0) posts.push(t.responseEnd - Math.max(0, t.requestStart));
        };
        session.context.on('requestfinished', onRequest);
        await session.resetLongTasks();
        // SLICE_BENCH_PROFILE=<dir>: a CPU profile of the page's main thread over the send, to
        // find what a long task there was doing.
        const profileDir = process.env.SLICE_BENCH_PROFILE;
        const cdp = profileDir ? await session.context.newCDPSession(page) : null;
        if (cdp) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
          await cdp.send('Profiler.start');
        }
        const elu0 = performance.eventLoopUtilization();
        const t0 = performance.now();
        const clickedAt = Date.now();
        await page.getByRole('button', { name: 'Send now' }).click();
        const row = await waitForFinished(page, EMAILING, total);
        const ms = performance.now() - t0;
        const elu = performance.eventLoopUtilization(elu0);
        session.context.off('requestfinished', onRequest);
        const longTasks = await session.longTasks();
        if (cdp && profileDir) {
          const { profile } = await cdp.send('Profiler.stop');
          const file = join(profileDir, `send-100k-main-${Date.now()}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          ctx.log(`main-thread profile: ${file}`);
          await cdp.detach();
        }

        const emailing = await page.evaluate(
          (name) =>
            new Promise<EmailingTimes | null>((resolve, reject) => {
              const open = indexedDB.open('slice');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const req = open.result.transaction('emailings').objectStore('emailings').getAll();
                req.onerror = () => reject(req.error);
                req.onsuccess = () => {
                  const e = (req.result as (EmailingTimes & { name: string })[]).find(
                    (r) => r.name === name
                  );
                  open.result.close();
                  resolve(
                    e ? { id: e.id, startedAt: e.startedAt, finishedAt: e.finishedAt } : null
                  );
                };
              };
            }),
          EMAILING
        );
        if (!emailing) throw new Error(`no emailing named "${EMAILING}" in the app's database`);

        const gaps = await batchGaps(page, emailing.id);
        const outbox = await readOutbox(join(dataDir, 'outbox', safeName(emailing.id)));
        if (outbox.files !== total || outbox.recipients !== total || outbox.duplicates.length)
          throw new Error(
            `the outbox holds ${outbox.files} .eml files for ${outbox.recipients} recipients, not ` +
              `${total}` +
              (outbox.duplicates.length ? `; twice: ${outbox.duplicates.join(', ')}` : '')
          );
        if (outbox.malformed.length)
          throw new Error(`messages without To: or with a merge tag left: ${outbox.malformed}`);

        const delivered = relay.events
          .all()
          .filter((e) => e.type === 'delivered')
          .map((e) => Date.parse(e.at));
        const relaySpan = delivered.length ? Math.max(...delivered) - Math.min(...delivered) : 0;
        const prepare = emailing.startedAt ? Date.parse(emailing.startedAt) - clickedAt : -1;
        const postMs = posts.reduce((a, b) => a + b, 0);
        const rate = Math.round(total / (ms / 1000));
        ctx.log(
          `${row}: ${rate} msg/s; longest main-thread task ${longTasks.longest.toFixed(0)} ms ` +
            `(${(longTasks.longestAt / 1000).toFixed(1)} s after the click); ` +
            `prepare ${prepare} ms, ${posts.length} posts ${postMs.toFixed(0)} ms, relay busy ` +
            `${elu.active.toFixed(0)} ms`
        );
        return result('send-100k', total, summarise([ms]), {
          messages: total,
          contacts: data.rows,
          messages_per_s: rate,
          longest_main_thread_task_ms: round(longTasks.longest, 1),
          long_tasks: longTasks.count,
          batch_size: Number(batchSize) || 0,
          batches: posts.length,
          prepare_ms: prepare,
          relay_post_ms: round(postMs, 0),
          relay_post_median_ms: posts.length ? round(summarise(posts).median, 1) : 0,
          relay_busy_ms: round(elu.active, 0),
          relay_span_ms: relaySpan,
          app_batch_ms: round(ms - postMs - Math.max(0, prepare), 0),
          handed_to_result_median_ms: gaps.handedToResult,
          result_to_next_median_ms: gaps.resultToNext,
          outbox_files: outbox.files
        });
      }
    } finally {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
};
