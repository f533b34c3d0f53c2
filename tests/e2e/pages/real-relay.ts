/**
 * The reference relay (relay/) in SMTP mode forwarding to a real SMTP server (smtp-server),
 * both started by a spec on ports it names, and the steps a person takes to point the app at
 * the relay. Every emailing spec sends through these real parts, never a stand-in.
 */
import { expect, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../relay/config';
import { startRelay, type Relay } from '../../../relay/server';
import { startSmtpSink, type SmtpSink } from '../../unit/relay/smtp-sink';

export const RELAY_TOKEN = 'e2e-relay-token';

export interface RealRelay {
  relay: Relay;
  sink: SmtpSink;
  url: string;
  dataDir: string;
  /** Closes the relay server object (as if the process died); the SMTP server stays up. */
  kill(): Promise<void>;
  /** Starts the relay again on the same port and data dir. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the SMTP server on `smtpPort` and the relay on `relayPort`, allowing `origin`; a port
 * of 0 takes a free one (the relay keeps it across restart()).
 */
export async function startRealRelay(options: {
  relayPort: number;
  smtpPort: number;
  origin: string;
  beforeAccept?: () => Promise<void>;
  /** More relay settings (e.g. RELAY_PUBLIC_URL to track opens and clicks). */
  env?: Record<string, string>;
}): Promise<RealRelay> {
  const sink = await startSmtpSink({ port: options.smtpPort, beforeAccept: options.beforeAccept });
  const dataDir = mkdtempSync(join(tmpdir(), 'slice-e2e-relay-'));
  let config = readConfig({
    RELAY_PORT: String(options.relayPort),
    RELAY_TOKEN,
    RELAY_DATA_DIR: dataDir,
    RELAY_ALLOWED_ORIGINS: options.origin,
    SMTP_URL: sink.url,
    ...options.env
  });
  let relay: Relay | null = await startRelay(config, { log: () => {} });
  config = { ...config, port: relay.port };
  const handle: RealRelay = {
    get relay() {
      if (!relay) throw new Error('The relay is not running.');
      return relay;
    },
    sink,
    url: `http://127.0.0.1:${relay.port}`,
    dataDir,
    async kill() {
      const r = relay;
      relay = null;
      await r?.close();
    },
    async restart() {
      relay = await startRelay(config, { log: () => {} });
    },
    async close() {
      await handle.kill();
      await sink.close();
    }
  };
  return handle;
}

/** A port free on this machine now (the system picks it), for servers a spec starts. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
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

/** Addresses the SMTP server received, one entry per message. */
export function receivedAddresses(sink: SmtpSink): string[] {
  return sink.received.flatMap((r) => r.to);
}

/** A contacts CSV with `n` people p0…p(n-1)@example.org (p2 has no first name). */
export function contactsFile(n: number, extra: string[] = []): string {
  const lines = ['id,email,first_name'];
  for (let i = 0; i < n; i++) lines.push(`c${i},p${i}@example.org,${i === 2 ? '' : `Name${i}`}`);
  lines.push(...extra);
  const path = join(mkdtempSync(join(tmpdir(), 'slice-mail-')), 'people.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Fills the relay settings on the Emailings tab, tests the connection and saves. */
export async function configureRelay(
  page: Page,
  url: string,
  options: { batchSize?: number; rate?: number; confirmOverdue?: boolean } = {}
): Promise<void> {
  const panel = page.getByRole('region', { name: 'Relay settings' });
  await panel.getByLabel('Relay address').fill(url);
  await panel.getByLabel('Token').fill(RELAY_TOKEN);
  await panel.getByLabel('Batch size').fill(String(options.batchSize ?? 100));
  await panel
    .getByLabel('Rate (messages per second)')
    .fill(options.rate ? String(options.rate) : '');
  if (options.confirmOverdue !== undefined)
    await panel
      .getByLabel('Ask before sending an overdue', { exact: false })
      .setChecked(options.confirmOverdue);
  await panel.getByRole('button', { name: 'Test connection' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await panel.getByRole('button', { name: 'Save relay settings' }).click();
}

/** Opens a new emailing and fills it with a merge tag in the subject and the HTML body. */
export async function compose(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New emailing' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('From name').fill('The Shop');
  await page.getByLabel('From address').fill('shop@example.org');
  await page.getByLabel('Subject').fill('Hello ');
  await page.getByLabel('Subject').focus();
  await page
    .getByRole('group', { name: 'Insert a merge field' })
    .getByRole('button', { name: 'first_name' })
    .click();
  await page.getByLabel('HTML body').fill('<p>Dear {{first_name | "friend"}} &amp; <b>co</b></p>');
}
