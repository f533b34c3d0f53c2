/**
 * Segments beyond the builder, through the UI on the demo campaign: the 4th reference example
 * (with a list), manual segments from uploaded CSVs (replace / add / remove, unknown keys
 * listed), a list that an import does not change while an automatic segment follows it, the
 * members export with formula-like cells neutralised, a template applied in another campaign
 * with a missing field, the SQL and JSON tools, and axe on the new dialogs.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { seriousViolations } from './pages/axe';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { engineCount } from './pages/engine-count';
import { campaignWithContacts, fixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';
import { SegmentsPage } from './pages/segments-page';

const NOW = '2026-11-15T12:00:00.000Z';
const ZONE = 'UTC';
test.use({ timezoneId: ZONE, viewport: { width: 1360, height: 1000 } });
test.describe.configure({ timeout: 200_000 });

const all = (...children: unknown[]) => ({
  version: 1,
  root: { kind: 'group', match: 'all', children }
});

/** The demo's contacts as the build wrote them (`;`-separated, email first). */
function demoRows(): string[][] {
  const text = readFileSync('build/demo/contacts.csv', 'utf8');
  return Papa.parse<string[]>(text.trim(), { delimiter: ';' }).data;
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'slice-e2e-')), name);
  writeFileSync(path, text);
  return path;
}

async function openDemoSegments(page: Page): Promise<SegmentsPage> {
  await page.clock.setFixedTime(new Date(NOW));
  const home = new HomePage(page);
  await home.open();
  await home.loadDemo();
  await expect(new ContactsPage(page).grid).toBeVisible({ timeout: 45_000 });
  await new CampaignPage(page).section('Segments');
  await expect(page.getByRole('heading', { name: 'Segments', level: 2 })).toBeVisible();
  return new SegmentsPage(page);
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect.soft(await seriousViolations(page), `axe violations on ${screen}`).toEqual([]);
}

