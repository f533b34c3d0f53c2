/**
 * Complaints, as a person meets them: an emailing sent through the reference relay (real SMTP
 * server), then the provider's event export imported through the Import tab, in which one of
 * its 20 recipients reported it as spam (5 %, over both limits). The Emailings list flags that
 * emailing with its rate (over 0.1 %), Analytics says so, and sending to the campaign again
 * asks first with the rate (over 0.3 %): Send now cancelled sends nothing, Schedule confirmed
 * schedules, and Send now confirmed from the list sends (to everyone but the complainer, now
 * suppressed).
 */
import { expect, test, type Dialog, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousViolations } from './pages/axe';
import { campaignWithContacts } from './pages/flows';
import { ImportPage } from './pages/import-page';
import {
  compose,
  configureRelay,
  contactsFile,
  freePort,
  startRealRelay,
  type RealRelay
} from './pages/real-relay';

let real: RealRelay | null = null;
test.afterEach(async () => real?.close());

const PEOPLE = 20;

/** A screenshot to look at, and no serious or critical accessibility violation on it. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

/**
 * The provider's export of emailing `emailingId` in the Slice events format: every message
 * delivered (same message ids as the relay's), and p0 reporting it as spam.
 */
function providerExport(emailingId: string, sentAt: number): string {
  const lines = ['contact,type,at,emailing,message_id'];
  const at = (s: number) => new Date(sentAt + s * 1000).toISOString();
  for (let i = 0; i < PEOPLE; i++)
    lines.push(`p${i}@example.org,delivered,${at(5)},${emailingId},${emailingId}:${i}`);
  lines.push(`p0@example.org,complained,${at(3600)},${emailingId},${emailingId}:0`);
  const path = join(mkdtempSync(join(tmpdir(), 'slice-complaints-')), 'provider-events.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Campaign sections' }).getByRole('link', { name }).click();

test('a complaint rate over the limits is flagged on the list and asked about before sending', async ({
  page,
  baseURL
}) => {
  test.setTimeout(120_000);
  real = await startRealRelay({
    relayPort: await freePort(),
    smtpPort: await freePort(),
    origin: new URL(baseURL!).origin
  });
  const sink = real.sink;
  // Every confirmation the page asks, answered by `answer` (set before each step).
  const asked: string[] = [];
  let answer: (d: Dialog) => Promise<void> = (d) => d.dismiss();
  page.on('dialog', (d) => {
    asked.push(d.message());
    void answer(d);
  });

  await campaignWithContacts(page, 'Complaints campaign', contactsFile(PEOPLE));
  await section(page, 'Emailings');
  await configureRelay(page, real.url);
  await compose(page, 'First news');
  // No complaint known yet: sending asks nothing.
  await page.getByRole('button', { name: 'Send now' }).click();
  const first = page.getByRole('row').filter({ hasText: 'First news' });
  await expect(first.getByText('Finished')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => sink.received.length).toBe(PEOPLE);
  expect(asked).toEqual([]);
  await expect(first.getByText(/Complaints/)).toHaveCount(0);
  const emailingId = (await first.locator('a[id^="emailing-link-"]').getAttribute('id'))!.slice(
    'emailing-link-'.length
  );

  // The provider's export, dropped on the Import tab.
  await section(page, 'Import');
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page
    .getByLabel('Choose a delivery-event export')
    .setInputFiles(providerExport(emailingId, Date.now() - 3 * 3_600_000));
  await expect(page.getByTestId('detected-preset')).toContainText('Slice events');
  await page.getByRole('button', { name: 'Import delivery events' }).click();
  await new ImportPage(page).expectFinished();
  await expect(
    page.getByRole('group', { name: 'Events added', exact: true }).getByRole('definition')
  ).toHaveText(String(PEOPLE + 1));

  // The list row says it, with the rate (1 of 20 delivered).
  await section(page, 'Emailings');
  const flag = first.getByText('Complaints 5%');
  await expect(flag).toBeVisible();
  await expect(flag).toHaveAttribute('title', /Over 0\.1 % of delivered messages/);
  await shoot(page, 'complaints-01-list-flag');

  // Analytics counts the same messages (the export's ids are the relay's: nothing twice).
  await section(page, 'Analytics');
  await expect(page.locator('[data-kpi="sent"]')).toHaveText(String(PEOPLE));
  await expect(page.locator('[data-kpi="complaint_rate"]')).toHaveText('5%');
  await expect(page.getByRole('alert').filter({ hasText: 'Complaint rate 5%' })).toContainText(
    'sending to it asks for confirmation'
  );
  await shoot(page, 'complaints-02-analytics');

  // A second emailing: Send now asks first, with the rate; cancelled, nothing is sent.
  await section(page, 'Emailings');
  await compose(page, 'Second news');
  // p0, who complained, went on the suppression list with the import.
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    `${PEOPLE - 1} messages to send for ${PEOPLE} contacts in the targets. 1 skipped: on the suppression list`
  );
  answer = (d) => d.dismiss();
  await page.getByRole('button', { name: 'Send now' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain("This campaign's complaint rate is 5%, over the 0.3 % limit");
  expect(asked[0]).toContain('Send anyway?');
  await page.waitForTimeout(1500);
  expect(sink.received.length).toBe(PEOPLE);
  await expect(page.getByRole('button', { name: 'Send now' })).toBeVisible();

  // Schedule asks too; confirmed, it is scheduled.
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T09:00';
  await page.getByLabel(/^Send at/).fill(inAWeek);
  answer = (d) => d.accept();
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expect.poll(() => asked.length).toBe(2);
  expect(asked[1]).toContain('complaint rate is 5%');
  const second = page.getByRole('row').filter({ hasText: 'Second news' });
  await expect(second.getByText('Scheduled', { exact: true })).toBeVisible();
  expect(sink.received.length).toBe(PEOPLE);
  // Not flagged itself: it has no complaint (only the campaign's rate asks).
  await expect(second.getByText(/Complaints/)).toHaveCount(0);

  // Send now from the list asks again; confirmed, it sends.
  await second.getByRole('button', { name: 'Send now' }).click();
  await expect.poll(() => asked.length).toBe(3);
  expect(asked[2]).toContain('complaint rate is 5%');
  await expect(second.getByText('Finished')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => sink.received.length).toBe(2 * PEOPLE - 1);
  await expect(first.getByText('Complaints 5%')).toBeVisible();
  await shoot(page, 'complaints-03-after-confirmed-send');
});
