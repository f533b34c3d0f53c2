/**
 * Segments: the reference products' examples built through the builder on the demo campaign,
 * their live counts checked against the engine run by the command line on the same demo files,
 * same `now` and same time zone; the count links to the members; delete refused while another
 * segment uses it; a two-condition segment made with the keyboard alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { HomePage } from './pages/home-page';
import { SegmentsPage } from './pages/segments-page';

/** The demo's data end on its reference date (tests/support/generator.ts): evaluate there. */
const NOW = '2026-11-15T12:00:00.000Z';
const ZONE = 'UTC';
test.use({ timezoneId: ZONE });
// The demo campaign loads in the page first (about 20 s on a busy 2-core machine).
test.describe.configure({ timeout: 150_000 });

/** Count of a definition by the engine in Node (the `slice segment` command) on the demo files. */
function engineCount(definition: unknown): number {
  const dir = mkdtempSync(join(tmpdir(), 'slice-seg-'));
  const file = join(dir, 'definition.json');
  writeFileSync(file, JSON.stringify(definition));
  const out = execFileSync(
    'npx',
    [
      'tsx',
      'bin/slice.ts',
      'segment',
      '--contacts',
      'build/demo/contacts.csv',
      '--events',
      'build/demo/events.csv',
      '--definition',
      file,
      '--now',
      NOW,
      '--tz',
      ZONE,
      '--output',
      'count'
    ],
    { encoding: 'utf8' }
  );
  return Number(out.trim());
}

const all = (...children: unknown[]) => ({
  version: 1,
  root: { kind: 'group', match: 'all', children }
});

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

