/**
 * A campaign's time zone wins over the browser's: a French user in a New York browser creates a
 * Europe/Paris campaign, imports files of local times, sees them as French dates in Paris time,
 * then changes the zone in the settings.
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { fixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

test.use({ locale: 'fr-FR', timezoneId: 'America/New_York' });

test('local times are read and shown in the campaign zone, changeable in settings', async ({
  page
}) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);
  await home.open();

  await page.getByRole('button', { name: 'New campaign' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await dialog.getByLabel('Campaign name').fill('Rentrée');
  const zone = dialog.getByLabel('Time zone');
  // The browser's zone is the default.
  await expect(zone).toHaveValue('America/New_York');
  await zone.selectOption('Europe/Paris');
  await dialog.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { name: 'Rentrée', level: 1 })).toBeVisible();

  await importer.chooseFile(fixture('contacts-local-times.csv'));
  await expect(importer.mapping).toBeVisible();
  await expect(
    page.getByText("Times without a zone are read as Europe/Paris time (the campaign's time zone)")
  ).toBeVisible();
  await expect(page.getByLabel('Read times without a zone as')).toHaveValue('Europe/Paris');
  await importer.startImport();
  await importer.expectFinished();
  await page.screenshot({ path: 'test-results/time-zone-import.png', fullPage: true });

  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(fixture('events-local-times.csv'), 'events');
  await expect(page.getByText('Times without a zone are read as Europe/Paris time')).toBeVisible();
  await page.screenshot({ path: 'test-results/time-zone-mapping.png', fullPage: true });
  await importer.startImport();
  await importer.expectFinished();

  await campaign.section('Contacts');
  await expect(contacts.rows()).toHaveCount(2);
  // Ann: born 15 September 2004 (a calendar day); last seen 00:30 Paris time, not New York's.
  await expect(await contacts.cell(0, 'born')).toHaveText('15/09/2004');
  await expect(await contacts.cell(0, 'last_seen')).toHaveText('30/09/2026 00:30');
  await expect(await contacts.cell(1, 'last_seen')).toHaveText('29/09/2026 23:30');
  // Sorting is on the instants, not on the text shown.
  await contacts.sortBy('last_seen');
  await expect(await contacts.cell(0, 'name')).toHaveText('Bob');
  await expect(await contacts.cell(1, 'name')).toHaveText('Ann');

  await contacts.openRow(1);
  await expect(contacts.attribute('born')).toHaveText('15/09/2004');
  await expect(contacts.attribute('last_seen')).toHaveText('30/09/2026 00:30');
  const timeline = contacts.detail.getByRole('list', { name: 'Event timeline' });
  await expect(timeline.getByRole('heading', { name: 'mercredi 30 septembre 2026' })).toBeVisible();
  await expect(timeline.locator('time')).toHaveText('00:30');
  await page.screenshot({ path: 'test-results/time-zone-contact.png', fullPage: true });

  await campaign.section('Settings & backup');
  const setting = page.getByLabel('Campaign time zone');
  await expect(setting).toHaveValue('Europe/Paris');
  await setting.selectOption('America/New_York');
  await page.getByRole('button', { name: 'Change time zone' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'time zone is now' })).toHaveText(
    "The campaign's time zone is now America/New_York."
  );
  await page.screenshot({ path: 'test-results/time-zone-settings.png', fullPage: true });

  await campaign.section('Contacts');
  // The same instants, now shown in New York time; calendar days do not move.
  await expect(contacts.rows()).toHaveCount(2);
  const ann = contacts.rows().filter({ hasText: 'Ann' });
  await expect(ann).toContainText('29/09/2026 18:30');
  await expect(ann).toContainText('15/09/2004');
  await page.reload();
  await campaign.section('Settings & backup');
  await expect(page.getByLabel('Campaign time zone')).toHaveValue('America/New_York');
});
