/**
 * Two tabs importing into one campaign at the same time: the second waits, saying another
 * import into this campaign is running, then merges into what the first saved. Neither file's
 * rows are lost, whichever tab looks.
 */
import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture, writeLargeCsv } from './pages/flows';
import { ImportPage } from './pages/import-page';

// Big enough (about 25 MB) that reading it takes a few seconds: the second tab starts meanwhile.
const BIG_ROWS = 80_000;
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit; '.repeat(5);

test('two tabs importing into one campaign at once keep both files', async ({
  page,
  context
}, testInfo) => {
  test.setTimeout(180_000);
  const big = testInfo.outputPath('big-contacts.csv');
  await writeLargeCsv(
    big,
    'email,first_name,city,notes',
    BIG_ROWS,
    (i) => `big${i}@example.com,First${i},Lyon,"${FILLER}${i}"`
  );
  const small = testInfo.outputPath('small-contacts.csv');
  await writeFile(
    small,
    'email,first_name,city\nzoe@example.com,Zoé,Nantes\nyann@example.com,Yann,Brest\n' +
      'alice@example.com,Alice,Namur\n'
  );

  // Tab 1: a campaign with 5 contacts, then a big file.
  await campaignWithContacts(page, 'Two tabs', fixture('contacts-basic.csv'));
  const tab1 = new ImportPage(page);
  await page.getByRole('button', { name: 'Import another file' }).click();
  await tab1.chooseFile(big);
  await expect(tab1.mapping).toBeVisible();

  // Tab 2: the same campaign's Import section, a small file ready.
  const page2 = await context.newPage();
  await page2.goto(page.url());
  const tab2 = new ImportPage(page2);
  await tab2.chooseFile(small);
  await expect(tab2.mapping).toBeVisible();

  await tab1.startImport();
  const bar1 = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar1).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 30_000 });
  await tab2.startImport();
  const waiting = page2.getByRole('status').filter({
    hasText: 'Another import into this campaign is running'
  });
  await expect(waiting).toBeVisible();
  await page2.screenshot({ path: 'test-results/screens/07c-import-waiting.png' });
  // Tab 1 is not held up by tab 2.
  await expect(page.getByText('Another import into this campaign is running')).toHaveCount(0);

  await tab1.expectFinished();
  await expect(tab1.count('Added')).toHaveText(BIG_ROWS.toLocaleString('en-US'));
  await tab2.expectFinished();
  await expect(waiting).toHaveCount(0);
  // Tab 2 merged into tab 1's rows: Alice is known, the other two are new.
  await expect(tab2.count('Added')).toHaveText('2');
  await expect(tab2.count('Updated')).toHaveText('1');

  const total = 5 + BIG_ROWS + 2;
  for (const p of [page, page2]) {
    await p.reload();
    await new CampaignPage(p).expectCounts(total);
    await new CampaignPage(p).section('Contacts');
    const contacts = new ContactsPage(p);
    await contacts.expectTotal(`${total.toLocaleString('en-US')} contacts`);
    await contacts.search.fill('big79999@');
    await contacts.expectTotal(/^1 of [\d,]+ contacts match/);
    await contacts.search.fill('zoe@');
    await contacts.expectTotal(/^1 of [\d,]+ contacts match/);
    await expect(await contacts.cell(0, 'city')).toHaveText('Nantes');
  }
});
