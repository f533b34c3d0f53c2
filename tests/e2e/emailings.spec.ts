/**
 * Emailings end to end: compose with merge tags, send to a segment through a relay over real
 * HTTP (started by the test), exactly one message per expected recipient, merged, none to a
 * suppressed address; pause and resume; a reload mid-send resumes without duplicates.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProtocolRelay, type ProtocolRelay } from '../support/protocol-relay';
import { campaignWithContacts } from './pages/flows';

let relay: ProtocolRelay;
test.afterEach(async () => relay?.close());

function contactsFile(n: number): string {
  const lines = ['id,email,first_name'];
  for (let i = 0; i < n; i++) lines.push(`c${i},p${i}@example.org,${i === 2 ? '' : `Name${i}`}`);
  lines.push('c99,stop@example.org,Stopped');
  const path = join(mkdtempSync(join(tmpdir(), 'slice-mail-')), 'people.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function configureRelay(page: Page, options: { batchSize?: number; rate?: number } = {}) {
  const panel = page.getByRole('region', { name: 'Relay settings' });
  await panel.getByLabel('Relay address').fill(relay.url);
  await panel.getByLabel('Token').fill(relay.token);
  await panel.getByLabel('Batch size').fill(String(options.batchSize ?? 100));
  await panel
    .getByLabel('Rate (messages per second)')
    .fill(options.rate ? String(options.rate) : '');
  await panel.getByRole('button', { name: 'Test connection' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await panel.getByRole('button', { name: 'Save relay settings' }).click();
}

async function compose(page: Page, name: string) {
  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('From name').fill('The Shop');
  await page.getByLabel('From address').fill('shop@example.org');
  await page.getByLabel('Subject').fill('Hello ');
  await page.getByLabel('Subject').focus();
  await page
    .getByRole('group', { name: 'Insert a merge field' })
    .getByRole('button', { name: 'first_name' })
    .click();
  await page.getByLabel('HTML body').fill('<p>Dear {{first_name | "friend"}} & <b>co</b></p>');
}

test('compose with merge tags and send to a segment: one message each, none suppressed', async ({
  page
}) => {
  relay = await startProtocolRelay();
  await campaignWithContacts(page, 'Mail campaign', contactsFile(5));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await expect(page.getByRole('region', { name: 'No emailings yet' })).toBeVisible();
  await configureRelay(page);
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

  const real = relay.sent.filter((m) => !m.subject.startsWith('[Test]'));
  expect(real.map((m) => m.to).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `p${i}@example.org`));
  expect(real.find((m) => m.to === 'p1@example.org')).toMatchObject({
    subject: 'Hello Name1',
    html: '<p>Dear Name1 &amp; <b>co</b></p>'
  });
  expect(real.find((m) => m.to === 'p2@example.org')?.html).toBe(
    '<p>Dear friend &amp; <b>co</b></p>'
  );
  expect(relay.sent.some((m) => m.to === 'stop@example.org')).toBe(false);
});

test('pause, resume and a reload mid-send: every recipient exactly once', async ({ page }) => {
  relay = await startProtocolRelay({ delayMs: 150 });
  await campaignWithContacts(page, 'Slow campaign', contactsFile(24));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, { batchSize: 2, rate: 4 });
  await compose(page, 'Slow one');
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '25 messages to send'
  );
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Slow one' });
  await expect(row.getByText('In progress')).toBeVisible();
  await expect.poll(() => relay.sent.length).toBeGreaterThanOrEqual(4);
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  const atPause = relay.sent.length;
  await page.waitForTimeout(1500);
  expect(relay.sent.length).toBeLessThanOrEqual(atPause + 2);
  await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => relay.sent.length).toBeGreaterThanOrEqual(atPause + 6);
  await page.reload();
  const after = page.getByRole('row').filter({ hasText: 'Slow one' });
  await expect(after.getByText('Finished')).toBeVisible({ timeout: 45_000 });
  await expect(after).toContainText('25 / 25 sent');
  const ids = relay.sent.map((m) => m.messageId);
  expect(ids).toHaveLength(25);
  expect(new Set(ids).size).toBe(25);
});
