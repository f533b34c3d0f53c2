/**
 * The Analytics tab end to end: an emailing sent through the reference relay (SMTP mode, real
 * SMTP server, tracking links on), then opens and clicks made on the links of the messages the
 * SMTP server received — by a person's browser and by a privacy proxy and a link scanner —
 * which the relay reports as events and the app reads while it is open. The numbers a person
 * reads in the KPI tiles and the chart data tables are checked, and the dashboard is
 * screenshotted (docs/screenshot-analytics.png).
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { seriousViolations } from './pages/axe';
import { campaignWithContacts } from './pages/flows';
import { screenshotFromTop } from './pages/screenshot';
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

const PERSON = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IMAGE_PROXY =
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const SCANNER = 'Mimecast-URL-Protect/1.0';

/** The tracking links in a received message: its open pixel and its click links by target. */
function trackingLinks(html: string, relayUrl: string) {
  const esc = relayUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pixel = new RegExp(`${esc}/o/[^"']+`).exec(html)?.[0];
  const clicks = [...html.matchAll(new RegExp(`href="(${esc}/c/[^"]+)"[^>]*>([^<]+)<`, 'g'))].map(
    (m) => ({ href: m[1].replace(/&amp;/g, '&'), text: m[2] })
  );
  return { pixel, clicks };
}

async function kpi(page: Page, name: string) {
  return page.locator(`[data-kpi="${name}"]`);
}

/** Opens a chart's data table and returns it. */
async function dataTable(page: Page, title: string) {
  const card = page.getByRole('region', { name: title, exact: true });
  await card.getByRole('button', { name: 'Show data table' }).click();
  return card.getByRole('table', { name: `${title}: data` });
}

