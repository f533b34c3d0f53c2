/**
 * Hostile values are shown as text everywhere (issue 11 part 4): contacts and events whose
 * values, column names (CSV headers) and file name hold HTML and script payloads, a campaign,
 * a segment and an emailing named with them, an email body with a script — through every
 * screen that shows them. The test fails on any dialog, any element a payload would create
 * (each carries `data-xss`), any `window.__xss` set, any CSP violation or console error, and
 * checks that each payload is visible as the literal text it is.
 */
import { expect, test, type Frame, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';
import { SegmentsPage } from './pages/segments-page';
import { watchSession } from './pages/session-watch';

const IMG = '<img src=x data-xss onerror="window.__xss=1">';
const SCRIPT = '<script data-xss>window.__xss=2</script>';
const JS_URL = 'javascript:window.__xss=3';
const SVG = '"><svg data-xss onload="window.__xss=4">';
const IFRAME = '<iframe data-xss src="javascript:parent.__xss=\'5\'"></iframe>';

/** A CSV cell, quoted as RFC 4180 says. */
const cell = (v: string) => `"${v.replaceAll('"', '""')}"`;

function hostileFiles(): { contacts: string; events: string } {
  const dir = mkdtempSync(join(tmpdir(), 'slice-xss-'));
  // A file name with markup in it (a slash is the only character a file name cannot hold).
  const contacts = join(dir, '<svg data-xss onload=window.__xss=6>.csv');
  writeFileSync(
    contacts,
    [
      ['id', 'email', 'first_name', IMG, 'site'].map(cell).join(','),
      ['c1', 'ana@example.org', IMG, SVG, JS_URL].map(cell).join(','),
      ['c2', 'ben@example.org', SCRIPT, IFRAME, JS_URL].map(cell).join(','),
      ['c3', 'cleo@example.org', SVG, SCRIPT, IMG].map(cell).join(','),
      ['c4', 'dan@example.org', IFRAME, IMG, SVG].map(cell).join(',')
    ].join('\n') + '\n'
  );
  const events = join(dir, 'events.csv');
  writeFileSync(
    events,
    [
      ['email', 'event_type', 'target', 'timestamp', SVG].map(cell).join(','),
      ['ana@example.org', 'page_view', IMG, '2026-03-01T09:15:00Z', SCRIPT].map(cell).join(','),
      ['ana@example.org', 'participation', JS_URL, '2026-03-02T09:15:00Z', IMG].map(cell).join(','),
      ['ben@example.org', 'reward_won', SVG, '2026-03-03T09:15:00Z', IFRAME].map(cell).join(',')
    ].join('\n') + '\n'
  );
  return { contacts, events };
}

/** Fails if any frame of the page holds an element a payload made, or a payload ran. */
async function expectNothingRan(page: Page, where: string): Promise<void> {
  for (const frame of page.frames()) {
    const found = await frame
      .evaluate(() => ({
        read: document.body !== null,
        elements: document.querySelectorAll('[data-xss]').length,
        ran: (window as unknown as { __xss?: unknown }).__xss ?? null
      }))
      .catch((e: Error) => ({ read: e.message, elements: 0, ran: null }));
    // `read` proves the check looked inside the frame (the sandboxed preview included).
    expect(found, `${where}: ${frameName(frame)}`).toEqual({ read: true, elements: 0, ran: null });
  }
  expect(
    await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null),
    where
  ).toBeNull();
}

const frameName = (frame: Frame) => (frame.parentFrame() ? `frame ${frame.url()}` : 'page');

