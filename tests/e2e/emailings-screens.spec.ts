/**
 * Screenshots of the Emailings screens into test-results/screens/ (the list, the compose
 * form with its preview, the pre-send summary, the contact panel's emailings), for people
 * to judge; each step still checks what it shows. Sends go through the reference relay over
 * SMTP to a real SMTP server.
 */
import { expect, test, type Page } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts } from './pages/flows';
import { configureRelay, contactsFile, startRealRelay, type RealRelay } from './pages/real-relay';

test.use({ viewport: { width: 1440, height: 900 } });

let real: RealRelay | null = null;
test.afterEach(async () => real?.close());

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage });
}

const BODY = `<h1 style="font-family:Georgia,serif;color:#1f3a5f">Spring is here, {{first_name | "friend"}}</h1>
<p style="font-family:Arial,sans-serif;font-size:15px;line-height:1.5">Our new collection has
arrived. As a member you get early access until Sunday.</p>
<p><a href="https://shop.example/spring" style="background:#1f3a5f;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;font-family:Arial,sans-serif">See the collection</a></p>
<p style="font-family:Arial,sans-serif;color:#666;font-size:12px">The Shop · 1 Market Street</p>`;

async function write(page: Page, name: string, subject: string): Promise<void> {
  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('From name').fill('The Shop');
  await page.getByLabel('From address').fill('news@shop.example');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('HTML body').fill(BODY);
}

test('screens of the emailings', async ({ page, baseURL }) => {
  real = await startRealRelay({
    relayPort: 9041,
    smtpPort: 9042,
    origin: new URL(baseURL!).origin
  });
  await campaignWithContacts(
    page,
    'Spring campaign',
    contactsFile(12, ['c97,P1@example.org,Again', 'c98,,Nobody', 'c99,stop@example.org,Stopped'])
  );
  await page.getByRole('link', { name: 'Emailings' }).click();
  await expect(page.getByRole('region', { name: 'No emailings yet' })).toBeVisible();
  await shoot(page, 'emailings-01-empty', true);
  await configureRelay(page, real.url);
  const suppression = page.getByRole('region', { name: 'Suppression list' });
  await suppression.getByLabel('Address to suppress').fill('stop@example.org');
  await suppression.getByRole('button', { name: 'Add' }).click();
  await expect(
    suppression.getByRole('cell', { name: 'stop@example.org', exact: true })
  ).toBeVisible();

  await write(page, 'Welcome', 'Welcome, {{first_name | "friend"}}');
  await page.getByRole('button', { name: 'Send now' }).click();
  await expect(
    page.getByRole('row').filter({ hasText: 'Welcome' }).getByText('Finished')
  ).toBeVisible({ timeout: 30_000 });

  await write(page, 'Spring collection', 'Spring is here, {{first_name | "friend"}}');
  const audience = page.getByRole('status', { name: 'Messages to send' });
  await expect(audience).toContainText('skipped: on the suppression list');
  await expect(
    page.frameLocator('iframe[title="Preview of the message"]').locator('h1')
  ).toHaveText('Spring is here, Name0');
  // A tall viewport, not a full-page shot: the sandboxed preview frame is drawn only in view.
  await page.setViewportSize({ width: 1440, height: 1560 });
  await shoot(page, 'emailings-02-compose');
  await page.setViewportSize({ width: 1440, height: 900 });
  await audience.scrollIntoViewIfNeeded();
  await shoot(page, 'emailings-03-summary');
  await audience.screenshot({ path: 'test-results/screens/emailings-03-summary-part.png' });
  await page.getByRole('button', { name: 'Mobile' }).click();
  await shoot(page, 'emailings-04-compose-mobile', true);
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T09:00';
  await page.getByLabel(/^Send at/).fill(inAWeek);
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expect(
    page.getByRole('row').filter({ hasText: 'Spring collection' }).getByText('Scheduled')
  ).toBeVisible();

  await write(page, 'Summer teaser', 'Summer is coming');
  await page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Emailings' })
    .click();
  await expect(page.getByRole('row').filter({ hasText: 'Summer teaser' })).toBeVisible();
  await shoot(page, 'emailings-05-list', true);

  await new CampaignPage(page).section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.search.fill('stop@example.org');
  await contacts.expectTotal('1 of 13 contacts match “stop@example.org”');
  await contacts.openRow(0);
  await contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  await expect(contacts.detail.getByRole('tabpanel', { name: /Emailing/ })).toContainText(
    'Skipped'
  );
  await shoot(page, 'emailings-06-contact');
});
