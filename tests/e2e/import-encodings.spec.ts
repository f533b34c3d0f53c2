/**
 * The encodings people's files come in (the fixtures shared with the unit tests): UTF-16 with
 * tabs, UTF-8 with a BOM, and Excel's Windows-1252 with a euro sign. Slice says what it
 * detected and shows every character as written.
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
