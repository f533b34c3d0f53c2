/**
 * Re-importing into a campaign merges by identity with the policy the person chooses
 * (skip keeps stored values, update replaces them), and events imported afterwards show on
 * the contact's timeline, once each even when their file is imported twice.
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture } from './pages/flows';
import { ImportPage } from './pages/import-page';

async function cityOf(page: import('@playwright/test').Page, name: string): Promise<string> {
  const contacts = new ContactsPage(page);
  await contacts.search.fill(name);
  await contacts.expectTotal(`1 of 3 contacts match “${name}”`);
  return (await (await contacts.cell(0, 'city')).innerText()).trim();
}

test('re-import merges by identity: skip keeps values, update replaces them', async ({ page }) => {
  await campaignWithContacts(page, 'Merging', fixture('merge-base.csv'));
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await campaign.expectCounts(2);

  // Skip: the stored contacts stay as they are; only the new one is added.
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(fixture('merge-update.csv'));
  await expect(
    page.getByRole('group', { name: /When a contact is already in the campaign/ })
  ).toBeVisible();
  await page.getByRole('radio', { name: /^Skip/ }).check();
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Added')).toHaveText('1');
  await expect(importer.count('Skipped')).toHaveText('2');
  await expect(importer.count('Updated')).toHaveText('0');
  await campaign.expectCounts(3);
  await campaign.section('Contacts');
  expect(await cityOf(page, 'anna@')).toBe('Leeds');

  // Update: the file's values replace the stored ones.
  await campaign.section('Import');
  await importer.chooseFile(fixture('merge-update.csv'));
  await page.getByRole('radio', { name: /^Update/ }).check();
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Added')).toHaveText('0');
  await expect(importer.count('Updated')).toHaveText('3');
  await campaign.expectCounts(3);
  await campaign.section('Contacts');
  expect(await cityOf(page, 'anna@')).toBe('Manchester');
  expect(await cityOf(page, 'ben@')).toBe('Lyon');
});

test('events imported for contacts show on their timeline', async ({ page }) => {
  await campaignWithContacts(page, 'With events', fixture('merge-base.csv'));
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await page.getByRole('button', { name: 'Import another file' }).click();

  await importer.chooseFile(fixture('events.csv'), 'events');
  await expect(page.getByLabel('Contact column')).toHaveValue('email');
  await expect(page.getByLabel('Event type column')).toHaveValue('event_type');
  await expect(page.getByLabel('Target column')).toHaveValue('target');
  await expect(page.getByLabel('Date and time column')).toHaveValue('timestamp');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Events added')).toHaveText('4');
  await campaign.expectCounts(2, 4);

  await campaign.section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.search.fill('anna');
  await contacts.expectTotal(/^1 of 2 contacts match/);
  await contacts.openRow(0);
  const timeline = contacts.detail.getByRole('list', { name: 'Event timeline' });
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toContainText('3 events');
  // Newest first, one heading per day.
  const days = timeline.getByRole('heading', { level: 4 });
  await expect(days).toHaveCount(2);
  await expect(days.nth(0)).toHaveText(/2 March 2026/);
  await expect(days.nth(1)).toHaveText(/1 March 2026/);
  const items = timeline.getByRole('listitem').filter({ hasNot: page.getByRole('heading') });
  await expect(items.nth(0)).toContainText('reward won');
  await expect(items.nth(0)).toContainText('Cinema tickets');
  await expect(items.nth(1)).toContainText('participation');
  await expect(items.nth(2)).toContainText('page view');
  await expect(items.nth(2)).toContainText('/prizes');

  // The same file again: every event is already there, so none is stored twice.
  await campaign.section('Import');
  await importer.chooseFile(fixture('events.csv'), 'events');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Events added')).toHaveText('0');
  await expect(importer.count('Rejected')).toHaveText('0');
  await expect(importer.count('Already imported')).toHaveText('4');
  await expect(page.getByText(/^4 already imported:/)).toBeVisible();
  await campaign.expectCounts(2, 4);
  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  await expect(history.getByRole('row').filter({ hasText: 'events.csv' })).toHaveCount(2);
  await campaign.section('Contacts');
  await contacts.search.fill('anna');
  await contacts.openRow(0);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toContainText('3 events');
});
