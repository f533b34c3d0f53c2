/**
 * Files as people really have them: a Windows export with Unix rows appended (mixed line
 * endings), Excel's `sep=;` first line, and an events file whose rows repeat (two page views in
 * the same second are two). The person sees every row in the preview and the contacts table,
 * the repeated views on the timeline, and a re-import that adds nothing says so.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, sharedFixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';

const MIXED = sharedFixture('mixed-line-endings.csv');
const EVENTS = sharedFixture('events-repeated-mixed.csv');
const EMAILS = [
  'ana@example.com',
  'bob@example.org',
  'chloe@example.net',
  'dan@example.fr',
  'eve@example.com',
  'fred@example.org'
];

test('a file with mixed line endings shows and imports every row', async ({ page }) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  await home.open();
  await home.createCampaign('Mixed line endings');
  await importer.chooseFile(MIXED);
  const sample = page.getByRole('table', { name: 'First rows of the file' });
  await expect(sample.getByRole('columnheader')).toHaveText([
    'email',
    'first_name',
    'city',
    'notes'
  ]);
  await expect(sample.locator('tbody tr')).toHaveCount(6);
  for (const [i, email] of EMAILS.entries()) {
    await expect(sample.locator('tbody tr').nth(i).getByRole('cell').first()).toHaveText(email);
  }
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Added')).toHaveText('6');
  await expect(importer.count('Rejected')).toHaveText('0');
  await new CampaignPage(page).section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('6 contacts');
  await expect(contacts.rows()).toHaveCount(6);
  await page.screenshot({ path: 'test-results/real-files-contacts.png' });
});

test("Excel's sep=; first line sets the delimiter and is not a header", async ({ page }) => {
  const home = new HomePage(page);
  const importer = new ImportPage(page);
  await home.open();
  await home.createCampaign('Excel hint');
  await importer.chooseFile(sharedFixture('sep-hint.csv'));
  await expect(page.getByLabel('Delimiter')).toHaveValue(';');
  const sample = page.getByRole('table', { name: 'First rows of the file' });
  await expect(sample.getByRole('columnheader')).toHaveText(['email', 'first_name', 'score']);
  await expect(sample.locator('tbody tr').nth(1).getByRole('cell')).toHaveText([
    'bob@example.org',
    'Bob, Jr',
    '7'
  ]);
  await page.screenshot({ path: 'test-results/real-files-sep-hint.png', fullPage: true });
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Added')).toHaveText('2');
  await new CampaignPage(page).section('Contacts');
  await new ContactsPage(page).expectTotal('2 contacts');
});

/** `npm run slice -- segment` on the same files: the contacts viewing at least `n` times. */
async function cliViewedAtLeast(n: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'slice-e2e-'));
  const def = join(dir, 'def.json');
  await writeFile(
    def,
    JSON.stringify({
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'event', event: 'page_view', count: { op: 'at_least', n } }]
      }
    })
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'bin/slice.ts',
      'segment',
      ...['--contacts', MIXED, '--events', EVENTS, '--definition', def],
      ...['--now', '2026-07-01T00:00:00Z', '--tz', 'UTC']
    ],
    { cwd: process.cwd() }
  );
  return Number(stdout.trim());
}

test('identical event rows are separate events; the same file again adds none', async ({
  page
}) => {
  const { campaign, importer } = await campaignWithContacts(page, 'Page views', MIXED);
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(EVENTS, 'events');
  await expect(page.getByLabel('Event id column')).toHaveValue('');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Events added')).toHaveText('6');
  await expect(importer.count('Already imported')).toHaveText('0');
  await campaign.expectCounts(6, 6);

  // Ana viewed the offer twice in the same second: her timeline shows both views.
  await campaign.section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.search.fill('ana@');
  await contacts.expectTotal(/^1 of 6 contacts match/);
  await contacts.openRow(0);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toContainText('2 events');
  const timeline = contacts.detail.getByRole('list', { name: 'Event timeline' });
  const items = timeline.getByRole('listitem').filter({ hasNot: page.getByRole('heading') });
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('page view');
  await expect(items.nth(1)).toContainText('page view');
  // "Viewed at least 2 times" counts Ana and Chloe (three views), on the command line too.
  expect(await cliViewedAtLeast(2)).toBe(2);
  expect(await cliViewedAtLeast(3)).toBe(1);

  // The same file again: every row is already imported, and the result says so.
  await campaign.section('Import');
  await importer.chooseFile(EVENTS, 'events');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.count('Events added')).toHaveText('0');
  await expect(importer.count('Already imported')).toHaveText('6');
  await expect(page.getByText(/^6 already imported:/)).toBeVisible();
  await page.screenshot({ path: 'test-results/real-files-already-imported.png', fullPage: true });
  await campaign.expectCounts(6, 6);
  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  await expect(
    history.getByRole('row').filter({ hasText: 'events-repeated-mixed.csv' }).first()
  ).toContainText('6 already imported');
  await campaign.section('Contacts');
  await contacts.search.fill('ana@');
  await contacts.openRow(0);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toContainText('2 events');
});
