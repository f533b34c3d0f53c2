/**
 * Shared steps of the Chromium benchmarks: a fresh persistent profile per benchmark, the
 * built app, and campaigns filled through the Import screen (untimed setup, or timed).
 */
import { openChromium, type ChromiumSession } from './chromium';
import {
  createCampaign,
  importFile,
  lastImportPhases,
  phaseFields,
  type ImportTiming
} from './slice-app';
import { round, summarise, type Timings } from './timing';
import type { BenchContext } from './types';

/** Runs `body` with a fresh Chromium profile, closed afterwards whatever happens. */
export async function withChromium<T>(
  ctx: BenchContext,
  body: (session: ChromiumSession, baseUrl: string) => Promise<T>
): Promise<T> {
  const app = await ctx.app();
  const session = await openChromium();
  try {
    await proveLongTaskObserver(session, app.url);
    return await body(session, app.url);
  } finally {
    await session.close();
  }
}

/** The task planted to prove the long-task observer works (BENCHMARKS.md). */
const PLANTED_TASK_MS = 120;

/**
 * A "longest main-thread task" of 0 ms is believable only if the observer sees a task it must
 * see: plant a 120 ms one on the app's page and fail the benchmark unless it is reported.
 */
export async function proveLongTaskObserver(session: ChromiumSession, baseUrl: string) {
  await session.page.goto(baseUrl);
  await session.resetLongTasks();
  await session.page.evaluate(
    (ms) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          const end = performance.now() + ms;
          while (performance.now() < end) {
            // Busy on purpose: this is the planted long task.
          }
          setTimeout(resolve, 50);
        }, 0)
      ),
    PLANTED_TASK_MS
  );
  await session.page.waitForTimeout(100);
  const seen = await session.longTasks();
  if (seen.longest < PLANTED_TASK_MS - 5)
    throw new Error(
      `the long-task observer did not report the planted ${PLANTED_TASK_MS} ms task ` +
        `(longest seen: ${seen.longest} ms): main-thread figures would be meaningless`
    );
  await session.resetLongTasks();
}

export interface FilledCampaign {
  id: string;
  name: string;
  contacts: ImportTiming;
  events: ImportTiming | null;
}

/** Creates a campaign and imports this run's contacts (and events) through the UI. */
export async function fillCampaign(
  ctx: BenchContext,
  session: ChromiumSession,
  baseUrl: string,
  { events }: { events: boolean }
): Promise<FilledCampaign> {
  const data = await ctx.data();
  const name = `Bench ${data.size}`;
  const id = await createCampaign(session.page, baseUrl, name);
  const contacts = await importFile(session.page, 'contacts', data.contactsPath);
  ctx.log(`setup: contacts imported in ${(contacts.totalMs / 1000).toFixed(1)} s`);
  let eventTiming: ImportTiming | null = null;
  if (events) {
    await session.page.getByRole('button', { name: 'Import another file' }).click();
    eventTiming = await importFile(session.page, 'events', data.eventsPath);
    ctx.log(`setup: events imported in ${(eventTiming.totalMs / 1000).toFixed(1)} s`);
  }
  return { id, name, contacts, events: eventTiming };
}

/** One timed import, with what the page did meanwhile and where the import spent its time. */
export interface ImportRun extends ImportTiming {
  longest: number;
  longestAt: number;
  longTasks: number;
  phases: Record<string, number>;
}

/**
 * Imports `path` `runs` times, each in a fresh browser profile after `prepare` (untimed: a
 * campaign to import into); returns each run and the timings of file chosen → committed.
 */
export async function timeImports(
  ctx: BenchContext,
  kind: 'contacts' | 'events',
  path: string,
  prepare: (session: ChromiumSession, baseUrl: string) => Promise<void>,
  runs = 3
): Promise<{ runs: ImportRun[]; timings: Timings }> {
  const out: ImportRun[] = [];
  for (let i = 0; i < runs; i++) {
    out.push(
      await withChromium(ctx, async (session, baseUrl) => {
        await prepare(session, baseUrl);
        await session.resetLongTasks();
        const timing = await importFile(session.page, kind, path);
        const long = await session.longTasks();
        ctx.log(`run ${i + 1}: ${timing.summary}`);
        return {
          ...timing,
          longest: long.longest,
          longestAt: long.longestAt,
          longTasks: long.count,
          phases: await lastImportPhases(session.page)
        };
      })
    );
  }
  return { runs: out, timings: summarise(out.map((r) => r.totalMs)) };
}

/** The figures every import benchmark reports beside its median, for `rows` rows. */
export function importFields(
  runs: ImportRun[],
  timings: Timings,
  rows: number
): Record<string, number> {
  const worst = runs.reduce((a, b) => (b.longest > a.longest ? b : a));
  return {
    import_ms: round(summarise(runs.map((r) => r.importMs)).median, 0),
    rows_per_s: Math.round(rows / (timings.median / 1000)),
    longest_main_thread_task_ms: round(worst.longest, 0),
    longest_task_at_ms: round(worst.longestAt, 0),
    long_tasks: Math.max(...runs.map((r) => r.longTasks)),
    rejected: runs[0].rejected,
    ...phaseFields(runs.map((r) => r.phases))
  };
}