test('markup in values, headers, names and subjects is shown as text on every screen', async ({
  page,
  context
}) => {
  test.setTimeout(240_000);
  const watch = await watchSession(context);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  const files = hostileFiles();
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  const contacts = new ContactsPage(page);

  // A campaign named with markup, contacts and events full of it.
  await home.open();
  await home.createCampaign(`Club ${SVG}`);
  await importer.chooseFile(files.contacts);
  await expect(importer.mapping).toBeVisible();
  await expect(importer.mapping).toContainText(IMG);
  await expectNothingRan(page, 'import mapping');
  await page.getByLabel('Identity column').selectOption('id');
  await importer.startImport();
  await importer.expectFinished();
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(files.events, 'events');
  await expect(page.getByLabel('Contact column')).toBeVisible();
  await expectNothingRan(page, 'events mapping');
  await importer.startImport();
  await importer.expectFinished();

  // Contacts browser and the contact panel: values, the column name and event targets.
  await campaign.section('Contacts');
  await expect(contacts.grid).toBeVisible();
  await expect(contacts.grid).toContainText(SCRIPT);
  await expect(contacts.grid.getByRole('columnheader', { name: IMG })).toBeVisible();
  await contacts.search.fill('ana@example.org');
  await contacts.expectTotal(/^1 of 4 contacts match/);
  await contacts.openRow(0);
  await expect(contacts.attribute('first_name')).toHaveText(IMG);
  await expect(contacts.detail).toContainText(JS_URL);
  await expect(contacts.detail.getByText(IMG).first()).toBeVisible();
  await expectNothingRan(page, 'contacts and contact panel');

  // A segment named with markup; the builder suggests the hostile values as text.
  await campaign.section('Segments');
  const segments = new SegmentsPage(page);
  await segments.newSegment(`Fans ${IMG}`);
  await segments.addCondition();
  await segments.filter('1', 'first_name · Text');
  await segments.rule('1', 'contains');
  await segments.control('1', 'value').fill('data-xss');
  await segments.expectCount(4);
  const suggestions = await page
    .locator('datalist option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(suggestions).toEqual(expect.arrayContaining([IMG, SCRIPT, SVG]));
  await expect(segments.summary).toContainText('data-xss');
  await segments.save();
  // Saving a new segment moves to its own address; a Generate pressed before that lands can
  // store the segment a second time (a race in the editor, reported), so wait for it.
  await expect(page).not.toHaveURL(/\/segments\/new$/);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('link', { name: '4 members' })).toBeVisible();
  await campaign.section('Segments');
  await expect(segments.row(`Fans ${IMG}`)).toBeVisible();
  await expectNothingRan(page, 'segments and builder');

  // An emailing named with markup, a subject merging a hostile field, a body with a script.
  await page.getByRole('link', { name: 'Emailings' }).click();
  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill(`Promo ${SCRIPT}`);
  await page.getByLabel('From name').fill(`Shop ${SVG}`);
  await page.getByLabel('From address').fill('shop@example.org');
  await page.getByLabel('Subject').fill(`Hi {{first_name}} ${IFRAME}`);
  await page
    .getByLabel('HTML body')
    .fill(
      '<p id="hello">Dear {{first_name}}</p><script>parent.__xss = 7; window.__xss = 7</script>'
    );
  await page.getByRole('group', { name: 'Send to' }).getByText(`Fans ${IMG}`).click();
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '4 messages to send'
  );
  const preview = page.frameLocator('iframe[title="Preview of the message"]');
  await expect(preview.locator('#hello')).toHaveText(`Dear ${IMG}`);
  await expect(page.getByTestId('preview-subject')).toHaveText(`Hi ${IMG} ${IFRAME}`);
  expect(page.frames().length, 'the preview frame is among those checked').toBe(2);
  await expectNothingRan(page, 'emailing preview');
  await page.getByRole('link', { name: 'Emailings', exact: true }).first().click();
  await expect(page.getByRole('link', { name: `Promo ${SCRIPT}` })).toBeVisible();
  await expectNothingRan(page, 'emailings list');

  // Analytics (nothing sent: its empty state, with the hostile campaign around it).
  await page.getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('region', { name: 'No emailing sent yet' })).toBeVisible();
  await expectNothingRan(page, 'analytics');

  // History (the file name), Settings and the home (the campaign name).
  await campaign.section('History');
  await expect(page.getByRole('table', { name: /Imports of this campaign/ })).toContainText(
    '<svg data-xss onload=window.__xss=6>.csv'
  );
  await expectNothingRan(page, 'history');
  await campaign.section('Settings & backup');
  await expect(page.getByRole('heading', { name: `Club ${SVG}`, level: 1 })).toBeVisible();
  await expectNothingRan(page, 'settings');
  await home.open();
  await expect(home.campaign(`Club ${SVG}`)).toBeVisible();
  await expectNothingRan(page, 'campaigns home');

  expect(dialogs, 'dialogs').toEqual([]);
  expect(await watch.collect(page), 'CSP violations').toEqual([]);
  expect(watch.errors, 'console errors').toEqual([]);
});

