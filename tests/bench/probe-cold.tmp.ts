// TEMPORARY probe (cold-open timing); deleted before the report.
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from '@playwright/test';
import { startAppServer } from './lib/app-server';
import { clickCampaign, createCampaign, importFile, openHome, waitForFirstCount } from './lib/slice-app';

const PROFILE = '/tmp/cold/profile';
const RUNS = Number(process.env.RUNS ?? 5);

async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(PROFILE, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 }
  });
}

const server = await startAppServer(4398);
const base = server.url;
const fresh = !existsSync(PROFILE);
let ctx = await launch();
if (fresh) {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await createCampaign(page, base, 'Bench 1m');
  await importFile(page, 'contacts', '/work/main/tests/bench/data/contacts-1m.csv');
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importFile(page, 'events', '/work/main/tests/bench/data/events-5m.csv');
  console.log('filled');
}
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await ctx.close();
  ctx = await launch();
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('worker', (w) => w.on('console', (m) => logs.push('W ' + m.text())));
  await openHome(page, base);
  const t0 = await clickCampaign(page, 'Bench 1m');
  const c0 = Date.now() % 100000;
  await waitForFirstCount(page, 1_000_000);
  logs.push(`[cold] click ${c0} shown ${Date.now() % 100000}`);
  const ms = performance.now() - t0;
  times.push(ms);
  await page.waitForTimeout(Number(process.env.LINGER ?? 3000));
  console.log(`run ${i}: ${ms.toFixed(0)} ms`);
  for (const l of logs.filter((l) => l.includes('[cold]'))) console.log('   ', l);
}
times.sort((a, b) => a - b);
console.log('median', times[Math.floor(times.length / 2)].toFixed(0), 'all', times.map((t) => t.toFixed(0)).join(' '));
await ctx.close();
await server.stop();