test('4th reference example: purchased in 6 months OR (cart in the last month AND in list X)', async ({
  page
}) => {
  const segments = await openDemoSegments(page);
  const mrs = { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' };
  await segments.newSegment('Mrs');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.control('1', 'value').fill('Mrs');
  await segments.expectCount(engineCount(all(mrs), NOW, ZONE));
  await segments.save();
  await page.getByRole('button', { name: 'Save as list' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save as list' });
  await dialog.getByLabel('List name').fill('List X');
  await dialog.getByRole('button', { name: 'Save list' }).click();
  await expect(dialog).toBeHidden();

  await new CampaignPage(page).section('Segments');
  await expect(segments.row('List X')).toContainText('List');
  await segments.newSegment('Buyers, or carts in list X');
  await page.getByLabel('Match', { exact: true }).selectOption('any');
  await segments.addCondition();
  await segments.filter('1', 'Purchased · event');
  await segments.control('1', 'when').selectOption({ label: 'in the last' });
  await segments.control('1', 'when: number').fill('6');
  await segments.control('1', 'when: unit').selectOption('months');
  await page.getByRole('button', { name: '+ Add group', exact: true }).click();
  await page.getByLabel('Group 2: match').selectOption('all');
  await page.getByRole('button', { name: '+ Add condition to group 2' }).click();
  await segments.filter('2.1', 'Added to cart · event');
  await segments.control('2.1', 'when').selectOption({ label: 'in the last' });
  await segments.control('2.1', 'when: number').fill('1');
  await segments.control('2.1', 'when: unit').selectOption('months');
  await page.getByRole('button', { name: '+ Add condition to group 2' }).click();
  await segments.filter('2.2', 'List X · segment');
  // List X holds exactly the Mrs of the demo, so the engine counts it with the condition itself.
  const expected = engineCount(
    {
      version: 1,
      root: {
        kind: 'group',
        match: 'any',
        children: [
          { kind: 'event', event: 'purchase', window: { last: { n: 6, unit: 'months' } } },
          {
            kind: 'group',
            match: 'all',
            children: [
              { kind: 'event', event: 'add_to_cart', window: { last: { n: 1, unit: 'months' } } },
              mrs
            ]
          }
        ]
      }
    },
    NOW,
    ZONE
  );
  expect(expected).toBeGreaterThan(0);
  await segments.expectCount(expected);
  await expect(segments.summary).toContainText('List X');
  await segments.save();

  // Its SQL in both dialects, and its definition as a JSON file.
  await page.getByRole('button', { name: 'Show SQL' }).click();
  const sql = page.getByRole('dialog', { name: 'SQL of this segment' });
  await expect(sql.getByLabel('SQL for DuckDB')).toHaveValue(/FROM contacts/);
  await expect(sql.getByLabel('SQL for DuckDB')).toHaveValue(/segment_members/);
  await sql.getByLabel('PostgreSQL').check();
  await expect(sql.getByLabel('SQL for PostgreSQL')).toHaveValue(
    /^-- Slice segment \(PostgreSQL\)/
  );
  await expectAccessible(page, 'SQL dialog');
  await sql.getByText('Close', { exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click()
  ]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(json.root.match).toBe('any');
  expect(json.root.children[1].children[1].kind).toBe('segment');
});

test('a manual segment from uploaded CSVs: replace, add, remove; unknown keys listed', async ({
  page
}) => {
  const segments = await openDemoSegments(page);
  const emails = demoRows()
    .slice(1, 6)
    .map((r) => r[0]);
  const first = tempFile(
    'vip.csv',
    `name;email\nA;${emails[0]}\nB;${emails[1].toUpperCase()}\nC;${emails[2]}\nGhost;ghost@nowhere.example\n`
  );
  await page.getByRole('button', { name: 'New manual segment' }).click();
  const create = page.getByRole('dialog', { name: 'New manual segment' });
  await create.getByLabel('Segment name').fill('VIP');
  await create.getByRole('button', { name: 'Create' }).click();
  const dialog = page.getByRole('dialog', { name: 'Members of “VIP”' });
  await expectAccessible(page, 'members dialog');
  await dialog.getByLabel('Upload a CSV…').setInputFiles(first);
  await expect(dialog).toContainText('Read from vip.csv');
  await dialog.getByRole('radio', { name: /^Replace —/ }).check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('status')).toContainText('3 members now');
  await expect(dialog.getByRole('list', { name: 'Unknown keys' })).toHaveText(
    'ghost@nowhere.example'
  );
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(segments.row('VIP')).toContainText('Manual');
  await expect(segments.row('VIP').getByRole('link', { name: '3 members of VIP' })).toBeVisible();

  // Add: one already in, one new, one unknown.
  await page.getByRole('button', { name: 'Edit members of VIP' }).click();
  await dialog
    .getByLabel('Upload a CSV…')
    .setInputFiles(
      tempFile('more.csv', `email\n${emails[0]}\n${emails[3]}\nnobody@nowhere.example\n`)
    );
  await dialog.getByRole('radio', { name: /^Add —/ }).check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('status')).toContainText('4 members now (1 added, 0 removed');
  await expect(dialog.getByRole('list', { name: 'Unknown keys' })).toHaveText(
    'nobody@nowhere.example'
  );
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Remove, typed this time.
  await page.getByRole('button', { name: 'Edit members of VIP' }).click();
  await dialog.getByLabel('Identities or emails, one per line').fill(`${emails[1]}\n`);
  await dialog.getByRole('radio', { name: /^Remove —/ }).check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('status')).toContainText('3 members now (0 added, 1 removed');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The members are those contacts, in the contacts browser.
  await segments.row('VIP').getByRole('link', { name: '3 members of VIP' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'members of' })).toHaveText(
    '3 members of “VIP”'
  );
  const contacts = new ContactsPage(page);
  await contacts.search.fill(emails[3]);
  await expect(page.getByRole('status').filter({ hasText: 'members of' })).toContainText(
    '1 members of “VIP” match'
  );
  await contacts.search.fill(emails[1]);
  await expect(page.getByRole('status').filter({ hasText: 'members of' })).toContainText(
    '0 members of “VIP” match'
  );

  // From the contacts browser: the contacts a search shows, added in one action.
  await new CampaignPage(page).section('Contacts');
  await contacts.search.fill('asso.example');
  const shown = page.getByRole('status').filter({ hasText: 'match' });
  await expect(shown).toContainText(/^\d[\d,]* of 3,000 contacts match “asso.example”$/);
  const shownCount = Number((await shown.textContent())!.split(' ')[0].replace(/,/g, ''));
  await page.getByRole('button', { name: 'Add shown to a manual segment' }).click();
  const add = page.getByRole('dialog', { name: 'Add the contacts shown to a manual segment' });
  await add.getByLabel('Manual segment').selectOption({ label: 'VIP (3 members)' });
  await add.getByRole('button', { name: /^Add [\d,]+ contacts$/ }).click();
  await expect(add).toBeHidden();
  await new CampaignPage(page).section('Segments');
  const shownVip = emails.filter(
    (e, i) => [0, 2, 3].includes(i) && e.includes('asso.example')
  ).length;
  const total = (3 + shownCount - shownVip).toLocaleString('en-US');
  await expect(
    segments.row('VIP').getByRole('link', { name: `${total} members of VIP` })
  ).toBeVisible();
});

