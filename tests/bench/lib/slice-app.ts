/**
 * The Slice app as the Chromium benchmarks drive it: by roles and labels, the way a person
 * uses it (create a campaign, choose a file on the Import screen, start the import, read the
 * outcome). One place to follow the UI when it changes.
 */
import type { Page } from '@playwright/test';

/** Generous limits: a slow machine should give a slow figure, not a timeout. */
export const LONG_WAIT = 15 * 60_000;

export async function openHome(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
}

/** Creates a campaign from the home screen; returns its id (the app lands on its Import screen). */
export async function createCampaign(page: Page, baseUrl: string, name: string): Promise<string> {
  await openHome(page, baseUrl);
  await page.getByRole('button', { name: 'New campaign' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Campaign name').fill(name);
  await dialog.getByRole('button', { name: 'Create campaign' }).click();
  await page.waitForURL(/#\/campaigns\/[^/]+\/import/);
  const id = /#\/campaigns\/([^/]+)\/import/.exec(page.url())?.[1];
  if (!id) throw new Error(`no campaign id in ${page.url()}`);
  return decodeURIComponent(id);
}

export async function openImport(page: Page, baseUrl: string, campaignId: string): Promise<void> {
  await page.goto(`${baseUrl}#/campaigns/${encodeURIComponent(campaignId)}/import`);
  const another = page.getByRole('button', { name: 'Import another file' });
  if (await another.isVisible()) await another.click();
}

export interface ImportTiming {
  /** File chosen -> outcome shown (preview, mapping step and import). */
  totalMs: number;
  /** Import button pressed -> outcome shown. */
  importMs: number;
  /** What the outcome says, e.g. "contacts.csv: 1,000,000 rows read in 8 s." */
  summary: string;
  rejected: number;
}

/**
 * On the Import screen: choose the kind, choose the file, accept the proposed mapping, import,
 * and wait for the outcome. Throws with the app's message when the import does not finish.
 */
export async function importFile(
  page: Page,
  kind: 'contacts' | 'events',
  path: string
): Promise<ImportTiming> {
  await page.getByRole('radio', { name: kind === 'contacts' ? /^Contacts/ : /^Events/ }).check();
  const input = page.getByLabel(
    kind === 'contacts' ? 'Choose a contacts file' : 'Choose an events file'
  );
  const start = page.getByRole('button', {
    name: kind === 'contacts' ? /^Import \d+ columns?$/ : /^Import events$/
  });
  const t0 = performance.now();
  await input.setInputFiles(path);
  await start.click({ timeout: LONG_WAIT });
  const t1 = performance.now();
  const finished = page.getByRole('status').filter({ hasText: 'Import finished' });
  const stopped = page.getByText(/^(Import failed|Import cancelled)/);
  await finished.or(stopped).first().waitFor({ timeout: LONG_WAIT });
  const t2 = performance.now();
  if (!(await finished.isVisible())) {
    const why = await page.getByRole('alert').allInnerTexts();
    throw new Error(`the ${kind} import did not finish: ${why.join(' / ')}`);
  }
  // The outcome's "Rejected" figure; -1 when the screen does not show it.
  const rejected = page.getByRole('group', { name: 'Rejected', exact: true });
  const rejectedText = (await rejected.count()) > 0 ? await rejected.first().innerText() : '';
  return {
    totalMs: t2 - t0,
    importMs: t2 - t1,
    summary: (await finished.innerText()).replace(/\s+/g, ' ').trim(),
    rejected: /\d/.test(rejectedText) ? Number(rejectedText.replace(/\D/g, '')) : -1
  };
}

/**
 * On the campaigns list (already open), clicks the campaign; returns the click's time
 * (performance.now() in this process) so the caller can time what follows.
 */
export async function clickCampaign(page: Page, name: string): Promise<number> {
  // The campaign's heading in the home list (the app's side navigation links to it too).
  const link = page.getByRole('heading', { name, level: 2, exact: true }).getByRole('link');
  await link.waitFor();
  const t0 = performance.now();
  await link.click();
  return t0;
}

/** Waits until the open campaign shows its first count of `rows` contacts; returns the text. */
export async function waitForFirstCount(page: Page, rows: number): Promise<string> {
  const digits = String(rows).split('').join('[,.\\s\\u202f\\u00a0]?');
  // Checked on every animation frame: Playwright's locator waits back off to 500 ms between
  // checks, which would add up to half a second to what is measured.
  const handle = await page.waitForFunction(
    (source) => {
      const re = new RegExp(source);
      for (const el of document.querySelectorAll('[role="status"]')) {
        const text = (el.textContent ?? '').trim();
        if (re.test(text)) return text;
      }
      return null;
    },
    `^${digits} contacts$`,
    { polling: 'raf', timeout: LONG_WAIT }
  );
  return String(await handle.jsonValue());
}

/** Where the last finished import spent its time (ms per phase), read from the app's database. */
export async function lastImportPhases(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('slice');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('imports').objectStore('imports').getAll();
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const done = (
              req.result as { finishedAt: string | null; phasesMs?: Record<string, number> }[]
            )
              .filter((r) => r.finishedAt && r.phasesMs)
              .sort((a, b) => (a.finishedAt! < b.finishedAt! ? -1 : 1));
            db.close();
            resolve(done.at(-1)?.phasesMs ?? {});
          };
        };
      })
  );
}

/** The median of each phase over several imports, as `phase_<name>_ms` result fields. */
export function phaseFields(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  const names = new Set(runs.flatMap((r) => Object.keys(r)));
  for (const name of names) {
    const values = runs.map((r) => r[name] ?? 0).sort((a, b) => a - b);
    out[`phase_${name}_ms`] = values[values.length >> 1];
  }
  return out;
}
