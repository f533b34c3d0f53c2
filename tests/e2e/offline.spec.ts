/**
 * Offline and installable (issue 11 part 6): after one visit the app loads and works with the
 * server gone — the demo campaign loaded, a segment counted in the worker — because the service
 * worker stored every built file, the worker's chunks included; the web app manifest and its
 * icons are served; a new version on the host is picked up on the next load and keeps every
 * campaign. All under the sub-path /slice/app/, from a server this spec starts and stops.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignPage } from './pages/campaign-page';
import { ContactsPage } from './pages/contacts-page';
import { fixture } from './pages/flows';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import-page';
import { SegmentsPage } from './pages/segments-page';
import { copyOfBuild, startStaticServer, type StaticServer } from './pages/static-server';

let server: StaticServer | null = null;
test.afterEach(async () => server?.stop());

/** Waits until the service worker controls the page and has stored the app. */
async function expectStoredForOffline(page: Page): Promise<string[]> {
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 30_000
    })
    .toBe(true);
  return page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

async function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(() => caches.keys());
}

test('after one visit the app loads and counts a segment with the server gone', async ({
  page,
  context
}) => {
  test.setTimeout(120_000);
  server = await startStaticServer(copyOfBuild());
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  const stored = await expectStoredForOffline(page);
  expect(stored).toContain('/slice/app/');
  expect(stored).toContain('/slice/app/demo/contacts.csv');
  expect(stored.some((p) => /\/_app\/immutable\/workers\/engine\.worker-.*\.js$/.test(p))).toBe(
    true
  );

  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  await new HomePage(page).loadDemo();
  await expect(new ContactsPage(page).grid).toBeVisible({ timeout: 45_000 });
  await new CampaignPage(page).section('Segments');
  const segments = new SegmentsPage(page);
  await segments.newSegment('Offline count');
  await segments.addCondition();
  await segments.filter('1', 'civility · Category');
  await segments.rule('1', 'is');
  await segments.control('1', 'value').fill('Mrs');
  await expect(segments.liveCount).toHaveText(/^[1-9][\d,]*$/, { timeout: 20_000 });
});

test('installable: the manifest names the app, its start and its icons, all served', async ({
  page
}) => {
  server = await startStaticServer(copyOfBuild());
  await page.goto(server.url);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifestUrl = new URL(href!, server.url);
  const response = await page.request.get(manifestUrl.href);
  expect(response.headers()['content-type']).toBe('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({ name: expect.stringContaining('Slice'), display: 'standalone' });
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(server.url);
  expect(new URL(manifest.scope, manifestUrl).href).toBe(server.url);
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons as { src: string; type: string }[]) {
    const file = await page.request.get(new URL(icon.src, manifestUrl).href);
    expect(file.status(), icon.src).toBe(200);
    expect(file.headers()['content-type']).toBe(icon.type);
  }
  // Chromium itself reads the manifest without a complaint.
  const cdp = await page.context().newCDPSession(page);
  const { errors } = await cdp.send('Page.getAppManifest');
  expect(errors).toEqual([]);
});

test('a new version is picked up on the next load and keeps the campaigns', async ({
  page,
  context
}) => {
  test.setTimeout(120_000);
  server = await startStaticServer(copyOfBuild());
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Campaigns', level: 1 })).toBeVisible();
  const home = new HomePage(page);
  await home.createCampaign('Kept across versions');
  const importer = new ImportPage(page);
  await importer.chooseFile(fixture('contacts-basic.csv'));
  await importer.startImport();
  await importer.expectFinished();
  await expectStoredForOffline(page);
  const version = JSON.parse(readFileSync(join(server.dir, '_app/version.json'), 'utf8'))
    .version as string;
  expect(await cacheNames(page)).toEqual([`slice-${version}`]);

  // Publish version 2 on the same host: a new version number and a page that says so.
  const next = String(Number(version) + 1);
  const swPath = join(server.dir, 'service-worker.js');
  writeFileSync(swPath, readFileSync(swPath, 'utf8').replaceAll(version, next));
  writeFileSync(join(server.dir, '_app/version.json'), JSON.stringify({ version: next }));
  const indexPath = join(server.dir, 'index.html');
  writeFileSync(
    indexPath,
    readFileSync(indexPath, 'utf8').replace(
      '<title>',
      '<meta name="slice-release" content="second" /><title>'
    )
  );

  await page.goto(server.url);
  await expect(page.locator('meta[name="slice-release"]')).toHaveAttribute('content', 'second');
  await expect(home.campaign('Kept across versions')).toContainText(/\b\d+ contacts?\b/);
  // The new worker takes over and the old version's files are cleared away.
  await expect.poll(() => cacheNames(page), { timeout: 30_000 }).toEqual([`slice-${next}`]);

  // And version 2 is what loads offline.
  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('meta[name="slice-release"]')).toHaveAttribute('content', 'second');
  await home.campaign('Kept across versions').getByRole('heading').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Kept across versions', level: 1 })).toBeVisible();
  await new CampaignPage(page).section('Contacts');
  await expect(new ContactsPage(page).row(0).getByRole('gridcell').nth(1)).not.toBeEmpty();
});
