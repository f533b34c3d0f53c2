/**
 * The Slice app's segment editor and Emailings tab as the send benchmark drives them: by roles
 * and labels, the way a person does (a segment of one attribute rule, the relay settings, an
 * emailing with merge tags targeting that segment). One place to follow the UI when it changes.
 */
import type { Page } from '@playwright/test';
import { LONG_WAIT } from './slice-app';

/** A setup step (a count, a save) that takes longer than this is stuck, not slow. */
const SETUP_WAIT = 120_000;

const campaignPath = (baseUrl: string, campaignId: string, rest: string) =>
  `${baseUrl}#/campaigns/${encodeURIComponent(campaignId)}/${rest}`;

/** Saves and generates a segment of one text condition once its live count is `expected`. */
export async function createTextSegment(
  page: Page,
  baseUrl: string,
  campaignId: string,
  segment: { name: string; field: string; rule: string; value: string; expected: number }
): Promise<void> {
  await page.goto(campaignPath(baseUrl, campaignId, 'segments/new'));
  await page.getByLabel('Segment name').fill(segment.name);
  await page.getByRole('button', { name: '+ Add condition', exact: true }).click();
  await page.getByLabel('Condition 1: filter').selectOption(`field:${segment.field}`);
  await page.getByLabel('Condition 1: rule').selectOption(segment.rule);
  await page.getByLabel('Condition 1: value', { exact: true }).fill(segment.value);
  const count = page.getByLabel('Matching contacts');
  await count
    .filter({ hasText: segment.expected.toLocaleString('en-US') })
    .waitFor({ timeout: SETUP_WAIT })
    .catch(async () => {
      throw new Error(
        `the segment counts ${await count.innerText()}, not ${segment.expected} contacts`
      );
    });
  // Generate saves it and stores its membership, which the emailing's audience count reads.
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page
    .getByRole('link', { name: `${segment.expected.toLocaleString('en-US')} members` })
    .waitFor({ timeout: SETUP_WAIT });
}

/** On the Emailings tab: relay address, token and batch size, tested, then saved. */
export async function configureRelay(
  page: Page,
  relay: { url: string; token: string; batchSize?: number }
): Promise<string> {
  const panel = page.getByRole('region', { name: 'Relay settings' });
  await panel.getByLabel('Relay address').fill(relay.url);
  await panel.getByLabel('Token').fill(relay.token);
  if (relay.batchSize) await panel.getByLabel('Batch size').fill(String(relay.batchSize));
  await panel.getByLabel('Rate (messages per second)').fill('');
  await panel.getByRole('button', { name: 'Test connection' }).click();
  const connected = panel.getByRole('status').filter({ hasText: 'Connected' });
  const failed = panel.getByRole('alert');
  await connected.or(failed).first().waitFor();
  if (!(await connected.isVisible()))
    throw new Error(`the relay test failed: ${await failed.first().innerText()}`);
  await panel.getByRole('button', { name: 'Save relay settings' }).click();
  return (await panel.getByLabel('Batch size').inputValue()) || '';
}

export interface Composed {
  name: string;
  /** What the editor says will be sent, e.g. "100,000 messages to send for 100,000 contacts". */
  audience: string;
}

/**
 * New emailing from the Emailings tab: sender, a subject with a merge tag inserted with the
 * field picker, an HTML body with a merge tag and fallback, and `segmentName` as the only
 * target; resolves once the editor shows `expected` messages to send.
 */
export async function composeEmailing(
  page: Page,
  options: { name: string; segmentName: string; expected: number }
): Promise<Composed> {
  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill(options.name);
  await page.getByLabel('From name').fill('Boutique Été');
  await page.getByLabel('From address').fill('news@shop.example');
  await page.getByLabel('Subject').fill('Nouveautés pour vous, ');
  await page.getByLabel('Subject').focus();
  await page
    .getByRole('group', { name: 'Insert a merge field' })
    .getByRole('button', { name: 'first_name', exact: true })
    .click();
  await page
    .getByLabel('HTML body')
    .fill(
      '<p>Bonjour {{first_name | "cher client"}},</p>' +
        '<p>Voici les nouveautés de la semaine, choisies pour vous à {{city | "votre ville"}}.</p>' +
        '<p><a href="https://shop.example/offres">Voir les offres</a></p>'
    );
  const targets = page.getByRole('group', { name: 'Send to' });
  const target = targets.getByRole('checkbox', { name: options.segmentName });
  await target.check();
  for (const box of await targets.getByRole('checkbox').all()) {
    const label = (await box.locator('xpath=..').innerText()).trim();
    if (label.startsWith(options.segmentName) || label.startsWith('Update the segments')) continue;
    if (await box.isChecked()) await box.uncheck();
  }
  const audience = page.getByRole('status', { name: 'Messages to send' });
  await audience
    .filter({ hasText: `${options.expected.toLocaleString('en-US')} messages to send` })
    .waitFor({ timeout: SETUP_WAIT });
  await page.getByRole('list', { name: 'Problems to fix before sending' }).waitFor({
    state: 'detached'
  });
  return { name: options.name, audience: (await audience.innerText()).replace(/\s+/g, ' ') };
}

/**
 * In the Scheduled view: waits until the emailing's row says Finished with `total / total
 * sent`; returns the row's text. Checked every 50 ms in the page (the view itself refreshes
 * once a second, which bounds the precision of what is measured).
 */
export async function waitForFinished(page: Page, name: string, total: number): Promise<string> {
  const sent = `${total.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} sent`;
  const handle = await page.waitForFunction(
    ({ name, sent }) => {
      for (const row of document.querySelectorAll('tr')) {
        const text = (row.textContent ?? '').replace(/\s+/g, ' ');
        if (!text.includes(name)) continue;
        if (/Failed|Paused|Cancelled/.test(text)) return `stopped: ${text.trim()}`;
        if (text.includes('Finished') && text.includes(sent)) return text.trim();
      }
      return null;
    },
    { name, sent },
    { polling: 50, timeout: LONG_WAIT }
  );
  const text = String(await handle.jsonValue());
  if (text.startsWith('stopped: ')) throw new Error(`the emailing did not finish: ${text}`);
  return text;
}
