/**
 * Emailings end to end through the reference relay in SMTP mode and a real SMTP server
 * (both started by the test): compose with merge tags, send to a segment, exactly one
 * message per expected recipient, merged, none to a suppressed address; pause and resume; a
 * reload mid-send resumes without duplicates.
 */
import { expect, test } from '@playwright/test';
import type { ParsedMail } from 'mailparser';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
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

const STOPPED = ['c99,stop@example.org,Stopped'];

function addressOf(m: ParsedMail): string {
  return m.to && !Array.isArray(m.to) ? (m.to.value[0]?.address ?? '') : '';
}

test('compose with merge tags and send to a segment: one message each, none suppressed', async ({
  page,
  baseURL
}) => {
  real = await startRealRelay({
    relayPort: 9021,
    smtpPort: 9022,
    origin: new URL(baseURL!).origin
  });
  await campaignWithContacts(page, 'Mail campaign', contactsFile(5, STOPPED));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await expect(page.getByRole('region', { name: 'No emailings yet' })).toBeVisible();
  await configureRelay(page, real.url);
  const suppression = page.getByRole('region', { name: 'Suppression list' });
  await suppression.getByLabel('Address to suppress').fill('STOP@example.org');
  await suppression.getByRole('button', { name: 'Add' }).click();
  await expect(
    suppression.getByRole('cell', { name: 'stop@example.org', exact: true })
  ).toBeVisible();

  await compose(page, 'Welcome');
  await page.getByLabel('HTML body').fill('<p>Dear {{frist_name}}</p>');
  await expect(page.getByRole('list', { name: 'Problems to fix before sending' })).toContainText(
    'Unknown field "frist_name" in the HTML body at line 1, column 9.'
  );
  await page.getByLabel('HTML body').fill('<p>Dear {{first_name | "friend"}} &amp; <b>co</b></p>');
  const audience = page.getByRole('status', { name: 'Messages to send' });
  await expect(audience).toContainText('5 messages to send for 6 contacts');
  await expect(audience).toContainText('1 skipped: on the suppression list');
  const frame = page.getByTitle('Preview of the message');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('iframe[title="Preview of the message"]').locator('p')).toHaveText(
    'Dear Name0 & co'
  );
  await page.getByRole('button', { name: 'Mobile' }).click();
  await expect(page.getByTestId('preview-subject')).toHaveText('Hello Name0');

  await page.getByLabel('Send a test to').fill('stop@example.org');
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'suppression list' })).toBeVisible();
  await page.getByLabel('Send a test to').fill('me@example.org');
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Test sent to me@example.org' })
  ).toBeVisible();

  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Welcome' });
  await expect(row.getByText('Finished')).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText('5 / 5 sent');
  await expect(row.getByRole('button')).toHaveCount(0);

  const sink = real.sink;
  await expect.poll(() => sink.received.length).toBe(6);
  const parsed = await Promise.all(sink.received.map((r) => sink.parse(r.raw)));
  const tests = parsed.filter((m) => m.subject?.startsWith('[Test]'));
  expect(tests.map(addressOf)).toEqual(['me@example.org']);
  const sent = parsed.filter((m) => !m.subject?.startsWith('[Test]'));
  expect(sent.map(addressOf).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `p${i}@example.org`));
  const one = sent.find((m) => addressOf(m) === 'p1@example.org');
  expect(one?.subject).toBe('Hello Name1');
  expect(one?.html).toContain('<p>Dear Name1 &amp; <b>co</b></p>');
  expect(sent.find((m) => addressOf(m) === 'p2@example.org')?.html).toContain(
    '<p>Dear friend &amp; <b>co</b></p>'
  );
  expect(receivedAddresses(sink)).not.toContain('stop@example.org');

  // The contact panel tells, per emailing, what happened to each contact's message.
  await new CampaignPage(page).section('Contacts');
  const contacts = new ContactsPage(page);
  const mailingOf = (name: string) =>
    contacts.detail
      .getByRole('tabpanel', { name: /Emailing/ })
      .getByRole('listitem', { name, exact: true });
  const emailingTab = () => contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  await contacts.search.fill('p1@example.org');
  await contacts.expectTotal('1 of 6 contacts match “p1@example.org”');
  await contacts.openRow(0);
  await emailingTab();
  await expect(mailingOf('Welcome')).toContainText('Sent');
  await contacts.search.fill('stop@example.org');
  await contacts.expectTotal('1 of 6 contacts match “stop@example.org”');
  await contacts.openRow(0);
  // The panel stays on the tab last chosen: back to the profile to see whose it is.
  await contacts.detail.getByRole('tab', { name: 'Profile' }).click();
  await expect(contacts.attribute('email')).toHaveText('stop@example.org');
  await emailingTab();
  await expect(mailingOf('Welcome')).toContainText('Skipped');
  await expect(mailingOf('Welcome')).toContainText('on the suppression list');
});

test('pause, resume and a reload mid-send: every recipient exactly once', async ({
  page,
  baseURL
}) => {
  real = await startRealRelay({
    relayPort: 9023,
    smtpPort: 9024,
    origin: new URL(baseURL!).origin
  });
  const sink = real.sink;
  await campaignWithContacts(page, 'Slow campaign', contactsFile(24, STOPPED));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, real.url, { batchSize: 2, rate: 4 });
  await compose(page, 'Slow one');
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '25 messages to send'
  );
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Slow one' });
  await expect(row.getByText('In progress')).toBeVisible();
  await expect.poll(() => sink.received.length).toBeGreaterThanOrEqual(4);
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  const atPause = sink.received.length;
  await page.waitForTimeout(1500);
  expect(sink.received.length).toBeLessThanOrEqual(atPause + 2);
  await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => sink.received.length).toBeGreaterThanOrEqual(atPause + 6);
  await page.reload();
  const after = page.getByRole('row').filter({ hasText: 'Slow one' });
  await expect(after.getByText('Finished')).toBeVisible({ timeout: 45_000 });
  await expect(after).toContainText('25 / 25 sent');
  const to = receivedAddresses(sink);
  expect(to).toHaveLength(25);
  expect(new Set(to).size).toBe(25);
  expect(to).toContain('stop@example.org');
});
