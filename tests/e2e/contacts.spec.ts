/**
 * The contacts browser beyond the basics: the empty state that leads to Import, the column
 * chooser remembered per campaign, a keyboard-only walk through the table, and a search that
 * folds text as segment rules do (ß, œ, æ).
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

test('an empty campaign leads to Import, then the chosen columns are remembered', async ({
  page
}) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);
  await home.open();
  await home.createCampaign('Columns');
  await campaign.section('Contacts');
  await expect(page.getByRole('heading', { name: 'No contacts yet — import a CSV' })).toBeVisible();
  await page.getByRole('link', { name: 'Import contacts' }).click();
  await expect(page.getByRole('heading', { name: 'Import a file' })).toBeVisible();

  await importer.chooseFile(fixture('contacts-basic.csv'));
  await importer.startImport();
  await importer.expectFinished();
  await page.getByRole('link', { name: 'See contacts' }).click();
  await contacts.expectTotal('5 contacts');
  await expect(contacts.header('city')).toBeVisible();

  const chooser = page.getByRole('button', { name: /^Columns/ });
  await chooser.click();
  await expect(chooser).toHaveAttribute('aria-expanded', 'true');
  const choices = page.getByRole('group', { name: 'Columns to show' });
  await choices.getByRole('checkbox', { name: 'city' }).uncheck();
  await choices.getByRole('checkbox', { name: 'age' }).uncheck();
  await expect(contacts.header('city')).toHaveCount(0);
  await expect(contacts.header('age')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(choices).toBeHidden();
  await expect(chooser).toBeFocused();
  await expect(chooser).toContainText('(6/8)');

  await page.reload();
  await contacts.expectTotal('5 contacts');
  await expect(contacts.header('email')).toBeVisible();
  await expect(contacts.header('city')).toHaveCount(0);

  await chooser.click();
  await page.getByRole('button', { name: 'Show all' }).click();
  await expect(contacts.header('city')).toBeVisible();
  await expect(contacts.header('age')).toBeVisible();
});

test('the table works with the keyboard alone', async ({ page }) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);
  await home.open();
  await home.createCampaign('Keyboard');
  await importer.chooseFile(fixture('contacts-basic.csv'));
  await importer.startImport();
  await importer.expectFinished();
  await page.getByRole('link', { name: 'See contacts' }).click();
  await contacts.expectTotal('5 contacts');

  // Sort by a header with the keyboard: age descending.
  const ageSort = contacts.header('age').getByRole('button');
  await ageSort.focus();
  await page.keyboard.press('Enter');
  await expect(contacts.header('age')).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press('Enter');
  await expect(contacts.header('age')).toHaveAttribute('aria-sort', 'descending');
  await expect(await contacts.cell(0, 'age')).toHaveText('52');

  await contacts.grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  // Rows by age, descending: david 52, chloe 41, alice 34, bob 28, emma 23.
  await expect(contacts.detail.getByRole('heading', { level: 2 })).toHaveText('chloe@example.com');
  await expect(contacts.attribute('age')).toHaveText('41');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await expect(contacts.detail.getByRole('heading', { level: 2 })).toHaveText('emma@example.com');

  await contacts.detail.getByRole('button', { name: 'Close contact' }).focus();
  await page.keyboard.press('Escape');
  await expect(contacts.detail).toBeHidden();
});

test('search folds text as segments do: "strasse" finds Straße, "oeuvre" finds Œuvre', async ({
  page
}) => {
  await campaignWithContacts(page, 'Ligatures', fixture('contacts-ligatures.csv'));
  await page.getByRole('link', { name: 'See contacts' }).click();
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('4 contacts');

  await contacts.search.fill('strasse');
  await contacts.expectTotal(/^1 of 4 contacts match/);
  await expect(await contacts.cell(0, 'street')).toHaveText('Hauptstraße 5');
  await expect(await contacts.cell(0, 'name')).toHaveText('Anke Weiß');

  await contacts.search.fill('OEUVRE');
  await contacts.expectTotal(/^1 of 4 contacts match/);
  await expect(await contacts.cell(0, 'street')).toHaveText("Rue de l'Œuvre 12");

  await contacts.search.fill('aeron');
  await contacts.expectTotal(/^1 of 4 contacts match/);
  await expect(await contacts.cell(0, 'name')).toHaveText('Æron Holm');

  // "weiss" finds Weiß; "stras" finds both the Straße and the Strasberg.
  await contacts.search.fill('weiss');
  await contacts.expectTotal(/^1 of 4 contacts match/);
  await contacts.search.fill('stras');
  await contacts.expectTotal(/^2 of 4 contacts match/);
  await page.screenshot({ path: 'test-results/contacts-search-fold.png' });
});
