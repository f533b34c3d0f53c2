/**
 * Campaigns home: create, rename and delete (with a confirmation naming the campaign and its
 * contacts), and deep links that survive a reload under the sub-path the app is hosted at.
 */
import { expect, test } from '@playwright/test';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture } from './pages/flows';
import { HomePage } from './pages/home-page';

test('the empty home says how to start', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load demo campaign' })).toBeVisible();
  await expect(page.getByLabel('Restore a backup')).toBeAttached();
});

test('create, rename and delete a campaign', async ({ page }) => {
  const { home } = await campaignWithContacts(
    page,
    'Spring contest',
    fixture('contacts-basic.csv')
  );
  await home.open();
  await expect(home.campaign('Spring contest')).toContainText('5 contacts');
  await expect(home.campaign('Spring contest')).toContainText('0 events');

  await home.renameCampaign('Spring contest', 'Summer contest');
  await expect(home.campaign('Summer contest')).toBeVisible();
  await expect(home.campaign('Spring contest')).toHaveCount(0);

  // The confirmation names the campaign and what goes with it; Escape keeps the campaign.
  await page.getByRole('button', { name: 'Delete Summer contest' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete campaign?' });
  await expect(dialog).toContainText('Summer contest');
  await expect(dialog).toContainText('5 contacts');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Delete Summer contest' })).toBeFocused();
  await expect(home.campaign('Summer contest')).toBeVisible();

  await page.getByRole('button', { name: 'Delete Summer contest' }).click();
  await dialog.getByRole('button', { name: 'Delete campaign' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();
});

test('an empty name is refused with a message', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  await page.getByRole('button', { name: 'New campaign' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await expect(dialog.getByLabel('Campaign name')).toBeFocused();
  await dialog.getByRole('button', { name: 'Create campaign' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Give the campaign a name.');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('deep links work after a reload under the sub-path', async ({ page }) => {
  await campaignWithContacts(page, 'Deep links', fixture('contacts-basic.csv'));
  await page.getByRole('link', { name: 'See contacts' }).click();
  const contacts = new ContactsPage(page);
  await contacts.openRow(0);
  const url = page.url();
  expect(url).toMatch(/\/slice\/app\/#\/campaigns\/[^/]+\/contacts\/\d+$/);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Deep links', level: 1 })).toBeVisible();
  await expect(contacts.detail).toBeVisible();
  await expect(contacts.detail.getByRole('heading', { level: 2 })).toHaveText('alice@example.com');

  // Every section link stays inside the app's folder.
  for (const section of ['History', 'Settings & backup', 'Import', 'Contacts']) {
    await page
      .getByRole('navigation', { name: 'Campaign sections' })
      .getByRole('link', { name: section })
      .click();
    expect(new URL(page.url()).pathname).toBe('/slice/app/');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Deep links', level: 1 })).toBeVisible();
  }
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'All campaigns' })
    .click();
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/slice/app/');
});
