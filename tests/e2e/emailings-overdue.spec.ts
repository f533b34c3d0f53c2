/**
 * An emailing that came due while the app was closed, with "ask before sending an overdue
 * emailing" on: it shows as overdue, nothing is sent until the user confirms in a dialog
 * (driven here with the keyboard alone), then it goes through the reference relay to a real
 * SMTP server, one message per recipient.
 */
import { expect, test } from '@playwright/test';
import { campaignWithContacts } from './pages/flows';
import {
  compose,
  configureRelay,
  contactsFile,
  receivedAddresses,
  startRealRelay,
  type RealRelay
} from './pages/real-relay';

let real: RealRelay | null = null;
test.afterEach(async () => real?.close());

test('an overdue emailing waits for confirmation in a dialog, then sends once', async ({
  page,
  baseURL
}) => {
  real = await startRealRelay({
    relayPort: 9031,
    smtpPort: 9032,
    origin: new URL(baseURL!).origin
  });
  await campaignWithContacts(page, 'Overdue', contactsFile(3));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, real.url, { confirmOverdue: true });
  const listUrl = page.url();
  await compose(page, 'Came due');
  // Due two days ago (in any time zone): as if the app had been closed since before then.
  const past = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 16);
  await page.getByLabel(/^Send at/).fill(past);
  await page.getByRole('button', { name: 'Schedule' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Came due' });
  await expect(row.getByText('Overdue')).toBeVisible();
  await page.close();

  // The app starts again: it asks before sending, and sends nothing meanwhile.
  expect(real.sink.received).toHaveLength(0);
  const tab = await page.context().newPage();
  await tab.goto(listUrl);
  const dialog = tab.getByRole('dialog', { name: 'An emailing came due while the app was closed' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Came due');
  await expect(dialog.getByRole('button', { name: 'Not now' })).toBeFocused();
  await tab.screenshot({ path: 'test-results/screens/emailings-08-overdue.png' });
  const listed = tab.getByRole('row').filter({ hasText: 'Came due' });
  await expect(listed.getByText('Overdue')).toBeVisible();
  await expect(listed.getByText('Scheduled')).toBeVisible();
  await tab.waitForTimeout(2500);
  expect(real.sink.received).toHaveLength(0);

  // Escape leaves it for now; a reload asks again; Tab then Enter confirms.
  await tab.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(listed.getByRole('button', { name: 'Send now' })).toBeVisible();
  await tab.reload();
  await expect(dialog).toBeVisible();
  await tab.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Send now' })).toBeFocused();
  await tab.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(listed.getByText('Finished')).toBeVisible({ timeout: 30_000 });
  await expect(listed).toContainText('3 / 3 sent');
  expect(receivedAddresses(real.sink).sort()).toEqual([
    'p0@example.org',
    'p1@example.org',
    'p2@example.org'
  ]);
});
