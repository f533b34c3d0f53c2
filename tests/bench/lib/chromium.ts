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

export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  profileDir: string;
  /** Longest main-thread task (ms) since the page loaded or since the last reset. */
  longestTask(): Promise<number>;
  resetLongTasks(): Promise<void>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __benchLongTasks?: number[];
  }
}

export async function openChromium(): Promise<ChromiumSession> {
  const profileDir = await mkdtemp(join(tmpdir(), 'slice-bench-profile-'));
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
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__benchLongTasks!.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask is not observable here: longestTask() then reports 0.
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    profileDir,
    longestTask: () => page.evaluate(() => Math.max(0, ...(window.__benchLongTasks ?? []))),
    resetLongTasks: () =>
      page.evaluate(() => {
        window.__benchLongTasks = [];
      }),
    close: async () => {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    }
  };
}
