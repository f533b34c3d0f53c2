/**
 * A consultant drops a SendGrid event export on the app: the format is recognised from the
 * header, the columns it reads are shown, rows that match no participant are kept and listed,
 * an unknown event type and an unreadable row are listed, and the figures a person reads are
 * those of the file. Importing it again adds nothing. The participant's Emailing tab then shows
 * each message with its history, people and machines apart; Settings lists the bounce reasons.
 */
import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { seriousViolations } from './pages/axe';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts } from './pages/flows';
import { ImportPage } from './pages/import-page';

const delivery = (name: string) =>
  fileURLToPath(new URL(`../fixtures/delivery/${name}`, import.meta.url));

/** A screenshot to look at, and no serious or critical accessibility violation on it. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

/** From the result of the contacts import: the next file, a delivery export. */
async function importExport(page: Page, file: string): Promise<void> {
  await page.getByRole('button', { name: 'Import another file' }).click();
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page.getByLabel('Choose a delivery-event export').setInputFiles(file);
}

test('a SendGrid export with unmatched rows, its figures, and a contact’s Emailing tab', async ({
  page
}) => {
  await campaignWithContacts(page, 'Spring newsletter', delivery('participants.csv'));
  await importExport(page, delivery('sendgrid-unmatched.csv'));

  await expect(page.getByTestId('detected-preset')).toHaveText(
    'Recognised from the header names: SendGrid event export.'
  );
  const mapped = page.getByRole('table', { name: /How the SendGrid event export columns/ });
  await expect(mapped.getByRole('row', { name: /Recipient \(email\)/ })).toContainText('email');
  await expect(mapped.getByRole('row', { name: /Machine flag/ })).toContainText('sg_machine_open');
  await shoot(page, 'delivery-01-mapping');
  // Forcing another format names what it lacks and keeps the import from starting.
  await page.getByLabel('Format of the export').selectOption('mailgun');
  await expect(
    page.getByText(/Mailgun event export needs the column\(s\) recipient/)
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import delivery events' })).toBeDisabled();
  await page.getByLabel('Format of the export').selectOption('');
  await page.getByRole('button', { name: 'Import delivery events' }).click();

  const importer = new ImportPage(page);
  await importer.expectFinished();
  const count = (label: string) =>
    page.getByRole('group', { name: label, exact: true }).getByRole('definition');
  await expect(count('Events added')).toHaveText('19');
  await expect(count('Not matched to a contact')).toHaveText('3');
  await expect(count('Unknown event types')).toHaveText('1');
  await expect(count('Unreadable rows')).toHaveText('1');
  await expect(count('Addresses suppressed')).toHaveText('2');
  await expect(page.getByTestId('unknown-types')).toContainText('“group_resubscribe” (1 row)');
  await importer.expectRejected(importer.rejectedRows('sendgrid-unmatched.csv'), [
    [18, 'email', /stored without a contact.*zoe@elsewhere\.example/],
    [19, 'email', /zoe@elsewhere\.example/],
    [20, 'email', /yann@elsewhere\.example/],
    [21, 'event', "unknown event type 'group_resubscribe'"],
    [22, 'timestamp', "'not-a-time' is not a time"]
  ]);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download listed rows (CSV)' }).click();
  expect((await download).suggestedFilename()).toBe('sendgrid-unmatched-rejected-rows.csv');

  // The figures a person reads: the whole file, each message once in its final state.
  const figures = page.getByRole('region', { name: 'Delivery figures of this campaign' });
  const figure = (label: string) => figures.getByRole('row', { name: new RegExp(`^${label}`) });
  await expect(figure('Sent')).toContainText('7');
  await expect(figure('Delivered')).toContainText('4');
  await expect(figure('Delivered')).toContainText('delivery rate 57.1 %');
  await expect(figure('Bounced \\(hard\\)')).toContainText('1');
  await expect(figure('Bounced \\(soft\\)')).toContainText('bounce rate 28.6 %');
  await expect(figure('Opened by people')).toContainText('open rate 25.0 % · 2 opens in all');
  await expect(figure('Opened by machines only')).toContainText('1');
  await expect(figure('Clicked by people')).toContainText('click-to-open 100.0 %');
  await expect(figure('Complained')).toContainText('25.0 %');
  await shoot(page, 'delivery-02-result');

  // The same file again: nothing added.
  await page.getByRole('button', { name: 'Import another file' }).click();
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page
    .getByLabel('Choose a delivery-event export')
    .setInputFiles(delivery('sendgrid-unmatched.csv'));
  await page.getByRole('button', { name: 'Import delivery events' }).click();
  await importer.expectFinished();
  await expect(count('Events added')).toHaveText('0');
  await expect(count('Already imported')).toHaveText('19');
  await expect(figure('Sent')).toContainText('7');

  // Alice's Emailing tab: one message, each step in order, people and machines told apart.
  await new CampaignPage(page).section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.search.fill('alice@example.com');
  await contacts.expectTotal('1 of 5 contacts match “alice@example.com”');
  await contacts.openRow(0);
  await contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  const panel = contacts.detail.getByRole('tabpanel', { name: /Emailing/ });
  const history = panel.getByRole('list', { name: 'History of this message' });
  await expect(history.getByRole('listitem')).toHaveCount(5);
  await expect(history.getByRole('listitem').nth(0)).toContainText('Sent');
  await expect(history.getByRole('listitem').nth(1)).toContainText('Delivered');
  await expect(history.getByRole('listitem').nth(2)).toContainText('Opened by a person');
  await expect(history.getByRole('listitem').nth(4)).toContainText('Clicked by a person');
  await expect(history.getByRole('listitem').nth(4)).toContainText('https://example.com/offer');
  await expect(panel.getByTestId('message-status')).toHaveText('Delivered');
  await shoot(page, 'delivery-03-contact-emailing');

  // Bob's open came from Google's image proxy: a machine.
  await contacts.search.fill('bob@example.com');
  await contacts.expectTotal('1 of 5 contacts match “bob@example.com”');
  await expect(await contacts.cell(0, 'email')).toHaveText('bob@example.com');
  await contacts.openRow(0);
  await contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  await expect(
    contacts.detail.getByRole('list', { name: 'History of this message' })
  ).toContainText('Opened by a machine');

  // Settings: the bounce reasons, and classing one otherwise changes the figures.
  await new CampaignPage(page).section('Settings & backup');
  const bounces = page.getByRole('region', { name: 'Bounce reasons' });
  await expect(bounces.getByRole('row', { name: /550 5\.1\.1 user unknown/ })).toContainText(
    'hard'
  );
  await bounces.getByLabel('Class of “552 5.2.2 mailbox full”').selectOption('hard');
  await page.reload();
  await expect(bounces.getByLabel('Class of “552 5.2.2 mailbox full”')).toHaveValue('hard');
  await shoot(page, 'delivery-04-bounce-reasons');
});

test('a file that is not an export says why and changes nothing', async ({ page }) => {
  await campaignWithContacts(page, 'Spring newsletter', delivery('participants.csv'));
  await importExport(page, delivery('participants.csv'));
  await expect(
    page.getByText(/header is not one of a Slice events file.*choose the export's format/)
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import delivery events' })).toBeDisabled();
});
