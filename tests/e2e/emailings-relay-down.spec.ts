/**
 * The reference relay (SMTP mode, to a real SMTP server) killed mid-send and started again
 * on the same port and data dir: the app says the relay cannot be reached, resumes by itself
 * when it answers again, and the SMTP server ends with exactly one message per recipient.
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

test('the relay killed and restarted mid-send: unreachable shown, resumed, none lost or doubled', async ({
  page,
  baseURL
}) => {
  real = await startRealRelay({
    relayPort: 9011,
    smtpPort: 9012,
    origin: new URL(baseURL!).origin
  });
  const count = 16;
  await campaignWithContacts(page, 'Relay down', contactsFile(count));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, real.url, { batchSize: 2, rate: 4 });
  await compose(page, 'Through an outage');
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Through an outage' });
  await expect(row.getByText('In progress')).toBeVisible();
  await expect.poll(() => real!.sink.received.length).toBeGreaterThanOrEqual(4);

  await real.kill();
  const down = page.getByRole('alert', { name: 'Relay cannot be reached' });
  await expect(down).toBeVisible({ timeout: 20_000 });
  await expect(down).toContainText('The relay cannot be reached.');
  await expect(down).toContainText('tried again in');
  await page.screenshot({ path: 'test-results/screens/emailings-07-relay-down.png' });
  await expect(row.getByText('In progress')).toBeVisible();
  const duringOutage = real.sink.received.length;
  expect(duringOutage).toBeLessThan(count);

  await real.restart();
  await expect(down).toHaveCount(0, { timeout: 45_000 });
  await expect(row.getByText('Finished')).toBeVisible({ timeout: 45_000 });
  await expect(row).toContainText(`${count} / ${count} sent`);

  const to = receivedAddresses(real.sink);
  expect(to).toHaveLength(count);
  expect([...to].sort()).toEqual(
    Array.from({ length: count }, (_, i) => `p${i}@example.org`).sort()
  );
});
