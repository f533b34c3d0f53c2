/**
 * The encodings people's files come in (the fixtures shared with the unit tests): UTF-16 with
 * tabs, UTF-8 with a BOM, and Excel's Windows-1252 with a euro sign. Slice says what it
 * detected and shows every character as written; another encoding or delimiter chosen by hand
 * reads the preview and the columns again.
 */
import { expect, test } from '@playwright/test';
import { ContactsPage } from './pages/contacts-page';
import { sharedFixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

const CASES = [
  {
    file: 'contacts-utf16le-tab.csv',
    detected: /Detected: UTF-16 LE with BOM, Tab, 4 columns/,
    search: 'Müller',
    column: 'city',
    value: 'Köln'
  },
  {
    file: 'contacts-utf8-bom.csv',
    detected: /Detected: UTF-8 with BOM, Comma/,
    search: 'Chloé',
    column: 'email',
    value: 'chloe@example.net'
  },
  {
    file: 'contacts-fr-cp1252.csv',
    detected: /Detected: Windows-1252 .*Semicolon/,
    search: 'Élodie',
    column: 'remarque',
    value: 'prix 12 €'
  }
];

for (const c of CASES) {
  test(`${c.file} is detected and read as written`, async ({ page }) => {
    const home = new HomePage(page);
    const importer = new ImportPage(page);
    const contacts = new ContactsPage(page);
    await home.open();
    await home.createCampaign(c.file);
    await importer.chooseFile(sharedFixture(c.file));
    await expect(page.getByText(c.detected)).toBeVisible();
    await importer.startImport();
    await importer.expectFinished();
    await expect(importer.count('Rejected')).toHaveText('0');
    await page.getByRole('link', { name: 'See contacts' }).click();
    await contacts.search.fill(c.search);
    await contacts.expectTotal(new RegExp(`^1 of \\d+ contacts match`));
    await expect(await contacts.cell(0, c.column)).toHaveText(c.value);
  });
}

test('choosing another delimiter or encoding reads the preview and columns again', async ({
  page
}) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);
  await home.open();
  await home.createCampaign('Read as chosen');
  await importer.chooseFile(sharedFixture('contacts-fr-cp1252.csv'));
  const sample = page.getByRole('table', { name: 'First rows of the file' });
  const columns = sample.getByRole('columnheader');
  await expect(page.getByText(/Detected: Windows-1252 .*Semicolon.*, 11 columns/)).toBeVisible();
  await expect(columns).toHaveCount(11);
  await expect(importer.typeOf('date_naissance')).toHaveValue('date');

  // Commas: the semicolon header is one column, and '12,5' splits a row in two.
  await page.getByLabel('Delimiter').selectOption(',');
  await expect(page.getByTestId('read-as')).toHaveText(
    /Read as Windows-1252 .*, Comma .*: 1 column/
  );
  await expect(page.getByTestId('detected')).toHaveText(/Detected: Windows-1252 .*, Semicolon/);
  await expect(columns).toHaveCount(1);
  await expect(columns.first()).toHaveText(/^email;civilite;prenom;/);
  await expect(importer.mapping.getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Import 1 column' })).toBeVisible();

  // UTF-8 cannot read Excel's accents: they show as replacement characters.
  await page.getByLabel('Delimiter').selectOption(';');
  await page.getByLabel('Encoding').selectOption('utf-8');
  await expect(page.getByTestId('read-as')).toHaveText(/Read as UTF-8, Semicolon .*: 11 columns/);
  await expect(columns).toHaveCount(11);
  await expect(sample.getByRole('cell', { name: '\ufffdlodie', exact: true })).toBeVisible();

  // Back to what was detected: the note goes, and the import reads the file as shown.
  await page.getByLabel('Encoding').selectOption('windows-1252');
  await expect(page.getByTestId('read-as')).toHaveCount(0);
  await expect(sample.getByRole('cell', { name: 'Élodie', exact: true })).toBeVisible();
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Rejected')).toHaveText('0');
  await page.getByRole('link', { name: 'See contacts' }).click();
  await contacts.search.fill('Élodie');
  await contacts.expectTotal(/^1 of \d+ contacts match/);
});
