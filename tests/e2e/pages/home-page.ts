/**
 * The campaigns home, as a person sees it: the list of campaigns and the ways to start.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class HomePage {
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.list = page.getByRole('main').getByRole('list', { name: 'Campaigns' });
  }

  async open(): Promise<void> {
    await this.page.goto('./');
    await expect(this.page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  }

  /** The list item of a campaign, found by its link name. */
  campaign(name: string): Locator {
    return this.list
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async createCampaign(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New campaign' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'New campaign' });
    await dialog.getByLabel('Campaign name').fill(name);
    await dialog.getByRole('button', { name: 'Create campaign' }).click();
    await expect(this.page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }

  async renameCampaign(from: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename ${from}` }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Rename campaign' });
    await expect(dialog.getByLabel('Campaign name')).toHaveValue(from);
    await dialog.getByLabel('Campaign name').fill(to);
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(dialog).toBeHidden();
  }

  async loadDemo(): Promise<void> {
    await this.page.getByRole('button', { name: 'Load demo campaign' }).first().click();
  }

  async restoreBackup(path: string): Promise<void> {
    await this.page.getByLabel('Restore a backup').setInputFiles(path);
  }
}
