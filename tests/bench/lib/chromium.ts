/**
 * Headless Chromium for the browser benchmarks: a persistent context in a fresh profile
 * directory (never incognito, whose IndexedDB lives in memory and runs about twice as fast:
 * see BENCHMARKS.md), with a long-task observer installed before any page script runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';

export const CHROMIUM_PATH = process.env.SLICE_CHROMIUM ?? '/usr/bin/chromium';

export interface LongTasks {
  /** Duration of the longest one (0 when there was none). */
  longest: number;
  /** When the longest one started, in ms after the last reset (or page load): where to look. */
  longestAt: number;
  count: number;
}

export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  profileDir: string;
  /** Main-thread tasks over 50 ms since the page loaded or since the last reset. */
  longTasks(): Promise<LongTasks>;
  resetLongTasks(): Promise<void>;
  /** Quits the browser and starts it again on the same profile: a cold start, data kept. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    /** [start, duration] of each long task, page clock. */
    __benchLongTasks?: [number, number][];
    __benchLongTasksFrom?: number;
  }
}

async function launch(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH === 'playwright' ? undefined : CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true
  });
  await context.addInitScript(() => {
    window.__benchLongTasks = [];
    window.__benchLongTasksFrom = 0;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          window.__benchLongTasks!.push([entry.startTime, entry.duration]);
        }
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask is not observable here: longTasks() then reports none.
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

export async function openChromium(): Promise<ChromiumSession> {
  const profileDir = await mkdtemp(join(tmpdir(), 'slice-bench-profile-'));
  let current = await launch(profileDir);
  const session: ChromiumSession = {
    get context() {
      return current.context;
    },
    get page() {
      return current.page;
    },
    profileDir,
    longTasks: () =>
      current.page.evaluate(() => {
        const tasks = window.__benchLongTasks ?? [];
        let longest: [number, number] = [0, 0];
        for (const t of tasks) if (t[1] > longest[1]) longest = t;
        const from = window.__benchLongTasksFrom ?? 0;
        return {
          longest: longest[1],
          longestAt: tasks.length ? longest[0] - from : 0,
          count: tasks.length
        };
      }),
    resetLongTasks: () =>
      current.page.evaluate(() => {
        window.__benchLongTasks = [];
        window.__benchLongTasksFrom = performance.now();
      }),
    restart: async () => {
      await current.context.close();
      current = await launch(profileDir);
    },
    close: async () => {
      await current.context.close();
      await rm(profileDir, { recursive: true, force: true });
    }
  };
  return session;
}