test('a list keeps its members through an import; an automatic segment follows it; export neutralises formulas', async ({
  page
}) => {
  const segments = await openDemoSegments(page);
  const mrs = all({ kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' });
  const before = engineCount(mrs, NOW, ZONE);
  await segments.newSegment('Mrs (auto)');
  await page.getByRole('checkbox', { name: /Update automatically/ }).check();
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.control('1', 'value').fill('Mrs');
  await segments.expectCount(before);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(
    page.getByRole('link', { name: `${before.toLocaleString('en-US')} members` })
  ).toBeVisible();
  await new CampaignPage(page).section('Segments');
  await page.getByRole('button', { name: 'Save Mrs (auto) as a list' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save as list' });
  await expect(dialog.getByLabel('List name')).toHaveValue('Mrs (auto) (list)');
  await dialog.getByLabel('List name').fill('Mrs in November');
  await dialog.getByRole('button', { name: 'Save list' }).click();
  const n = before.toLocaleString('en-US');
  await expect(segments.row('Mrs in November')).toContainText(n);

  // Two more Mrs arrive, one with a formula-like first name.
  await new CampaignPage(page).section('Import');
  const importer = new ImportPage(page);
  await importer.chooseFile(
    tempFile(
      'more-mrs.csv',
      'email;first_name;civility\nnew.one@example.org;=HYPERLINK("http://x");Mrs\nnew.two@example.org;Anne;Mrs\n'
    )
  );
  await expect(importer.mapping).toBeVisible();
  await importer.startImport();
  await importer.expectFinished();
  await new CampaignPage(page).section('Segments');
  const after = (before + 2).toLocaleString('en-US');
  await expect(
    segments.row('Mrs (auto)').getByRole('link', { name: `${after} members of Mrs (auto)` })
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    segments.row('Mrs in November').getByRole('link', { name: `${n} members of Mrs in November` })
  ).toBeVisible();

  // Export the automatic segment's members, three columns.
  await page.getByRole('button', { name: 'Export members of Mrs (auto)' }).click();
  const exporter = page.getByRole('dialog', { name: 'Export members of “Mrs (auto)”' });
  await expectAccessible(page, 'export members dialog');
  await exporter.getByRole('button', { name: 'None' }).click();
  for (const c of ['email', 'first_name', 'phone'])
    await exporter.getByLabel(c, { exact: true }).check();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    exporter.getByRole('button', { name: 'Download CSV' }).click()
  ]);
  expect(download.suggestedFilename()).toMatch(/^mrs-auto-members-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await download.path(), 'utf8');
  const rows = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' }).data;
  expect(rows[0]).toEqual(['email', 'first_name', 'phone']);
  expect(rows).toHaveLength(before + 3);
  expect(rows.find((r) => r[0] === 'new.one@example.org')).toEqual([
    'new.one@example.org',
    '\'=HYPERLINK("http://x")',
    ''
  ]);
  // Demo phones in international form start with +: a spreadsheet would compute them, so
  // they are neutralised; no exported cell starts with a formula character.
  const phones = rows
    .slice(1)
    .map((r) => r[2])
    .filter(Boolean);
  expect(phones.filter((p) => p.startsWith("'+")).length).toBeGreaterThan(0);
  for (const p of phones) expect(p).not.toMatch(/^[+=@-]/);
});

test('a template applied in another campaign flags the field it lacks', async ({ page }) => {
  const segments = await openDemoSegments(page);
  await segments.newSegment('Parisian Mrs');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.control('1', 'value').fill('Mrs');
  await segments.addCondition();
  await segments.filter('2', 'city · Text');
  await segments.control('2', 'value').fill('Paris');
  await segments.save();
  await page.getByRole('button', { name: 'Save as template' }).click();
  const save = page.getByRole('dialog', { name: 'Save as template' });
  await save.getByLabel('Template name').fill('Parisian Mrs');
  await save.getByRole('button', { name: 'Save template' }).click();
  await expect(save).toBeHidden();

  await campaignWithContacts(page, 'Spring contest', fixture('contacts-basic.csv'));
  await new CampaignPage(page).section('Segments');
  await page.getByRole('button', { name: 'Templates' }).click();
  const templates = page.getByRole('dialog', { name: 'Segment templates' });
  await expectAccessible(page, 'templates dialog');
  await templates.getByRole('button', { name: 'Apply template Parisian Mrs' }).click();
  await expect(page.getByLabel('Segment name')).toHaveValue('Parisian Mrs');
  const unmatched = page.getByRole('list', { name: 'Unmatched from the template' });
  await expect(unmatched).toHaveText(
    'This campaign has no field “civility”: choose another field.'
  );
  await expect(segments.condition('1').getByRole('alert')).toContainText('civility');
  await expect(page.getByText('Not counted yet')).toBeVisible();
  await expectAccessible(page, 'builder from a template');
  // The user fixes it: the city condition stays; civility becomes the subscription.
  await segments.filter('1', 'subscribed · Yes / no');
  await segments.expectCount(0);
  await segments.rule('1', 'is no');
  await segments.expectCount(1);
  await segments.save();
  await page.screenshot({ path: 'test-results/segment-from-template.png', fullPage: true });
});

test('importing a definition file runs the validator and says what is wrong', async ({ page }) => {
  const segments = await openDemoSegments(page);
  await segments.newSegment('From a file');
  await page
    .getByLabel('Import JSON')
    .setInputFiles(
      tempFile(
        'bad.json',
        JSON.stringify(all({ kind: 'attribute', field: 'shoe_size', rule: 'gt', value: 40 }))
      )
    );
  await expect(page.getByRole('alert').filter({ hasText: 'bad.json' })).toContainText(
    'is not a definition this campaign can use'
  );
  await expect(page.getByRole('alert').filter({ hasText: 'bad.json' })).toContainText('shoe_size');
  await page.getByLabel('Import JSON').setInputFiles(tempFile('broken.json', '{"version": 1,'));
  await expect(page.getByRole('alert').filter({ hasText: 'broken.json' })).toContainText(
    'is not valid JSON'
  );
  const good = all({ kind: 'attribute', field: 'newsletter', rule: 'is_true' });
  await page.getByLabel('Import JSON').setInputFiles(tempFile('good.json', JSON.stringify(good)));
  await expect(segments.control('1', 'filter')).toHaveValue(/newsletter/);
  await segments.expectCount(engineCount(good, NOW, ZONE));
  await page.screenshot({ path: 'test-results/segment-editor-tools.png', fullPage: true });
});
