/**
 * Email activity as a filter: after a provider's export is imported, the contacts browser
 * lists who opened (people only, then machines too), and a segment condition counts people's
 * opens, or a machine's only, as the person chooses.
 */
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts } from './pages/flows';
import { ImportPage } from './pages/import-page';
import { SegmentsPage } from './pages/segments-page';

const delivery = (name: string) =>
  fileURLToPath(new URL(`../fixtures/delivery/${name}`, import.meta.url));

test('who opened, by a person or a machine, in the contacts browser and the builder', async ({
  page
}) => {
  await campaignWithContacts(page, 'Spring newsletter', delivery('participants.csv'));
  await page.getByRole('button', { name: 'Import another file' }).click();
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page
    .getByLabel('Choose a delivery-event export')
    .setInputFiles(delivery('sendgrid-events.csv'));
  await page.getByRole('button', { name: 'Import delivery events' }).click();
  await new ImportPage(page).expectFinished();

  // Alice opened it herself; Bob's only open came from Gmail's image proxy.
  const campaign = new CampaignPage(page);
  await campaign.section('Contacts');
  const contacts = new ContactsPage(page);
  await page.getByLabel('Email activity', { exact: true }).selectOption({ label: 'Who opened…' });
  await contacts.expectTotal('1 of 5 contacts have that email activity');
  await expect(page.getByRole('gridcell', { name: 'alice@example.com' })).toBeVisible();
  await expect(page.getByRole('gridcell', { name: 'bob@example.com' })).toHaveCount(0);
  await page.getByLabel('machines too').check();
  await contacts.expectTotal('2 of 5 contacts have that email activity');
  await expect(page.getByRole('gridcell', { name: 'bob@example.com' })).toBeVisible();
  await page
    .getByLabel('Email activity', { exact: true })
    .selectOption({ label: 'Who complained about…' });
  await contacts.expectTotal('1 of 5 contacts have that email activity');
  await expect(page.getByRole('gridcell', { name: 'erin@example.com' })).toBeVisible();
  await page
    .getByLabel('Email activity', { exact: true })
    .selectOption({ label: 'Any email activity' });
  await contacts.expectTotal('5 contacts');

  await campaign.section('Segments');
  const segments = new SegmentsPage(page);
  await segments.newSegment('Opened by a person');
  await segments.addCondition();
  await segments.filter('1', 'Opened an emailing · email');
  await segments.expectCount(1);
  await segments.control('1', 'people or machines').selectOption({
    label: 'by a machine only (proxy, scanner)'
  });
  await segments.expectCount(1);
  await expect(segments.summary).toContainText('machines only');
  await segments.control('1', 'people or machines').selectOption({
    label: 'by a person or a machine'
  });
  await segments.expectCount(2);
});