test('the reference examples, built in the builder, count what the engine counts', async ({
  page
}) => {
  test.setTimeout(240_000);
  const segments = await openDemoSegments(page);
  await expect(segments.row('All participants')).toContainText('3,000');

  // 1. civility is Mrs AND newsletter is yes AND has not won.
  await segments.newSegment('Mrs, newsletter, no win');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.rule('1', 'is');
  await segments.control('1', 'value').fill('Mrs');
  await segments.addCondition();
  await segments.filter('2', 'newsletter · Yes / no');
  await segments.rule('2', 'is yes');
  await segments.addCondition();
  await segments.filter('3', 'won · Yes / no');
  await segments.rule('3', 'is no');
  const first = engineCount(
    all(
      { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' },
      { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
      { kind: 'attribute', field: 'won', rule: 'is_false' }
    )
  );
  expect(first).toBeGreaterThan(0);
  await segments.expectCount(first);
  await expect(segments.summary).toContainText(
    'Participants whose civility is “Mrs”, whose newsletter is yes, and whose won is no.'
  );
  // Each top-level condition shows its own count.
  const civility = engineCount(
    all({ kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' })
  );
  await expect(page.getByLabel('Condition 1: count')).toHaveText(
    `${civility.toLocaleString('en-US')} match`
  );
  await segments.save();
  await page.getByRole('button', { name: 'Generate' }).click();
  const members = page.getByRole('link', { name: `${first.toLocaleString('en-US')} members` });
  await expect(members).toBeVisible();

  // The count opens the contacts browser on the members; search still narrows them.
  await members.click();
  const contacts = new ContactsPage(page);
  await expect(page.getByRole('status').filter({ hasText: 'members of' })).toHaveText(
    `${first.toLocaleString('en-US')} members of “Mrs, newsletter, no win”`
  );
  await expect(contacts.row(0).getByRole('gridcell').nth(1)).not.toBeEmpty();
  await contacts.search.fill('gmail');
  await expect(page.getByRole('status').filter({ hasText: 'members of' })).toContainText(
    /^\d[\d,]* members of “Mrs, newsletter, no win” match “gmail”$/
  );

  // 2. viewed /offer-42 at least 5 times in the last 7 days AND did not purchase offer-42 then.
  await new CampaignPage(page).section('Segments');
  await segments.newSegment('Offer 42 lookers');
  await segments.addCondition();
  await segments.filter('1', 'Viewed a page · event');
  await segments.control('1', 'how often').selectOption({ label: 'at least' });
  await segments.control('1', 'times').fill('5');
  await segments.control('1', 'when').selectOption({ label: 'in the last' });
  await segments.control('1', 'when: number').fill('7');
  await segments.condition('1').getByLabel('on a target').check();
  await segments.control('1', 'target').fill('/offer-42');
  await segments.addCondition();
  await segments.filter('2', 'Purchased · event');
  await segments.control('2', 'how often').selectOption({ label: 'never' });
  await segments.control('2', 'when').selectOption({ label: 'in the last' });
  await segments.control('2', 'when: number').fill('7');
  await segments.condition('2').getByLabel('on a target').check();
  await segments.control('2', 'target rule').selectOption({ label: 'target contains' });
  await segments.control('2', 'target').fill('offer-42');
  await expect(segments.condition('2')).toContainText('Patterns:');
  const week = { last: { n: 7, unit: 'days' } };
  const second = engineCount(
    all(
      {
        kind: 'event',
        event: 'page_view',
        target: { rule: 'equals', value: '/offer-42' },
        count: { op: 'at_least', n: 5 },
        window: week
      },
      {
        kind: 'event',
        event: 'purchase',
        target: { rule: 'contains', value: 'offer-42' },
        count: { op: 'exactly', n: 0 },
        window: week
      }
    )
  );
  await segments.expectCount(second);
  await expect(segments.summary).toContainText(
    'who viewed page “/offer-42” at least 5 times in the last 7 days and who did not purchase containing “offer-42” in the last 7 days'
  );
  await segments.save();

  // 3. received at least one emailing between July and September AND opened none then.
  await new CampaignPage(page).section('Segments');
  await segments.newSegment('Received, never opened (Q3)');
  await segments.addCondition();
  await segments.filter('1', 'Received an emailing · email');
  await segments.control('1', 'when').selectOption({ label: 'between' });
  await segments.control('1', 'when: from').fill('2026-07-01');
  await segments.control('1', 'when: to').fill('2026-09-30');
  await segments.addCondition();
  await segments.filter('2', 'Opened an emailing · email');
  await segments.control('2', 'how often').selectOption({ label: 'never' });
  await segments.control('2', 'when').selectOption({ label: 'between' });
  await segments.control('2', 'when: from').fill('2026-07-01');
  await segments.control('2', 'when: to').fill('2026-09-30');
  const q3 = { between: ['2026-07-01', '2026-09-30'] };
  const third = engineCount(
    all(
      { kind: 'email', activity: 'received', window: q3 },
      { kind: 'email', activity: 'opened', count: { op: 'exactly', n: 0 }, window: q3 }
    )
  );
  expect(third).toBeGreaterThan(0);
  await segments.expectCount(third);
  await segments.save();

  // All listed, with their kinds; the filter narrows by name.
  await new CampaignPage(page).section('Segments');
  await expect(segments.row('Offer 42 lookers')).toContainText('Dynamic');
  await expect(segments.row('Mrs, newsletter, no win')).toContainText(
    first.toLocaleString('en-US')
  );
  await page.getByLabel('Filter segments by name').fill('offer');
  await expect(segments.table.getByRole('row')).toHaveCount(2);
  await expect(page.getByText('1 of 4 segments')).toBeVisible();
});

test('an invalid condition says why instead of a count, on the condition', async ({ page }) => {
  const segments = await openDemoSegments(page);
  await segments.newSegment('Scores');
  await segments.addCondition();
  await segments.filter('1', 'score · Number');
  await segments.rule('1', 'is between');
  await segments.control('1', 'value: from').fill('80');
  await segments.control('1', 'value: to').fill('20');
  await expect(page.getByText('Not counted yet')).toBeVisible();
  await expect(segments.condition('1').getByRole('alert')).toContainText(
    'the range starts after it ends (80 > 20)'
  );
  await segments.control('1', 'value: to').fill('90');
  await segments.expectCount(
    engineCount(all({ kind: 'attribute', field: 'score', rule: 'between', value: [80, 90] }))
  );
});

test('a segment used by another cannot be deleted; the reason names it', async ({ page }) => {
  const segments = await openDemoSegments(page);
  await segments.newSegment('Subscribers');
  await segments.addCondition();
  await segments.filter('1', 'newsletter · Yes / no');
  await segments.save();
  await new CampaignPage(page).section('Segments');
  await segments.newSegment('Not subscribers');
  await segments.addCondition();
  await segments.filter('1', 'Subscribers · segment');
  await segments.control('1', 'membership').selectOption({ label: 'is not in this segment' });
  await segments.save();
  await new CampaignPage(page).section('Segments');

  await page.getByRole('button', { name: 'Delete Subscribers' }).click();
  const refused = page.getByRole('dialog', { name: 'This segment cannot be deleted' });
  await expect(refused).toContainText('It is used by the segment “Not subscribers”');
  await expect(refused.getByRole('button', { name: 'Delete segment' })).toHaveCount(0);
  await refused.getByRole('button', { name: 'OK', exact: true }).click();

  await page.getByRole('button', { name: 'Delete Not subscribers' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete segment?' });
  await confirm.getByRole('button', { name: 'Delete segment' }).click();
  await expect(segments.row('Not subscribers')).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete Subscribers' }).click();
  await page
    .getByRole('dialog', { name: 'Delete segment?' })
    .getByRole('button', { name: 'Delete segment' })
    .click();
  await expect(segments.table.getByRole('row')).toHaveCount(2);
});

test('a two-condition segment made with the keyboard alone', async ({ page }) => {
  const segments = await openDemoSegments(page);
  const focusOn = async (target: ReturnType<Page['getByRole']>) => {
    for (let i = 0; i < 60; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    await expect(target).toBeFocused();
  };
  await focusOn(page.getByRole('link', { name: 'New segment' }));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Segment name')).toBeVisible();
  await focusOn(page.getByLabel('Segment name'));
  await page.keyboard.type('Keyboard segment');

  // First condition: Add condition → the new filter gets the focus.
  await focusOn(page.getByRole('button', { name: '+ Add condition', exact: true }));
  await page.keyboard.press('Enter');
  await expect(segments.control('1', 'filter')).toBeFocused();
  await segments.control('1', 'filter').selectOption({ label: 'civility · Category' });
  await page.keyboard.press('Tab');
  await expect(segments.control('1', 'rule')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(segments.control('1', 'value')).toBeFocused();
  await page.keyboard.type('Mr');

  // Second condition.
  await focusOn(page.getByRole('button', { name: '+ Add condition', exact: true }));
  await page.keyboard.press('Enter');
  await expect(segments.control('2', 'filter')).toBeFocused();
  await segments.control('2', 'filter').selectOption({ label: 'newsletter · Yes / no' });

  // Reorder with the keyboard: move condition 2 up; the focus follows the button.
  await focusOn(page.getByRole('button', { name: 'Move Condition 2 up' }));
  await page.keyboard.press('Enter');
  await expect(segments.control('1', 'filter')).toHaveValue(/newsletter/);
  await expect(segments.control('2', 'filter')).toHaveValue(/civility/);

  const expected = engineCount(
    all(
      { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
      { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mr' }
    )
  );
  await segments.expectCount(expected);
  await focusOn(page.getByRole('button', { name: 'Save segment' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await new CampaignPage(page).section('Segments');
  await expect(segments.row('Keyboard segment')).toBeVisible();
});