test('an emailing through the relay: tiles and chart tables show what people and machines did', async ({
  page,
  baseURL
}) => {
  test.setTimeout(120_000);
  const relayPort = await freePort();
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  real = await startRealRelay({
    relayPort,
    smtpPort: await freePort(),
    origin: new URL(baseURL!).origin,
    // Tracking links on; clicks count by user agent only (no "too soon after delivery" rule).
    env: { RELAY_PUBLIC_URL: relayUrl, RELAY_MACHINE_CLICK_SECONDS: '0' }
  });
  await campaignWithContacts(page, 'Analytics campaign', contactsFile(6));

  // Before any emailing: the tab says what to do, and where.
  await page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Analytics' })
    .click();
  const empty = page.getByRole('region', { name: 'No emailing sent yet' });
  await expect(empty).toBeVisible();
  await empty.getByRole('link', { name: 'Go to Emailings' }).click();

  await configureRelay(page, real.url);
  const suppression = page.getByRole('region', { name: 'Suppression list' });
  await suppression.getByLabel('Address to suppress').fill('p5@example.org');
  await suppression.getByRole('button', { name: 'Add' }).click();
  await expect(
    suppression.getByRole('cell', { name: 'p5@example.org', exact: true })
  ).toBeVisible();
  await compose(page, 'Spring news');
  await page
    .getByLabel('HTML body')
    .fill(
      '<p>Dear {{first_name | "friend"}}</p><p><a href="https://shop.example/offer">Offer</a> ' +
        '<a href="https://shop.example/blog">Blog</a></p>'
    );
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '5 messages to send for 6 contacts'
  );
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Spring news' });
  await expect(row.getByText('Finished')).toBeVisible({ timeout: 30_000 });

  // What the recipients (and the machines in front of them) do with the messages.
  const sink = real.sink;
  await expect.poll(() => sink.received.length).toBe(5);
  const byAddress = new Map<string, ReturnType<typeof trackingLinks>>();
  for (const r of sink.received) {
    const mail = await sink.parse(r.raw);
    byAddress.set(r.to[0], trackingLinks(String(mail.html || ''), relayUrl));
  }
  const open = (to: string, ua: string) =>
    fetch(byAddress.get(to)!.pixel!, { headers: { 'user-agent': ua } });
  const click = (to: string, text: string, ua: string) =>
    fetch(byAddress.get(to)!.clicks.find((c) => c.text === text)!.href, {
      headers: { 'user-agent': ua },
      redirect: 'manual'
    });
  expect(byAddress.get('p0@example.org')?.pixel).toBeTruthy();
  // p0: a person opens twice and clicks Offer; p1: only Gmail's image proxy opens;
  // p2: a person opens and clicks Blog; p3: only a link scanner clicks Offer.
  for (const res of [
    await open('p0@example.org', PERSON),
    await open('p0@example.org', PERSON),
    await click('p0@example.org', 'Offer', PERSON),
    await open('p1@example.org', IMAGE_PROXY),
    await open('p2@example.org', PERSON),
    await click('p2@example.org', 'Blog', PERSON),
    await click('p3@example.org', 'Offer', SCANNER)
  ]) {
    expect([200, 302]).toContain(res.status);
  }

  // The app reads the relay's events while it is open; the dashboard shows them.
  await page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Analytics' })
    .click();
  await expect(page.getByRole('heading', { name: 'Analytics', level: 2 })).toBeVisible();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(await kpi(page, 'clicked_machine')).toHaveText(/^1 /, { timeout: 1000 });
  }).toPass({ timeout: 60_000 });

  await expect(await kpi(page, 'sent')).toHaveText('5');
  await expect(await kpi(page, 'delivered')).toHaveText('5');
  await expect(await kpi(page, 'delivery_rate')).toHaveText('100%');
  await expect(await kpi(page, 'opened_unique')).toHaveText('2');
  await expect(await kpi(page, 'open_rate')).toHaveText('40%');
  await expect(await kpi(page, 'opened_machine')).toHaveText('1 (33.3%)');
  await expect(await kpi(page, 'clicked_unique')).toHaveText('2');
  await expect(await kpi(page, 'click_rate')).toHaveText('40%');
  await expect(await kpi(page, 'click_to_open_rate')).toHaveText('100%');
  await expect(await kpi(page, 'clicked_machine')).toHaveText('1 (33.3%)');
  await expect(await kpi(page, 'bounced')).toHaveText('0');
  await expect(await kpi(page, 'complaint_rate')).toHaveText('0%');
  await expect(page.getByRole('listitem').filter({ hasText: 'Sent' }).first()).toContainText(
    '5 accepted · 0 rejected · 1 suppressed · 1 skipped'
  );

  const funnel = await dataTable(page, 'Funnel');
  await expect(funnel.getByRole('row', { name: /^To send/ })).toContainText('5');
  await expect(funnel.getByRole('row', { name: /^Delivered/ })).toContainText('5');
  await expect(funnel.getByRole('row', { name: /^Opened \(people\)/ })).toContainText('240%');
  await expect(funnel.getByRole('row', { name: /^Clicked \(people\)/ })).toContainText('240%');

  const links = await dataTable(page, 'Top clicked links');
  await expect(links.getByRole('row', { name: /shop\.example\/offer/ })).toHaveText(
    /https:\/\/shop\.example\/offer\s*1\s*1\s*1/
  );
  await expect(links.getByRole('row', { name: /shop\.example\/blog/ })).toHaveText(
    /https:\/\/shop\.example\/blog\s*1\s*1\s*0/
  );

  const gap = await dataTable(page, 'Segment size and messages sent');
  await expect(gap.getByRole('row', { name: /^Contacts in the targets/ })).toContainText('6');
  await expect(gap.getByRole('row', { name: /^On the suppression list/ })).toContainText('1');

  const timeline = await dataTable(page, 'Sends, opens and clicks over time');
  const totals = await timeline.locator('tbody tr').evaluateAll((rows) =>
    rows.reduce(
      (sum, r) => {
        const cells = [...r.querySelectorAll('td')].map((td) => Number(td.textContent));
        return sum.map((v, i) => v + (cells[i] ?? 0));
      },
      [0, 0, 0, 0, 0]
    )
  );
  // Sends, opens (people), opens (machines), clicks (people), clicks (machines).
  expect(totals).toEqual([5, 3, 1, 2, 1]);

  // By emailing: the one emailing gives the same figures.
  await page.getByLabel('Emailing').selectOption({ label: 'Spring news' });
  await expect(page.getByText('Emailing “Spring news”')).toBeVisible();
  await expect(await kpi(page, 'opened_unique')).toHaveText('2');

  // A date range without any event: nothing counted.
  await page.getByLabel('First day').fill('2001-01-01');
  await page.getByLabel('Last day').fill('2001-01-02');
  await expect(await kpi(page, 'sent')).toHaveText('0');
  await expect(await kpi(page, 'delivery_rate')).toHaveText('—');
  await expect(page.getByText('Send ledger, all dates: 5 accepted')).toBeVisible();
  await page.getByRole('button', { name: 'All dates' }).click();
  await expect(await kpi(page, 'sent')).toHaveText('5');

  // Exports: the picture and the data.
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export Funnel as PNG' }).click()
  ]);
  expect(png.suggestedFilename()).toBe('funnel.png');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export Funnel data as CSV' }).click()
  ]);
  const csvText = readFileSync(await csv.path(), 'utf8');
  expect(csvText.split('\r\n')[0]).toBe('Stage,Messages,Share of to send');
  expect(csvText).toContain('Delivered,5,100%');

  await page.getByLabel('Emailing').selectOption({ label: 'All emailings (campaign overview)' });
  await expect(page.getByText('Whole campaign')).toBeVisible();
  // No serious or critical accessibility problem on the dashboard, data tables open.
  expect(await seriousViolations(page)).toEqual([]);

  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshotFromTop(page, 'docs/screenshot-analytics.png');

  // A reload between two polls: the relay's cursor was kept, so the events already read are
  // not counted again and the one that came since is counted once.
  expect((await open('p4@example.org', PERSON)).status).toBe(200);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Analytics', level: 2 })).toBeVisible();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(await kpi(page, 'opened_unique')).toHaveText('3', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(await kpi(page, 'sent')).toHaveText('5');
  await expect(await kpi(page, 'clicked_unique')).toHaveText('2');
  const after = await dataTable(page, 'Sends, opens and clicks over time');
  const totalsAfter = await after.locator('tbody tr').evaluateAll((rows) =>
    rows.reduce(
      (sum, r) => {
        const cells = [...r.querySelectorAll('td')].map((td) => Number(td.textContent));
        return sum.map((v, i) => v + (cells[i] ?? 0));
      },
      [0, 0, 0, 0, 0]
    )
  );
  expect(totalsAfter).toEqual([5, 4, 1, 2, 1]);
});
