/**
 * The segments page and the builder: no serious axe violation, and screenshots of both
 * (docs/screenshot-builder.png is the README's) to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import { seriousViolations } from './pages/axe';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { HomePage } from './pages/home-page';
import { SegmentsPage } from './pages/segments-page';
import { screenshotFromTop } from './pages/screenshot';

test.describe.configure({ timeout: 150_000 });
test.use({ viewport: { width: 1360, height: 1000 }, timezoneId: 'UTC' });

async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.waitForTimeout(250);
  expect.soft(await seriousViolations(page), `axe violations on ${screen}`).toEqual([]);
}

test('the segments page and the builder are accessible', async ({ page }) => {
  await page.clock.setFixedTime(new Date('2026-11-15T12:00:00.000Z'));
  const home = new HomePage(page);
  await home.open();
  await home.loadDemo();
  await expect(new ContactsPage(page).grid).toBeVisible({ timeout: 45_000 });
  await new CampaignPage(page).section('Segments');
  const segments = new SegmentsPage(page);
  await expect(segments.row('All participants')).toBeVisible();
  await expectAccessible(page, 'segments page (only the default)');

  await segments.newSegment('Engaged Mrs, no win yet');
  await page.getByLabel('Description').fill('Newsletter readers to invite to the next contest');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.control('1', 'value').fill('Mrs');
  await segments.addCondition();
  await segments.filter('2', 'newsletter · Yes / no');
  await segments.addCondition();
  await segments.filter('3', 'Won a reward · event');
  await segments.control('3', 'how often').selectOption({ label: 'never' });
  await page.getByRole('button', { name: '+ Add group', exact: true }).click();
  await page.getByRole('button', { name: '+ Add condition to group 4' }).click();
  await segments.filter('4.1', 'Viewed a page · event');
  await segments.control('4.1', 'how often').selectOption({ label: 'at least' });
  await segments.control('4.1', 'times').fill('3');
  await segments.control('4.1', 'when').selectOption({ label: 'in the last' });
  await segments.condition('4.1').getByLabel('on a target').check();
  await segments.control('4.1', 'target rule').selectOption({ label: 'target contains' });
  await segments.control('4.1', 'target').fill('/offer-42|/offer-7');
  await page.getByRole('button', { name: '+ Add condition to group 4' }).click();
  await segments.filter('4.2', 'Opened an emailing · email');
  await segments.control('4.2', 'when').selectOption({ label: 'in the last' });
  await expect(segments.liveCount).toHaveText(/^\d[\d,]*$/);
  await expect(page.getByText('Counting…')).toBeHidden();
  await expect(page.getByLabel('Condition 1: count')).toHaveText(/\d match/);
  await expectAccessible(page, 'builder');
  await page.screenshot({ path: 'test-results/screens/builder.png', fullPage: true });
  await screenshotFromTop(page, 'docs/screenshot-builder.png');

  await segments.save();
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('link', { name: /members$/ })).toBeVisible();
  for (const name of ['Subscribers', 'Recent offer visitors']) {
    await new CampaignPage(page).section('Segments');
    await segments.newSegment(name);
    await segments.addCondition();
    await segments.filter(
      '1',
      name === 'Subscribers' ? 'newsletter · Yes / no' : 'Viewed a page · event'
    );
    await segments.save();
  }
  await new CampaignPage(page).section('Segments');
  await expect(segments.row('Subscribers')).toBeVisible();
  await expectAccessible(page, 'segments page (with segments)');
  await page.screenshot({ path: 'test-results/screens/segments.png', fullPage: true });
});
