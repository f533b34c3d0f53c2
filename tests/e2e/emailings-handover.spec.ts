/**
 * A scheduled emailing handed to the reference relay ahead of time (its `scheduling`
 * capability): the person schedules it, sees it marked as handed to the relay, closes the
 * browser, and the relay's outbox receives exactly one message per recipient at the time.
 * Cancelling one instead takes it back from the relay, which then sends nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../relay/config';
import { safeName } from '../../relay/delivery';
import { startRelay, type Relay } from '../../relay/server';
import { duplicates, readOutbox } from '../support/relay-outbox';
import { campaignWithContacts } from './pages/flows';
import { compose, configureRelay, contactsFile, RELAY_TOKEN } from './pages/real-relay';

const PEOPLE = 5;
let relay: Relay | null = null;
test.afterEach(async () => {
  await relay?.close();
  relay = null;
});

/** The reference relay in outbox mode (its default) on an ephemeral port. */
async function outboxRelay(origin: string): Promise<Relay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slice-e2e-handover-'));
  return startRelay(
    readConfig({
      RELAY_PORT: '0',
      RELAY_TOKEN,
      RELAY_DATA_DIR: dataDir,
      RELAY_ALLOWED_ORIGINS: origin
    }),
    { log: () => {} }
  );
}

function outboxFiles(r: Relay, emailingId: string): number {
  try {
    return readdirSync(join(r.config.outboxDir, safeName(emailingId))).length;
  } catch {
    return 0;
  }
}

/**
 * Schedules the open emailing for the first whole minute at least `leadMs` ahead (the input
 * takes minutes), written as the campaign's zone reads it; returns that instant.
 */
async function scheduleAhead(page: Page, leadMs: number): Promise<number> {
  const input = page.getByLabel(/^Send at/);
  const label = (await page.locator('label', { has: input }).innerText()).trim();
  const zone = /\(([^)]+)\)/.exec(label)?.[1] ?? 'UTC';
  const at = Math.ceil((Date.now() + leadMs) / 60_000) * 60_000;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23'
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value])
  );
  await input.fill(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`);
  await page.getByRole('button', { name: 'Schedule' }).click();
  return at;
}

async function scheduledAndHandedOver(page: Page, name: string, leadMs: number) {
  await compose(page, name);
  const emailingId = decodeURIComponent(/emailings\/([^/?#]+)/.exec(page.url())?.[1] ?? '');
  expect(emailingId).not.toBe('');
  const at = await scheduleAhead(page, leadMs);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByText('Scheduled', { exact: true })).toBeVisible();
  await expect(row.getByText('Handed to the relay', { exact: true })).toBeVisible({
    timeout: 20_000
  });
  await expect(row).toContainText(`Handed to the relay (1 batch of ${PEOPLE} messages)`);
  return { emailingId, at, row };
}

test('handed to the relay, it goes out at its time with the browser closed, once each', async ({
  page,
  baseURL
}) => {
  test.setTimeout(180_000);
  relay = await outboxRelay(new URL(baseURL!).origin);
  await campaignWithContacts(page, 'Hand-over', contactsFile(PEOPLE));
  await page.getByRole('link', { name: 'Emailings' }).click();
  const settings = page.getByRole('region', { name: 'Relay settings' });
  await expect(settings.getByLabel(/Hand scheduled emailings to the relay/)).toBeChecked();
  await configureRelay(page, relay.url);
  const { emailingId, at } = await scheduledAndHandedOver(page, 'While closed', 25_000);
  await page.screenshot({ path: 'test-results/screens/emailings-09-handed-over.png' });
  expect(outboxFiles(relay, emailingId)).toBe(0);

  // The browser closes well before the time: only the relay is left to send.
  await page.context().close();
  expect(Date.now()).toBeLessThan(at);
  await expect
    .poll(() => outboxFiles(relay!, emailingId), { timeout: at - Date.now() + 30_000 })
    .toBe(PEOPLE);
  expect(Date.now()).toBeGreaterThanOrEqual(at);
  await new Promise((r) => setTimeout(r, 1000));
  expect(duplicates(relay)).toEqual([]);
  const sent = (await readOutbox(relay)).filter((m) => m.emailingId === emailingId);
  expect(sent.map((m) => m.to).sort()).toEqual(
    Array.from({ length: PEOPLE }, (_, i) => `p${i}@example.org`).sort()
  );
  expect(sent.find((m) => m.to === 'p1@example.org')?.subject).toBe('Hello Name1');
});

test('cancelling a handed-over emailing takes it back: the relay sends nothing', async ({
  page,
  baseURL
}) => {
  test.setTimeout(180_000);
  relay = await outboxRelay(new URL(baseURL!).origin);
  await campaignWithContacts(page, 'Hand-over cancel', contactsFile(PEOPLE));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, relay.url);
  const { emailingId, at, row } = await scheduledAndHandedOver(page, 'Called off', 25_000);
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(row).toContainText(`${PEOPLE} messages withdrawn from the relay.`);
  await expect(row.getByText('Handed to the relay', { exact: true })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/emailings-10-withdrawn.png' });
  const records = relay.store.all().filter((r) => r.batch.emailingId === emailingId);
  expect(records.map((r) => r.state)).toEqual(['cancelled']);

  // Past its time, with the browser closed: nothing went out.
  await page.context().close();
  await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + 3000));
  expect(outboxFiles(relay, emailingId)).toBe(0);
  expect(relay.events.all().filter((e) => e.messageId.startsWith(`${emailingId}:`))).toEqual([]);
});
