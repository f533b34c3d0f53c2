/**
 * Multi-step flows several specs start from (a campaign with contacts imported), done through
 * the screens like a person would, and the paths of the fixture files.
 */
import { expect, type Page } from '@playwright/test';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CampaignPage } from './campaign-page';
import { HomePage } from './home-page';
import { ImportPage } from './import-page';

/** Absolute path of a file in tests/e2e/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Absolute path of a file in tests/fixtures/csv, the CSV fixtures shared with the unit tests. */
export function sharedFixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/csv/${name}`, import.meta.url));
}

/** Creates a campaign and imports a contacts file with the proposed mapping. */
export async function campaignWithContacts(
  page: Page,
  name: string,
  file: string
): Promise<{ home: HomePage; campaign: CampaignPage; importer: ImportPage }> {
  const home = new HomePage(page);
  const campaign = new CampaignPage(page);
  const importer = new ImportPage(page);
  await home.open();
  await home.createCampaign(name);
  await importer.chooseFile(file);
  await expect(importer.mapping).toBeVisible();
  await importer.startImport();
  await importer.expectFinished();
  return { home, campaign, importer };
}

/**
 * Writes a large CSV (header, then `rows` lines made by `line(i)`) through a stream, so that
 * files of tens of megabytes never sit whole in the test's memory.
 */
export async function writeLargeCsv(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string
): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const batch = 10_000;
  if (!out.write(header + '\n')) await once(out, 'drain');
  for (let start = 0; start < rows; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + batch); i++) text += line(i) + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
