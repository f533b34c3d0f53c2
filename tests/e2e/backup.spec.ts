/**
 * Backup: export a campaign to one file, restore it from the campaigns home as a new
 * campaign, and find the same counts and values.
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture } from './pages/flows';
import { ImportPage } from './pages/import-page';

test('export a backup and restore it as a new campaign', async ({ page }) => {
  const { home } = await campaignWithContacts(page, 'Backed up', fixture('merge-base.csv'));
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(fixture('events.csv'), 'events');
  await importer.startImport();
  await importer.expectFinished();
  await campaign.expectCounts(2, 4);

  await campaign.section('Settings & backup');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export backup' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^slice-backed-up-\d{4}-\d{2}-\d{2}\.slice$/);
  const path = testPath(await download.path());
  await expect(page.getByRole('status').filter({ hasText: 'Saved slice-backed-up' })).toBeVisible();

  // Delete the original, then restore the file.
  await home.open();
  await page.getByRole('button', { name: 'Delete Backed up' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete campaign' }).click();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();

  await home.restoreBackup(path);
  await expect(page.getByRole('heading', { name: /^Backed up/, level: 1 })).toBeVisible();
  await campaign.expectCounts(2, 4);
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('2 contacts');
  await contacts.search.fill('anna');
  await contacts.expectTotal(/^1 of 2 contacts match/);
  await expect(await contacts.cell(0, 'city')).toHaveText('Leeds');
  await contacts.openRow(0);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toContainText('3 events');
  await expect(contacts.detail).toContainText('Cinema tickets');

  await home.open();
  await expect(home.campaign('Backed up')).toContainText('2 contacts');
  await expect(home.campaign('Backed up')).toContainText('4 events');
});

function testPath(path: string | null): string {
  if (!path) throw new Error('the backup was not downloaded');
  return path;
}
