/**
 * Emailings through the reference relay in SMTP mode: the test starts a real SMTP server
 * (smtp-server) and the relay forwarding to it, composes with merge tags in the app, sends
 * to a segment, and reads what arrived with mailparser: exactly one MIME message per
 * expected recipient, merged correctly, none to the suppressed address.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../relay/config';
import { startRelay, type Relay } from '../../relay/server';
import { startSmtpSink, type SmtpSink } from '../unit/relay/smtp-sink';
import { campaignWithContacts } from './pages/flows';

const TOKEN = 'e2e-relay-token';
let relay: Relay | null = null;
let sink: SmtpSink | null = null;
test.afterEach(async () => {
  await relay?.close();
  await sink?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

test('send to a segment through the relay over SMTP: one parsed message per recipient', async ({
  page,
  baseURL
}) => {
  sink = await startSmtpSink({ port: await freePort() });
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'slice-e2e-relay-'));
  relay = await startRelay(
    readConfig({
      RELAY_PORT: String(port),
      RELAY_TOKEN: TOKEN,
      RELAY_DATA_DIR: dataDir,
      RELAY_ALLOWED_ORIGINS: new URL(baseURL ?? 'http://localhost:4321').origin,
      SMTP_URL: sink.url
    }),
    { log: () => {} }
  );
  const lines = ['id,email,first_name'];
  for (let i = 0; i < 6; i++) lines.push(`c${i},p${i}@example.org,${i === 4 ? '' : `Élise${i}`}`);
  lines.push('c9,blocked@example.org,Blocked');
  const file = join(mkdtempSync(join(tmpdir(), 'slice-smtp-')), 'people.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  await campaignWithContacts(page, 'SMTP campaign', file);

  await page.getByRole('link', { name: 'Emailings' }).click();
  const settings = page.getByRole('region', { name: 'Relay settings' });
  await settings.getByLabel('Relay address').fill(`http://127.0.0.1:${port}`);
  await settings.getByLabel('Token').fill('wrong');
  await settings.getByRole('button', { name: 'Test connection' }).click();
  await expect(settings.getByRole('alert')).toContainText('refused the token (HTTP 401)');
  await settings.getByLabel('Token').fill(TOKEN);
  await settings.getByRole('button', { name: 'Test connection' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await settings.getByRole('button', { name: 'Save relay settings' }).click();
  const suppression = page.getByRole('region', { name: 'Suppression list' });
  await suppression.getByLabel('Address to suppress').fill('blocked@example.org');
  await suppression.getByRole('button', { name: 'Add' }).click();
  await expect(
    suppression.getByRole('cell', { name: 'blocked@example.org', exact: true })
  ).toBeVisible();

  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Spring news');
  await page.getByLabel('From name').fill('Boutique');
  await page.getByLabel('From address').fill('news@shop.example');
  await page.getByLabel('Subject').fill('Bonjour {{first_name | "ami"}}');
  await page.getByLabel('HTML body').fill('<p>Hello {{first_name | "friend"}} <i>&lt;3</i></p>');
  await expect(page.getByRole('status', { name: 'Messages to send' })).toContainText(
    '6 messages to send for 7 contacts'
  );
  await page.getByRole('button', { name: 'Send now' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Spring news' });
  await expect(row.getByText('Finished')).toBeVisible({ timeout: 45_000 });
  await expect(row).toContainText('6 / 6 sent');

  await expect.poll(() => sink?.received.length ?? 0).toBe(6);
  const parsed = await Promise.all(sink.received.map((r) => sink!.parse(r.raw)));
  const byTo = new Map(
    parsed.map((m) => [m.to && !Array.isArray(m.to) ? m.to.value[0].address : '', m])
  );
  expect([...byTo.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `p${i}@example.org`));
  expect(sink.received.flatMap((r) => r.to)).not.toContain('blocked@example.org');
  const one = byTo.get('p1@example.org');
  expect(one?.subject).toBe('Bonjour Élise1');
  expect(one?.html).toContain('<p>Hello Élise1 <i>&lt;3</i></p>');
  expect(one?.text).toContain('Hello Élise1 <3');
  expect(one?.from?.value[0]).toMatchObject({ address: 'news@shop.example', name: 'Boutique' });
  for (const r of sink.received) {
    expect(r.raw.toString('utf8')).toMatch(
      /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im
    );
  }
  expect(byTo.get('p4@example.org')?.subject).toBe('Bonjour ami');
});
