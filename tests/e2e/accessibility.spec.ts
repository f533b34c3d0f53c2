/**
 * Accessibility (SPEC section 6): axe finds no serious or critical violation on any main screen
 * in its meaningful states, and the main flow works with the keyboard alone.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { campaignWithContacts, fixture, sharedFixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';
import {
  compose,
  configureRelay,
  contactsFile,
  RELAY_TOKEN,
  startRealRelay,
  type RealRelay
} from './pages/real-relay';
import { SegmentsPage } from './pages/segments-page';
import { watchSession, type SessionWatch } from './pages/session-watch';

/**
 * Runs axe on the page as it is and expects no serious or critical violation; the message
 * lists each one with its rule, impact, help text and the elements at fault.
 */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Let transitions settle so colours are measured at rest.
  await page.waitForTimeout(250);
  // The email preview shows the message as its author wrote it (not the app's own UI), in a
  // sandbox where axe cannot run its scripts: its frame element is checked, not its content.
  const { violations } = await new AxeBuilder({ page })
    .exclude('iframe[title="Preview of the message"]')
    .analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`)
          .join('\n') +
        (v.nodes.length > 5 ? `\n    …and ${v.nodes.length - 5} more` : '')
    )
    .join('\n');
  const ids = bad.map((v) => `${v.id} (${v.impact})`);
  expect.soft(ids, `axe violations on ${screen}:\n${report}`).toEqual([]);
}

/** Presses Tab (at most `max` times) until `target` has the focus. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

let relay: RealRelay | null = null;
// Every screen and dialog visited here is also watched for Content-Security-Policy violations.
let watch: SessionWatch | null = null;
test.beforeEach(async ({ context }) => {
  watch = await watchSession(context);
});
test.afterEach(async ({ page }) => {
  await relay?.close();
  relay = null;
  if (watch && !page.isClosed()) expect(await watch.collect(page), 'CSP violations').toEqual([]);
});

// Several axe runs per test: on a loaded 2-core machine they take longer than the default.
test.describe.configure({ timeout: 180_000 });

test('the campaigns home, contacts browser and column chooser', async ({ page }) => {
  const home = new HomePage(page);
  const contacts = new ContactsPage(page);
  await home.open();
  await expect(page.getByRole('heading', { name: 'No campaigns yet' })).toBeVisible();
  await expectAccessible(page, 'home (empty)');

  await home.loadDemo();
  await expect(contacts.grid).toBeVisible({ timeout: 45_000 });
  await expect(contacts.row(0).getByRole('gridcell').nth(1)).not.toBeEmpty();
  await expectAccessible(page, 'contacts');

  await contacts.openRow(3);
  await expect(contacts.detail.getByRole('heading', { name: /Events/ })).toBeVisible();
  await expectAccessible(page, 'contact detail');

  await page.getByRole('button', { name: /^Columns/ }).click();
  await expect(page.getByRole('group', { name: 'Columns to show' })).toBeVisible();
  await expectAccessible(page, 'column chooser');
  await page.keyboard.press('Escape');

  await home.open();
  await expect(home.list.getByRole('listitem')).toHaveCount(1);
  await expectAccessible(page, 'home (with campaigns)');

  await page.getByRole('button', { name: /^Delete / }).click();
  await expect(page.getByRole('dialog', { name: 'Delete campaign?' })).toBeVisible();
  await expectAccessible(page, 'delete dialog');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'New campaign' }).click();
  await expect(page.getByRole('dialog', { name: 'New campaign' })).toBeVisible();
  await expectAccessible(page, 'new campaign dialog');
});

test('the import screens, History and Settings', async ({ page }) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  await home.open();
  await home.createCampaign('Club members');
  await expect(page.getByRole('heading', { name: 'Import a file' })).toBeVisible();
  await expectAccessible(page, 'import (choose a file)');

  await importer.chooseFile(sharedFixture('unterminated-quote.csv'));
  await expect(importer.fileProblem()).toBeVisible();
  await expectAccessible(page, 'import (file problem)');

  await importer.chooseFile(sharedFixture('bad-rows.csv'));
  await expect(importer.mapping).toBeVisible();
  await importer.typeOf('email').selectOption('email');
  await expect(page.getByRole('note').first()).toBeVisible();
  await expectAccessible(page, 'import (mapping)');

  await page.getByLabel('Identity column').selectOption('email');
  await importer.startImport();
  await importer.expectFinished();
  await expect(importer.rejectedRows('bad-rows.csv')).toBeVisible();
  await expectAccessible(page, 'import (result with rejected rows)');

  await page.getByRole('button', { name: 'Import another file' }).click();
  await importer.chooseFile(fixture('events.csv'), 'events');
  await expect(page.getByLabel('Contact column')).toBeVisible();
  await expectAccessible(page, 'import (events mapping)');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();

  await campaign.section('History');
  const history = page.getByRole('table', { name: /Imports of this campaign/ });
  await expect(history).toContainText('bad-rows.csv');
  await history.getByRole('button', { name: 'Show rejected rows' }).click();
  await expect(importer.rejectedRows('bad-rows.csv', history)).toBeVisible();
  await expectAccessible(page, 'history (rejected rows open)');

  await campaign.section('Settings & backup');
  await expect(page.getByRole('heading', { name: 'Storage in this browser' })).toBeVisible();
  await expect(page.getByText(/used of/)).toBeVisible();
  await expectAccessible(page, 'settings & backup');

  await campaign.section('Contacts');
  await expect(new ContactsPage(page).grid).toBeVisible();
  await expectAccessible(page, 'contacts (after import)');
});

test('an empty campaign’s contacts screen', async ({ page }) => {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  await home.open();
  await home.createCampaign('Empty');
  await campaign.section('Contacts');
  await expect(page.getByRole('heading', { name: 'No contacts yet — import a CSV' })).toBeVisible();
  await expectAccessible(page, 'contacts (empty campaign)');
});

test('create a campaign and browse the demo with the keyboard alone', async ({ page }) => {
  const home = new HomePage(page);
  const contacts = new ContactsPage(page);
  await home.open();

  // New campaign: Tab to the button, Enter opens the dialog with the name field focused.
  await tabTo(page, page.getByRole('button', { name: 'New campaign' }).first());
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Campaign name')).toBeFocused();
  await page.keyboard.type('Keyboard only');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Keyboard only', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Import a file' })).toBeVisible();

  // Back to all campaigns, then load the demo.
  const allCampaigns = page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'All campaigns' });
  await tabTo(page, allCampaigns);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  await expect(home.campaign('Keyboard only')).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Load demo campaign' }));
  await page.keyboard.press('Enter');
  await expect(contacts.grid).toBeVisible({ timeout: 45_000 });

  // The demo's Contacts section, through its section link.
  const contactsLink = page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Contacts' });
  await tabTo(page, contactsLink);
  await page.keyboard.press('Enter');
  await expect(contactsLink).toHaveAttribute('aria-current', 'page');
  await expect(contacts.row(0).getByRole('gridcell').nth(1)).not.toBeEmpty();

  // Into the table: arrows move the row focus, Enter opens the contact.
  await tabTo(page, contacts.grid);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(contacts.grid).toHaveAttribute('aria-activedescendant', /-row-1$/);
  await expect(contacts.row(1)).toHaveClass(/\bfocused\b/);
  const email = (await contacts.row(1).getByRole('gridcell').nth(1).innerText()).trim();
  await page.keyboard.press('Enter');
  await expect(contacts.detail).toBeVisible();
  await expect(contacts.row(1)).toHaveAttribute('aria-selected', 'true');
  await expect(contacts.detail.getByRole('heading', { level: 2 })).toContainText(email);
  await expect(contacts.grid).toBeFocused();

  // Escape closes the contact and leaves the focus in the table.
  await page.keyboard.press('Escape');
  await expect(contacts.detail).toBeHidden();
  await expect(contacts.grid).toBeFocused();

  // Open it again, Tab into the panel to its Close button; Escape there gives the focus back.
  await page.keyboard.press('Enter');
  await expect(contacts.detail).toBeVisible();
  const closeButton = contacts.detail.getByRole('button', { name: 'Close contact' });
  await tabTo(page, closeButton);
  await expect(closeButton).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(contacts.detail).toBeHidden();
  await expect(contacts.grid).toBeFocused();
});

test('segments, the builder and their dialogs', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  await home.loadDemo();
  await expect(new ContactsPage(page).grid).toBeVisible({ timeout: 45_000 });
  await new CampaignPage(page).section('Segments');
  const segments = new SegmentsPage(page);
  await expect(segments.row('All participants')).toContainText('3,000');
  await expectAccessible(page, 'segments');

  // The builder with a condition, a nested group, a validation message and the live count.
  await segments.newSegment('Mrs in a group');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.rule('1', 'is');
  await segments.control('1', 'value').fill('Mrs');
  await page.getByRole('button', { name: '+ Add group', exact: true }).click();
  await page.getByRole('button', { name: '+ Add condition to group 2' }).click();
  await expect(segments.condition('2.1')).toBeVisible();
  await expectAccessible(page, 'builder (a condition not filled in yet)');
  await segments.filter('2.1', 'Viewed a page · event');
  await expect(segments.liveCount).toHaveText(/^[\d,]+$/, { timeout: 20_000 });
  await expectAccessible(page, 'builder (event condition in a group)');
  await segments.save();
  await page.getByRole('button', { name: 'Show SQL' }).click();
  await expect(page.getByRole('dialog', { name: 'SQL of this segment' })).toBeVisible();
  await expectAccessible(page, 'SQL dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('link', { name: /^[\d,]+ members$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Export members' }).click();
  await expect(page.getByRole('dialog', { name: /^Export members of/ })).toBeVisible();
  await expectAccessible(page, 'export members dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Save as template' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectAccessible(page, 'save as template dialog');
  await page.keyboard.press('Escape');

  // The list's own dialogs: templates, a manual segment and its members, delete.
  await new CampaignPage(page).section('Segments');
  await page.getByRole('button', { name: 'Templates' }).click();
  await expect(page.getByRole('dialog', { name: 'Segment templates' })).toBeVisible();
  await expectAccessible(page, 'templates dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'New manual segment' }).click();
  const named = page.getByRole('dialog', { name: 'New manual segment' });
  await named.getByLabel('Segment name').fill('Picked by hand');
  await expectAccessible(page, 'new manual segment dialog');
  await named.getByLabel('Segment name').press('Enter');
  // A new manual segment opens on its members.
  await expect(page.getByRole('dialog', { name: 'Members of “Picked by hand”' })).toBeVisible();
  await expectAccessible(page, 'edit members dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Delete Mrs in a group' }).click();
  await expect(page.getByRole('dialog', { name: 'Delete segment?' })).toBeVisible();
  await expectAccessible(page, 'delete segment dialog');
});

test('emailings: relay settings, suppressions, compose, preview, scheduled and overdue', async ({
  page,
  baseURL
}) => {
  relay = await startRealRelay({ relayPort: 0, smtpPort: 0, origin: new URL(baseURL!).origin });
  await campaignWithContacts(page, 'Accessible mail', contactsFile(3));
  await page.getByRole('link', { name: 'Emailings' }).click();
  await expect(page.getByRole('region', { name: 'No emailings yet' })).toBeVisible();
  await expectAccessible(page, 'emailings (none yet, relay settings, suppressions)');
  await configureRelay(page, relay.url, { confirmOverdue: true });
  const suppression = page.getByRole('region', { name: 'Suppression list' });
  await suppression.getByLabel('Address to suppress').fill('p2@example.org');
  await suppression.getByRole('button', { name: 'Add' }).click();
  await expect(
    suppression.getByRole('cell', { name: 'p2@example.org', exact: true })
  ).toBeVisible();
  await expectAccessible(page, 'relay connected, suppression list with an entry');

  const listUrl = page.url();
  await compose(page, 'Reminder');
  await page.getByLabel('HTML body').fill('<p>Dear {{frist_name}}</p>');
  await expect(page.getByRole('list', { name: 'Problems to fix before sending' })).toBeVisible();
  await expectAccessible(page, 'compose (a problem to fix)');
  await page.getByLabel('HTML body').fill('<p>Dear {{first_name | "friend"}}</p>');
  await expect(page.frameLocator('iframe[title="Preview of the message"]').locator('p')).toHaveText(
    'Dear Name0'
  );
  await page.getByRole('button', { name: 'Mobile' }).click();
  await expectAccessible(page, 'compose and preview (mobile width)');

  // A test message sent: the Analytics tab has figures and charts to check.
  await page.getByLabel('Send a test to').fill('me@example.org');
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Test sent' })).toBeVisible();

  // Scheduled in the past with "ask before sending an overdue emailing" on: the list, then
  // the overdue dialog at the next start.
  const past = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 16);
  await page.getByLabel(/^Send at/).fill(past);
  await page.getByRole('button', { name: 'Schedule' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Reminder' });
  await expect(row.getByText('Overdue')).toBeVisible();
  await expectAccessible(page, 'emailings list (scheduled, overdue)');
  await page.goto('about:blank');
  await page.goto(listUrl);
  const overdue = page.getByRole('dialog', {
    name: 'An emailing came due while the app was closed'
  });
  await expect(overdue).toBeVisible();
  await expectAccessible(page, 'overdue dialog');
  await overdue.getByRole('button', { name: 'Send now' }).click();
  await expect(overdue).toHaveCount(0);
  await expect(row.getByText('Finished')).toBeVisible({ timeout: 30_000 });

  // The dashboard of what was sent: figures, charts and their data tables.
  await page.getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('list', { name: 'Key figures' })).toBeVisible();
  await expectAccessible(page, 'analytics');
});

/**
 * Expects the focused element to show where the focus is: an outline or a ring on it or on
 * the label that wraps it (file inputs are visually hidden inside their label).
 */
async function expectFocusVisible(page: Page, what: string): Promise<void> {
  const seen = await page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'nothing focused';
    for (let i = 0; el && i < 3; i++, el = el.parentElement) {
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
      if (outline || s.boxShadow !== 'none') return 'visible';
    }
    return `no focus indicator on ${document.activeElement?.outerHTML.slice(0, 120)}`;
  });
  expect(seen, what).toBe('visible');
}

/** Tabs to a field, selects what it holds and types `text` over it. */
async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field, 60);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
}

test('from an import to a scheduled emailing with the keyboard alone', async ({
  page,
  baseURL
}) => {
  relay = await startRealRelay({ relayPort: 0, smtpPort: 0, origin: new URL(baseURL!).origin });
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();

  // A dialog opened and dismissed gives the focus back to the button that opened it.
  const newCampaign = page.getByRole('button', { name: 'New campaign' }).first();
  await tabTo(page, newCampaign);
  await expectFocusVisible(page, 'New campaign button');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await expect(dialog.getByLabel('Campaign name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(newCampaign).toBeFocused();
  await page.keyboard.press('Space');
  await expect(dialog.getByLabel('Campaign name')).toBeFocused();
  await page.keyboard.type('Keyboard mail');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Keyboard mail', level: 1 })).toBeVisible();

  // The file is chosen through the file input reached with Tab and opened with Space.
  const chooser = page.getByLabel('Choose a contacts file');
  await tabTo(page, chooser);
  await expectFocusVisible(page, 'file chooser');
  const [fileChooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.keyboard.press('Space')
  ]);
  await fileChooser.setFiles(contactsFile(3));
  const importButton = page.getByRole('button', { name: /^Import \d+ columns?$/ });
  await expect(page.getByRole('table', { name: /Columns of the file/ })).toBeVisible();
  await tabTo(page, page.getByLabel('Identity column'), 80);
  await expectFocusVisible(page, 'identity column');
  // Typing a name in a closed select picks the option it starts.
  await page.keyboard.type('email');
  await expect(page.getByLabel('Identity column')).toHaveValue('email');
  await tabTo(page, importButton, 80);
  await page.keyboard.press('Enter');
  await expect(page.getByText('Import finished', { exact: true })).toBeVisible({
    timeout: 30_000
  });
  // The Import button gave way to the progress, then to the result: the focus follows.
  await expect(page.getByRole('region', { name: 'Import finished' })).toBeFocused();

  // Emailings: the relay, then an emailing written and scheduled.
  const emailings = page
    .getByRole('navigation', { name: 'Campaign sections' })
    .getByRole('link', { name: 'Emailings' });
  await tabTo(page, emailings, 80);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'No emailings yet' })).toBeVisible();
  const panel = page.getByRole('region', { name: 'Relay settings' });
  await typeInto(page, panel.getByLabel('Relay address'), relay.url);
  await typeInto(page, panel.getByLabel('Token'), RELAY_TOKEN);
  await tabTo(page, panel.getByRole('button', { name: 'Test connection' }));
  await expectFocusVisible(page, 'Test connection');
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await tabTo(page, panel.getByRole('button', { name: 'Save relay settings' }), 80);
  await page.keyboard.press('Enter');

  await tabTo(page, page.getByRole('button', { name: 'New emailing' }), 80);
  await page.keyboard.press('Enter');
  await typeInto(page, page.getByLabel('Name', { exact: true }), 'Keyboard hello');
  await typeInto(page, page.getByLabel('From name'), 'The Shop');
  await typeInto(page, page.getByLabel('From address'), 'shop@example.org');
  await typeInto(page, page.getByLabel('Subject'), 'Hello ');
  // The merge-field picker inserts at the caret of the field last focused.
  await tabTo(
    page,
    page.getByRole('group', { name: 'Insert a merge field' }).getByRole('button', {
      name: 'first_name'
    })
  );
  await expectFocusVisible(page, 'merge field button');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Subject')).toHaveValue('Hello {{first_name}}');
  await typeInto(page, page.getByLabel('HTML body'), '<p>Dear {{first_name | "friend"}}</p>');
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '3 messages to send'
  );
  const sendAt = page.getByLabel(/^Send at/);
  await tabTo(page, sendAt, 80);
  await expectFocusVisible(page, 'send at');
  // Chromium's date and time field (mm/dd/yyyy, hh:mm AM/PM here), typed segment by segment:
  // each two-digit segment moves on by itself, the year (up to six digits) with an arrow.
  await page.keyboard.type('01012031');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('0930A');
  await expect(sendAt).toHaveValue('2031-01-01T09:30');
  await tabTo(page, page.getByRole('button', { name: 'Schedule' }), 80);
  await page.keyboard.press('Enter');
  const row = page.getByRole('row').filter({ hasText: 'Keyboard hello' });
  await expect(row.getByText('Scheduled')).toBeVisible();
  await expect(row).toContainText('2031');
  // The Schedule button went with the editor: the focus is on the emailing in the list.
  await expect(row.getByRole('link', { name: 'Keyboard hello' })).toBeFocused();
  await expectFocusVisible(page, 'the scheduled emailing in the list');
  expect(relay.sink.received).toHaveLength(0);
});

test('a delivery-event import, a contact’s Emailing tab and the bounce reasons', async ({
  page
}) => {
  const delivery = (name: string) =>
    fileURLToPath(new URL(`../fixtures/delivery/${name}`, import.meta.url));
  await campaignWithContacts(page, 'Delivery', delivery('participants.csv'));
  await page.getByRole('button', { name: 'Import another file' }).click();
  await page.getByRole('radio', { name: /Delivery events/ }).check();
  await page
    .getByLabel('Choose a delivery-event export')
    .setInputFiles(delivery('sendgrid-unmatched.csv'));
  await expect(page.getByTestId('detected-preset')).toBeVisible();
  await expectAccessible(page, 'delivery import (mapping)');
  await page.getByRole('button', { name: 'Import delivery events' }).click();
  await new ImportPage(page).expectFinished();
  await expect(
    page.getByRole('region', { name: 'Delivery figures of this campaign' })
  ).toBeVisible();
  await expectAccessible(page, 'delivery import (result, rows listed, figures)');

  await new CampaignPage(page).section('Contacts');
  const contacts = new ContactsPage(page);
  await contacts.search.fill('alice@example.com');
  await contacts.expectTotal('1 of 5 contacts match “alice@example.com”');
  await contacts.openRow(0);
  await contacts.detail.getByRole('tab', { name: /Emailing/ }).click();
  await expect(
    contacts.detail.getByRole('list', { name: 'History of this message' })
  ).toBeVisible();
  await expectAccessible(page, 'contact panel (Emailing tab)');

  await new CampaignPage(page).section('Settings & backup');
  await expect(page.getByRole('region', { name: 'Bounce reasons' })).toBeVisible();
  await expectAccessible(page, 'settings (bounce reasons)');
});
