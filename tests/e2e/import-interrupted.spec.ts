/**
 * A tab closed in the middle of a large import: its worker dies with it, and the import is
 * marked failed ("interrupted") while the campaign keeps exactly what it had — at the next
 * start, and also in another tab that was already open when the importing tab closed, even
 * one opened before the import started.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture, writeLargeCsv } from './pages/flows';
import { ImportPage } from './pages/import-page';

const CITIES = ['Brussels', 'Paris', 'Lyon', 'Ghent', 'Liège', 'Namur', 'Lille', 'Antwerp'];
const INTERRUPTED = 'Interrupted: the tab was closed during the import; the campaign is unchanged.';

test.setTimeout(120_000);

/**
 * A campaign with the 5 contacts of the small fixture, and an import of `rows` rows from
 * `fileName` into it under way (its progress bar has moved). Returns the campaign's address.
 * `beforeStart` runs once the campaign exists, before the import starts.
 */
async function importUnderWay(
  page: Page,
  testInfo: TestInfo,
  fileName: string,
  rows: number,
  beforeStart?: (campaignUrl: string) => Promise<void>
): Promise<string> {
  const path = testInfo.outputPath(fileName);
  // Same identity column (email) as the small fixture, so the big file would merge into it.
  await writeLargeCsv(
    path,
    'email,first_name,last_name,city,age,subscribed,signup_date,score',
    rows,
    (i) =>
      `closed${i}@example.com,First${i},Last${i % 977},${CITIES[i % CITIES.length]},` +
      `${18 + (i % 60)},${i % 2 ? 'yes' : 'no'},2025-${String((i % 12) + 1).padStart(2, '0')}-` +
      `${String((i % 28) + 1).padStart(2, '0')},${(i % 1000) / 10}`
  );

  await campaignWithContacts(page, 'Closed tab', fixture('contacts-basic.csv'));
  await new CampaignPage(page).expectCounts(5);
  const campaignUrl = page.url().replace(/\/import\b.*$/, '');
  await beforeStart?.(campaignUrl);

  const importer = new ImportPage(page);
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(path);
  await expect(importer.mapping).toBeVisible();
  await importer.startImport();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  // Checked every frame, so the tab closes as soon as the bar moves, long before the end.
  await page.waitForFunction(
    () => {
      const now = document
        .querySelector('[role="progressbar"][aria-label="Import progress"]')
        ?.getAttribute('aria-valuenow');
      return now != null && Number(now) > 0;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 }
  );
  await expect(page.getByText('Import finished', { exact: true })).toHaveCount(0);
  return campaignUrl;
}

/** The History row of the import of `fileName`. */
function historyRow(page: Page, fileName: string) {
  return page
    .getByRole('table', { name: /Imports of this campaign/ })
    .getByRole('row')
    .filter({ hasText: fileName });
}

async function expectNoContactFromBigFile(page: Page): Promise<void> {
  const campaign = new CampaignPage(page);
  await campaign.section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.expectTotal('5 contacts');
  await contacts.search.fill('closed1@example.com');
  await contacts.expectTotal(/^0 of 5 contacts match/);
}

test('a tab closed during an import: the next start shows it failed, the campaign unchanged', async ({
  context,
  page
}, testInfo) => {
  const campaignUrl = await importUnderWay(page, testInfo, 'closed-tab.csv', 300_000);
  // A closed page ends its dedicated worker, and with it the import and its Web Lock.
  await page.close();

  // IndexedDB lives on in the browser context: a new tab is the "next start".
  const next = await context.newPage();
  await next.goto(campaignUrl);
  const campaign = new CampaignPage(next);
  await expect(campaign.heading).toHaveText('Closed tab');
  await campaign.expectCounts(5);

  await campaign.section('History');
  const interrupted = historyRow(next, 'closed-tab.csv');
  await expect(interrupted).toHaveCount(1);
  await expect(interrupted).toContainText('Failed');
  await expect(interrupted).toContainText(INTERRUPTED);
  // The first, small import is still there and still done.
  await expect(historyRow(next, 'contacts-basic.csv')).toContainText('Done');

  await expectNoContactFromBigFile(next);

  // Another start does not change the verdict (the import does not come back as running).
  await next.reload();
  await campaign.expectCounts(5);
  await campaign.section('History');
  await expect(interrupted).toContainText('Failed');
});

test('a tab open elsewhere sees the import fail once the importing tab is closed', async ({
  context,
  page
}, testInfo) => {
  // A million rows keep the import busy while the other tab opens and reads History.
  const campaignUrl = await importUnderWay(page, testInfo, 'closed-elsewhere.csv', 1_000_000);

  // This tab starts while the import runs: the lock is held, so start-up recovery leaves the
  // import alone and History says it is running.
  const other = await context.newPage();
  await other.goto(`${campaignUrl}/history`);
  const campaign = new CampaignPage(other);
  const row = historyRow(other, 'closed-elsewhere.csv');
  await expect(row).toContainText('Running');

  await page.close();

  // History reads the list when it opens: come back to it until the verdict is in.
  await expect(async () => {
    await campaign.section('Contacts');
    await campaign.section('History');
    await expect(row).toContainText('Failed', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText(INTERRUPTED);
  await campaign.expectCounts(5);
  await expectNoContactFromBigFile(other);
});

test('a tab opened before the import started also sees it fail once the importing tab closes', async ({
  context,
  page
}, testInfo) => {
  let other: Page | undefined;
  await importUnderWay(page, testInfo, 'closed-later.csv', 1_000_000, async (campaignUrl) => {
    // This tab starts (and runs its start-up recovery) before the import exists.
    other = await context.newPage();
    await other.goto(`${campaignUrl}/history`);
    await expect(historyRow(other, 'contacts-basic.csv')).toContainText('Done');
  });
  if (!other) throw new Error('the other tab was not opened');
  const tab = other;
  // Marks this document: the verdict must come without a reload (no new start-up recovery).
  await tab.evaluate(() => Object.assign(window, { openedBeforeImport: true }));
  const campaign = new CampaignPage(tab);
  const row = historyRow(tab, 'closed-later.csv');
  await expect(async () => {
    await campaign.section('Contacts');
    await campaign.section('History');
    await expect(row).toContainText('Running', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await page.close();

  await expect(async () => {
    await campaign.section('Contacts');
    await campaign.section('History');
    await expect(row).toContainText('Failed', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText(INTERRUPTED);
  expect(await tab.evaluate(() => 'openedBeforeImport' in window)).toBe(true);
  await campaign.expectCounts(5);
  await expectNoContactFromBigFile(tab);
});
