/** Starts the real relay on a fresh data folder for a test, with settings given as env. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, type Env } from '../../../relay/config';
import { startRelay, type Relay } from '../../../relay/server';

export const TOKEN = 'test-token';

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `relay-${name}-`));
}

export async function relayAt(port: number, dataDir: string, env: Env = {}): Promise<Relay> {
  const config = readConfig({
    RELAY_PORT: String(port),
    RELAY_TOKEN: TOKEN,
    RELAY_DATA_DIR: dataDir,
    RELAY_ALLOWED_ORIGINS: 'http://localhost:4173',
    ...env
  });
  return startRelay(config, { log: () => {} });
}

export function auth(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...extra };
}

export function message(i: number, over: Record<string, unknown> = {}) {
  return {
    messageId: `m${i}`,
    to: { email: `person${i}@example.org`, name: `Person ${i}` },
    from: { email: 'news@shop.example', name: 'Boutique Été' },
    subject: `Hello ${i}`,
    html: `<p>Hello ${i}</p>`,
    text: `Hello ${i}`,
    ...over
  };
}

export function batchBody(id: string, messages: unknown[], extra: Record<string, unknown> = {}) {
  return { batchId: id, emailingId: 'em1', messages, ...extra };
}

export async function postBatch(base: string, key: string | null, body: unknown) {
  const headers = auth(key === null ? {} : { 'idempotency-key': key });
  const res = await fetch(`${base}/v1/batches`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body)
  });
  return { res, json: (await res.json()) as Record<string, unknown> };
}
