/**
 * A 1,000,000-row file cancelled half-way: Cancel stops the import well after a large part of
 * the file was read, and none of its rows reach the campaign, the count, History or search.
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture, writeLargeCsv } from './pages/flows';
import { ImportPage } from './pages/import-page';

const ROWS = 1_000_000;
const CITIES = ['Brussels', 'Paris', 'Lyon', 'Ghent', 'Liège', 'Namur', 'Lille', 'Antwerp'];
const email = (i: number) => `bulk${String(i).padStart(7, '0')}@million.example.com`;

test('a 1,000,000-row file cancelled half-way leaves the campaign unchanged', async ({
  page
}, testInfo) => {
  test.setTimeout(180_000);
  const path = testInfo.outputPath('million.csv');
  // About 70 MB: five columns, the identity (email) first as in the campaign's own file.
  await writeLargeCsv(
    path,
    'email,first_name,city,score,joined',
    ROWS,
    (i) =>
      `${email(i)},Person${i},${CITIES[i % CITIES.length]},${(i % 1000) / 10},` +
      `20${10 + (i % 15)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`
  );

  await campaignWithContacts(page, 'Million', fixture('contacts-basic.csv'));
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  await campaign.expectCounts(5);
  await page.getByRole('button', { name: 'Import another file' }).click();

  await importer.chooseFile(path);
  await expect(importer.mapping).toBeVisible();
  await importer.startImport();

  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toBeVisible();
  // Wait, frame by frame, until at least 40% of the bytes are read, then press Cancel.
  const reached = await page.waitForFunction(
    () => {
      const now = document
        .querySelector('[role="progressbar"][aria-label="Import progress"]')
        ?.getAttribute('aria-valuenow');
      return now != null && Number(now) >= 40 ? Number(now) : false;
    },
    undefined,
    { polling: 'raf', timeout: 120_000 }
  );
  const percent = (await reached.jsonValue()) as number;
  await page.getByRole('button', { name: 'Cancel import' }).click();
  expect(percent).toBeGreaterThanOrEqual(40);

  await expect(page.getByText('Import cancelled', { exact: true })).toBeVisible({
    timeout: 60_000
  });
  await expect(importer.result).toContainText('million.csv');
  await expect(importer.result).toContainText('the campaign is unchanged');
  await expect(page.getByText('Import finished', { exact: true })).toHaveCount(0);
  await campaign.expectCounts(5);

  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  const cancelled = history.getByRole('row').filter({ hasText: 'million.csv' });
  await expect(cancelled).toHaveCount(1);
  await expect(cancelled).toContainText('Cancelled');
  await expect(cancelled).toContainText('Import cancelled; the campaign is unchanged.');

  await campaign.section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('5 contacts');
  // A row from early in the file (certainly read before Cancel) is not in the campaign.
  await contacts.search.fill(email(1234));
  await contacts.expectTotal(/^0 of 5 contacts match/);
  await expect(page.getByText(/No contact matches/)).toBeVisible();
  await contacts.search.fill('million.example.com');
  await contacts.expectTotal(/^0 of 5 contacts match/);

  // Still so after a fresh start (nothing half-written waits in storage).
  await page.reload();
  await campaign.expectCounts(5);
});
