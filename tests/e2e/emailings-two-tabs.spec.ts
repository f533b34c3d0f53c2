/**
 * Two tabs open on the same campaign during a send, through the reference relay in SMTP mode
 * to a real SMTP server: only the tab holding the Web Lock sends, the other shows the
 * progress; when the sending tab closes mid-send the other takes over from the ledger, and
 * the SMTP server receives exactly one message per recipient.
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

test('two tabs during a send: one sends, the other follows, one message per recipient', async ({
  page,
  baseURL
}) => {
  real = await startRealRelay({
    relayPort: 9001,
    smtpPort: 9002,
    origin: new URL(baseURL!).origin
  });
  const count = 20;
  await campaignWithContacts(page, 'Two tabs', contactsFile(count));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await configureRelay(page, real.url, { batchSize: 2, rate: 3 });
  const listUrl = page.url();

  const second = await page.context().newPage();
  await second.goto(listUrl);
  await expect(
    second.getByRole('status').filter({ hasText: 'Another tab is sending' })
  ).toBeVisible();

  await compose(page, 'Both tabs');
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Both tabs' });
  await expect(row.getByText('In progress')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Another tab' })).toHaveCount(0);

  // The other tab shows the progress it does not make.
  const follower = second.getByRole('row').filter({ hasText: 'Both tabs' });
  await expect(follower.getByText('In progress')).toBeVisible();
  await expect(follower.getByRole('progressbar')).toBeVisible();
  await expect(follower).toContainText(/[1-9]\d* \/ 20 sent/);
  expect(real.sink.received.length).toBeLessThan(count);

  // The sending tab goes away mid-send: the lock passes and the other resumes from the ledger.
  await page.close();
  await expect(
    second.getByRole('status').filter({ hasText: 'Another tab is sending' })
  ).toHaveCount(0);
  await expect(follower.getByText('Finished')).toBeVisible({ timeout: 45_000 });
  await expect(follower).toContainText('20 / 20 sent');

  const to = receivedAddresses(real.sink);
  expect(to).toHaveLength(count);
  expect([...to].sort()).toEqual(
    Array.from({ length: count }, (_, i) => `p${i}@example.org`).sort()
  );
});
