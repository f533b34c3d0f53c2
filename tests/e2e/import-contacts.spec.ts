/**
 * Importing contacts as a person does: choose a real file, read what Slice detected, check
 * the mapping, import, and see the values in the table. Bad rows are reported with their
 * lines; files that cannot be imported say why and leave the campaign unchanged.
 */
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture, writeLargeCsv } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

test.describe('in a French browser', () => {
  test.use({ locale: 'fr-FR' });

  test('a semicolon Windows-1252 file with French dates and decimal commas', async ({ page }) => {
    const home = new HomePage(page);
    const importer = new ImportPage(page);
    await home.open();
    await home.createCampaign('Concours de printemps');
    await importer.chooseFile(fixture('contacts-fr-1252.csv'));

    await expect(page.getByText(/Detected: Windows-1252.*Semicolon/)).toBeVisible();
    await expect(page.getByLabel('Encoding')).toHaveValue('windows-1252');
    await expect(page.getByLabel('Delimiter')).toHaveValue(';');
    const firstRows = page.getByRole('table', { name: 'First rows of the file' });
    await expect(firstRows).toContainText('Besançon');
    await expect(firstRows).toContainText('Crème brûlée');

    await expect(importer.typeOf('E-mail')).toHaveValue('email');
    await expect(importer.typeOf('Prénom')).toHaveValue('text');
    await expect(importer.typeOf('Date de naissance')).toHaveValue('date');
    await expect(page.getByLabel('Date order of column Date de naissance')).toHaveValue('dmy');
    await expect(importer.typeOf('Montant')).toHaveValue('number');
    await expect(page.getByLabel('Decimal mark of column Montant')).toHaveValue(',');
    await expect(importer.typeOf('Abonné')).toHaveValue('boolean');
    await expect(page.getByLabel('Identity column')).toHaveValue('E-mail');

    // A type the samples do not fit is flagged before anything is imported; putting it back clears it.
    await importer.typeOf('Ville').selectOption('number');
    await expect(page.getByRole('note')).toContainText('do not read as Number');
    await importer.typeOf('Ville').selectOption('text');
    await expect(page.getByRole('note')).toHaveCount(0);

    await importer.startImport();
    await importer.expectFinished();
    await expect(importer.count('Added')).toHaveText('6');
    await expect(importer.count('Rejected')).toHaveText('0');

    await page.getByRole('link', { name: 'See contacts' }).click();
    const contacts = new ContactsPage(page);
    await contacts.expectTotal('6 contacts');
    await contacts.search.fill('Zoé');
    await contacts.expectTotal(/^1 of 6 contacts match/);
    await expect(await contacts.cell(0, 'Prénom')).toHaveText('Zoé');
    await expect(await contacts.cell(0, 'Ville')).toHaveText('Besançon');
    await expect(await contacts.cell(0, 'Date de naissance')).toHaveText('12/03/1988');
    await expect(await contacts.cell(0, 'Montant')).toHaveText('1234.5');
    await expect(await contacts.cell(0, 'Abonné')).toHaveText('yes');

    await contacts.openRow(0);
    await expect(contacts.detail.getByRole('heading', { level: 2 })).toHaveText(
      'zoe.lefevre@exemple.fr'
    );
    await expect(contacts.attribute('Nom')).toHaveText('Lefèvre');
    await expect(contacts.attribute('Note')).toHaveText("Château d'Eau");
    await expect(contacts.attribute('Montant')).toHaveText('1234.5');
  });
});

test('quoted fields with newlines keep their lines', async ({ page }) => {
  await campaignWithContacts(page, 'Addresses', fixture('quoted-newlines.csv'));
  const importer = new ImportPage(page);
  await expect(importer.count('Added')).toHaveText('3');
  await page.getByRole('link', { name: 'See contacts' }).click();
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('3 contacts');
  await contacts.openRow(0);
  await expect(contacts.attribute('address')).toHaveText('12 Main Street\nFlat 3\nLeeds');
  await expect(contacts.attribute('comment')).toHaveText('said "hello", then left');
});

/** What bad-rows.csv's rejected rows say: line, column, reason. */
const BAD_ROWS: [number, string, string][] = [
  [3, 'email', "invalid email 'not-an-email' in column email"],
  [5, '—', 'expected 3 fields, found 4'],
  [6, 'email', "duplicate identity 'good1@example.com', first seen on line 2"],
  [7, 'email', 'empty identity in column email']
];

