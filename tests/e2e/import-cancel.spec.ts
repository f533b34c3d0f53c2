/**
 * Cancelling a large import: the progress bar moves, Cancel stops it, and the campaign keeps
 * exactly the contacts it had before (no partial rows).
 */
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture } from './pages/flows';
import { ImportPage } from './pages/import-page';

const ROWS = 200_000;

// Long free-text cells make the file big enough (about 60 MB) that reading it takes a few
// seconds, leaving a person (and this test) time to press Cancel.
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit; '.repeat(4);

function bigCsv(): string {
  const cities = ['Brussels', 'Paris', 'Lyon', 'Ghent', 'Liège', 'Namur', 'Lille', 'Antwerp'];
  const lines = ['email,first_name,last_name,city,age,score,subscribed,signup_date,notes'];
  for (let i = 0; i < ROWS; i++) {
    lines.push(
      `person${i}@example.com,First${i},Last${i % 977},${cities[i % cities.length]},${18 + (i % 60)},` +
        `${(i % 1000) / 10},${i % 2 ? 'yes' : 'no'},2025-${String((i % 12) + 1).padStart(2, '0')}-` +
        `${String((i % 28) + 1).padStart(2, '0')},"Row ${i}: ${FILLER}"`
    );
  }
  return lines.join('\n') + '\n';
}

test('cancelling a large import leaves the campaign unchanged', async ({ page }, testInfo) => {
  const path = testInfo.outputPath('big-contacts.csv');
  await writeFile(path, bigCsv());

  await campaignWithContacts(page, 'Large file', fixture('contacts-basic.csv'));
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await campaign.expectCounts(5);
  await page.getByRole('button', { name: 'Import another file' }).click();

  await importer.chooseFile(path);
  await expect(importer.mapping).toBeVisible();
  await expect(page.getByRole('radio', { name: /^Update/ })).toBeChecked();
  await importer.startImport();

  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toBeVisible();
  // Cancel as soon as the bar has moved.
  await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screens/07b-import-progress.png' });
  await page.getByRole('button', { name: 'Cancel import' }).click();

  await expect(page.getByText('Import cancelled', { exact: true })).toBeVisible({
    timeout: 30_000
  });
  await expect(page.getByText(/the campaign is unchanged/)).toBeVisible();
  await campaign.expectCounts(5);

  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  await expect(history.getByRole('row').nth(1)).toContainText('big-contacts.csv');
  await expect(history.getByRole('row').nth(1)).toContainText('Cancelled');

  await campaign.section('Contacts');
  await new ContactsPage(page).expectTotal('5 contacts');
  await page.reload();
  await campaign.expectCounts(5);
});