test('markup in a provider export (bounce reasons, links, agents) is shown as text', async ({
  page,
  context
}) => {
  const watch = await watchSession(context);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const dir = mkdtempSync(join(tmpdir(), 'slice-xss-'));
  const people = join(dir, 'people.csv');
  writeFileSync(people, 'email,first_name\nalice@example.com,Alice\nbob@example.com,Bob\n');
  const exportFile = join(dir, 'sendgrid.csv');
  const line = (cells: string[]) => cells.map(cell).join(',');
  writeFileSync(
    exportFile,
    [
      'email,timestamp,event,sg_event_id,sg_message_id,type,reason,url,useragent,sg_machine_open',
      line(['alice@example.com', '1767261600', 'processed', 'e1', 'm1', '', '', '', '', '']),
      line(['alice@example.com', '1767261610', 'delivered', 'e2', 'm1', '', SVG, '', '', '']),
      line(['alice@example.com', '1767261700', 'open', 'e3', 'm1', '', '', '', IMG, 'false']),
      line([
        'alice@example.com',
        '1767261800',
        'click',
        'e4',
        'm1',
        '',
        '',
        JS_URL,
        IFRAME,
        'false'
      ]),
      line(['bob@example.com', '1767261600', 'processed', 'e5', 'm2', '', '', '', '', '']),
      line([
        'bob@example.com',
        '1767261610',
        'bounce',
        'e6',
        'm2',
        'bounce',
        `550 ${IMG}`,
        '',
        '',
        ''
      ])
    ].join('\n') + '\n'
  );
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  const campaign = new CampaignPage(page);
  await home.open();
  await home.createCampaign('Provider');
  await importer.chooseFile(people);
  await importer.startImport();
  await importer.expectFinished();
  await page.getByRole('button', { name: 'Import another file' }).click();
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page.getByLabel('Choose a delivery-event export').setInputFiles(exportFile);
  await page.getByRole('button', { name: 'Import delivery events' }).click();
  await importer.expectFinished();
  await expectNothingRan(page, 'delivery import result');

  const contacts = new ContactsPage(page);
  await campaign.section('Contacts');
  await contacts.search.fill('alice@example.com');
  await contacts.expectTotal(/^1 of 2 contacts match/);
  await contacts.openRow(0);
  await contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  const history = contacts.detail.getByRole('list', { name: 'History of this message' });
  await expect(history).toContainText(JS_URL);
  await expectNothingRan(page, 'contact emailing tab');

  await page.getByRole('link', { name: 'Analytics' }).click();
  await expect(page.locator('[data-kpi="sent"]')).toHaveText('2');
  await expectNothingRan(page, 'analytics with hostile reasons and links');
  await campaign.section('Settings & backup');
  await expect(page.getByRole('region', { name: 'Bounce reasons' })).toContainText(`550 ${IMG}`);
  await expectNothingRan(page, 'settings bounce reasons');

  expect(dialogs, 'dialogs').toEqual([]);
  expect(await watch.collect(page), 'CSP violations').toEqual([]);
  expect(watch.errors, 'console errors').toEqual([]);
});
