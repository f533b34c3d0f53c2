import type { Page } from '@playwright/test';

/**
 * A whole-page picture as a person sees the page from its top: scrolled up and nothing
 * focused. Otherwise the sticky sidebar is drawn where the window was last scrolled to, and a
 * focused skip link shows over it.
 */
export async function screenshotFromTop(page: Page, path: string): Promise<void> {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    (document.activeElement as HTMLElement | null)?.blur();
  });
  await page.screenshot({ path, fullPage: true });
}
