/**
 * An open campaign: its header (name, counts) and its sections (Contacts, Import, History,
 * Settings & backup), reached through the section links as a person would.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export type Section = 'Contacts' | 'Segments' | 'Import' | 'History' | 'Settings & backup';

export class CampaignPage {
  readonly heading: Locator;
  readonly counts: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.counts = page
      .getByRole('main')
      .locator('header')
      .getByText(/\bcontacts?\b.*\bevents?\b/);
  }

  async section(name: Section): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Campaign sections' })
      .getByRole('link', { name })
      .click();
  }

  /** Expects the header to say this many contacts (and events, if given). */
  async expectCounts(contacts: number, events?: number): Promise<void> {
    const fmt = (n: number) => n.toLocaleString('en-US');
    await expect(this.counts).toContainText(`${fmt(contacts)} contact`);
    if (events !== undefined) await expect(this.counts).toContainText(`${fmt(events)} event`);
  }
}