test('bad rows are rejected with their line and reason, listed and in a downloadable report', async ({
  page
}, testInfo) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await home.open();
  await home.createCampaign('Bad rows');
  await importer.chooseFile(fixture('bad-rows.csv'));
  // One cell is not an email, so Slice proposes Text; the person says it is an email column.
  await expect(importer.typeOf('email')).toHaveValue('text');
  await importer.typeOf('email').selectOption('email');
  await expect(page.getByRole('note')).toContainText('“not-an-email”');
  await page.getByLabel('Identity column').selectOption('email');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Added')).toHaveText('3');
  await expect(importer.count('Rejected')).toHaveText('4');
  await campaign.expectCounts(3);

  // The rejected rows are listed right there, each with its line, column and reason.
  const rejected = importer.rejectedRows('bad-rows.csv');
  await importer.expectRejected(rejected, BAD_ROWS);
  await expect(page.getByTestId('rejected-shown')).toHaveText('Showing 4 of 4');
  await expect(page.getByRole('button', { name: /^Show \d+ more$/ })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('rejected-rows.png'), fullPage: true });

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('bad-rows-rejected-rows.csv');
  const report = await readFile(await download.path(), 'utf8');
  const lines = report.trim().split(/\r?\n/);
  expect(lines).toHaveLength(5);
  expect(report).toMatch(/^line,/);
  expect(report).toMatch(/\n3,.*invalid email/);
  expect(report).toMatch(/\n5,.*(column|cells|fields)/i);
  expect(report).toMatch(/\n6,.*duplicate/);
  expect(report).toMatch(/\n7,.*empty identity/);

  // The history keeps the report too.
  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  await expect(history).toContainText('bad-rows.csv');
  await expect(history.getByRole('button', { name: 'Download rejected rows (CSV)' })).toBeVisible();
  const show = history.getByRole('button', { name: 'Show rejected rows' });
  await expect(show).toHaveAttribute('aria-expanded', 'false');
  await expect(importer.rejectedRows('bad-rows.csv')).toHaveCount(0);
  await show.focus();
  await page.keyboard.press('Enter');
  const hide = history.getByRole('button', { name: 'Hide rejected rows' });
  await expect(hide).toHaveAttribute('aria-expanded', 'true');
  await importer.expectRejected(importer.rejectedRows('bad-rows.csv', history), BAD_ROWS);
  await hide.click();
  await expect(importer.rejectedRows('bad-rows.csv')).toHaveCount(0);
});

test('many rejected rows are shown 20 at a time, with the total', async ({ page }, testInfo) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  const path = testInfo.outputPath('many-bad.csv');
  // 45 bad emails on lines 2-46 after one good row that makes the column an email column.
  await writeLargeCsv(path, 'email,name', 46, (i) =>
    i === 45 ? 'ok@example.com,OK' : `bad-${i},N${i}`
  );
  await home.open();
  await home.createCampaign('Many bad rows');
  await importer.chooseFile(path);
  await importer.typeOf('email').selectOption('email');
  await page.getByLabel('Identity column').selectOption('email');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Rejected')).toHaveText('45');

  const rejected = importer.rejectedRows('many-bad.csv');
  const body = rejected.locator('tbody tr');
  const shown = page.getByTestId('rejected-shown');
  await expect(body).toHaveCount(20);
  await expect(shown).toHaveText('Showing 20 of 45');
  await expect(body.first().getByRole('cell')).toHaveText([
    '2',
    'email',
    "invalid email 'bad-0' in column email"
  ]);
  // Keyboard: the button is reachable and works with Enter.
  const more = page.getByRole('button', { name: 'Show 20 more' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(body).toHaveCount(40);
  await expect(shown).toHaveText('Showing 40 of 45');
  await expect(body.nth(39).getByRole('cell').first()).toHaveText('41');
  await page.getByRole('button', { name: 'Show 5 more' }).click();
  await expect(body).toHaveCount(45);
  await expect(shown).toHaveText('Showing 45 of 45');
  await expect(body.last().getByRole('cell')).toHaveText([
    '46',
    'email',
    "invalid email 'bad-44' in column email"
  ]);
  await expect(page.getByRole('button', { name: /^Show \d+ more$/ })).toHaveCount(0);
  // With the button gone, the keyboard stays in the list.
  await expect(page.getByRole('region', { name: 'Rejected rows of many-bad.csv' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Download rejected rows (CSV)' })).toBeVisible();
  await campaign.expectCounts(1);
});

const BAD_FILES: [file: string, message: RegExp][] = [
  ['empty.csv', /is empty/i],
  ['header-only.csv', /header but no rows/i],
  ['binary.csv', /binary data/i],
  ['duplicate-header.csv', /duplicate column name 'name'/i],
  ['empty-header.csv', /column 2 has no name/i],
  ['unterminated-quote.csv', /quote/i]
];

test('files that cannot be imported say why and change nothing', async ({ page }) => {
  await campaignWithContacts(page, 'Unchanged', fixture('contacts-basic.csv'));
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await campaign.expectCounts(5, 0);
  await page.getByRole('button', { name: 'Import another file' }).click();

  for (const [file, message] of BAD_FILES) {
    await importer.chooseFile(fixture(file));
    const problem = importer.fileProblem();
    await expect(problem).toContainText(`${file} cannot be imported`);
    await expect(problem).toContainText(message);
    await expect(problem).toContainText('the campaign is unchanged');
    await expect(importer.mapping).toHaveCount(0);
    await campaign.expectCounts(5, 0);
  }

  await campaign.section('History');
  await expect(
    page.getByRole('table', { name: /Imports of this campaign/ }).getByRole('row')
  ).toHaveCount(2);
  await campaign.section('Contacts');
  await new ContactsPage(page).expectTotal('5 contacts');
});
