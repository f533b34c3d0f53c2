/**
 * The demo campaign: load it from the empty home and browse it — counts, search, sort by a
 * column, keyboard moves in the table, and a contact's timeline.
 */
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { HomePage } from './pages/home-page';

test('load the demo campaign and browse it', async ({ page }) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const contacts = new ContactsPage(page);
  await home.open();
  await home.loadDemo();
  await expect(contacts.grid).toBeVisible({ timeout: 45_000 });

  const counts = (await campaign.counts.innerText()).replace(/,/g, '');
  const [contactCount, eventCount] = [...counts.matchAll(/(\d+) (contact|event)/g)].map((m) =>
    Number(m[1])
  );
  expect(contactCount).toBeGreaterThan(1000);
  expect(eventCount).toBeGreaterThan(contactCount);
  await contacts.expectTotal(`${contactCount.toLocaleString('en-US')} contacts`);
  // Virtualised: only the rows in view are in the page.
  expect(await contacts.rows().count()).toBeLessThan(60);

  // Sort by the first text column, both ways.
  const headers = await contacts.grid.getByRole('columnheader').allInnerTexts();
  const column = headers[1].trim();
  await contacts.sortBy(column);
  await expect(contacts.header(column)).toHaveAttribute('aria-sort', 'ascending');
  const firstAsc = await (await contacts.cell(0, column)).innerText();
  const secondAsc = await (await contacts.cell(1, column)).innerText();
  expect(firstAsc.localeCompare(secondAsc, undefined, { sensitivity: 'base' })).toBeLessThanOrEqual(
    0
  );
  await contacts.sortBy(column);
  await expect(contacts.header(column)).toHaveAttribute('aria-sort', 'descending');
  await expect(await contacts.cell(0, column)).not.toHaveText(firstAsc);

  // Search narrows the list to contacts that contain the text.
  const needle = (await (await contacts.cell(0, column)).innerText()).trim().slice(0, 6);
  await contacts.search.fill(needle);
  await contacts.expectTotal(
    new RegExp(`of ${contactCount.toLocaleString('en-US')} contacts match`)
  );
  await expect(contacts.row(0)).toContainText(needle, { ignoreCase: true });
  await contacts.search.fill('');
  await contacts.expectTotal(`${contactCount.toLocaleString('en-US')} contacts`);

  // Keyboard: focus the table, move down twice, open with Enter.
  await contacts.grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(contacts.detail).toBeVisible();
  await expect(contacts.row(2)).toHaveAttribute('aria-selected', 'true');

  // Find a contact with events and read its timeline.
  for (let i = 0; i < 15; i++) {
    await contacts.row(i).click();
    const events = contacts.detail.getByRole('list', { name: 'Event timeline' });
    if (await events.isVisible()) break;
    await expect(contacts.detail.getByText('No events for this contact.')).toBeVisible();
  }
  const timeline = contacts.detail.getByRole('list', { name: 'Event timeline' });
  await expect(timeline).toBeVisible();
  await expect(timeline.getByRole('heading', { level: 4 }).first()).toHaveText(
    /\w+day,? \d{1,2} \w+ \d{4}/
  );
  const times = await timeline
    .getByRole('time')
    .evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThan(0);
  expect([...times].sort().reverse()).toEqual(times);

  // Escape closes the panel.
  await contacts.detail.getByRole('button', { name: 'Close contact' }).focus();
  await page.keyboard.press('Escape');
  await expect(contacts.detail).toBeHidden();
});
