/**
 * Screenshots of every main screen into test-results/screens/, for people to look at when
 * judging the interface. Each test still checks what it shows.
 */
import { expect, test, type Page } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { fixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

test.use({ viewport: { width: 1440, height: 900 } });

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  // Let transitions and pending pages settle so the picture shows the resting state.
  await page.waitForTimeout(250);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage });
}

test('screens of the main flows', async ({ page }) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);

  await home.open();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();
  await shoot(page, '01-home-empty');

  await home.loadDemo();
  await expect(contacts.grid).toBeVisible({ timeout: 45_000 });
  await expect(contacts.row(0).getByRole('gridcell').nth(1)).not.toBeEmpty();
  await shoot(page, '02-contacts');

  await contacts.openRow(3);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toBeVisible();
  await shoot(page, '03-contact-detail');

  await page.getByRole('button', { name: /^Columns/ }).click();
  await expect(page.getByRole('group', { name: 'Columns to show' })).toBeVisible();
  await shoot(page, '04-columns-chooser');
  await page.keyboard.press('Escape');

  await home.open();
  await home.createCampaign('Concours de printemps');
  await expect(page.getByRole('heading', { name: 'Import a file' })).toBeVisible();
  await shoot(page, '05-import-choose');

  await importer.chooseFile(fixture('contacts-fr-1252.csv'));
  await expect(importer.mapping).toBeVisible();
  await importer.typeOf('Ville').selectOption('number');
  await shoot(page, '06-import-mapping', true);
  await importer.typeOf('Ville').selectOption('text');
  await importer.startImport();
  await importer.expectFinished();
  await shoot(page, '07-import-result');

  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(fixture('events.csv'), 'events');
  await expect(page.getByLabel('Contact column')).toHaveValue('email');
  await shoot(page, '07c-import-events-mapping', true);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  await importer.chooseFile(fixture('unterminated-quote.csv'));
  await expect(importer.fileProblem()).toBeVisible();
  await shoot(page, '08-import-file-problem');

  await home.open();
  await home.createCampaign('Club members');
  await importer.chooseFile(fixture('bad-rows.csv'));
  await importer.typeOf('email').selectOption('email');
  await page.getByLabel('Identity column').selectOption('email');
  await importer.startImport();
  await importer.expectFinished();
  await shoot(page, '09-import-rejected');

  await campaign.section('History');
  await expect(page.getByRole('table', { name: /Imports of this campaign/ })).toBeVisible();
  await shoot(page, '10-history');

  await campaign.section('Settings & backup');
  await expect(page.getByRole('heading', { name: 'Storage in this browser' })).toBeVisible();
  await expect(page.getByText(/used of/)).toBeVisible();
  await shoot(page, '11-settings');

  await home.open();
  await page.getByRole('button', { name: 'Delete Club members' }).click();
  await expect(page.getByRole('dialog', { name: 'Delete campaign?' })).toBeVisible();
  await shoot(page, '12-delete-dialog');
  await page.keyboard.press('Escape');
  await shoot(page, '13-home');
});
