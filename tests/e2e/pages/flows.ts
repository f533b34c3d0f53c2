/**
 * Multi-step flows several specs start from (a campaign with contacts imported), done through
 * the screens like a person would, and the paths of the fixture files.
 */
import { expect, type Page } from '@playwright/test';
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
