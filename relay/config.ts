/**
 * The relay's settings, read from environment variables (SPEC.md section 4 names the main
 * ones; README "Relay" documents every one). A bad value stops the relay with a message
 * naming the variable and what it expected.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface RelayConfig {
  port: number;
  host: string;
  token: string;
  /** True when the token was generated because RELAY_TOKEN was not set (printed at start). */
  tokenGenerated: boolean;
  dataDir: string;
  outboxDir: string;
  /** Origins allowed by CORS; `*` allows any. */
  allowedOrigins: string[];
  /** When set, mail goes out over SMTP instead of into the outbox. */
  smtpUrl: string | null;
  smtpMaxConnections: number;
  smtpMaxMessages: number;
  /** Attempts for a message answered with 4xx (the first send included). */
  smtpAttempts: number;
  /** First backoff after a 4xx, doubled at each further attempt. */
  smtpRetryMs: number;
  /** Public base of the tracking and unsubscribe links; null: no tracking, local links. */
  publicUrl: string | null;
  unsubscribeMailto: string | null;
  maxBatch: number;
  /** Seconds a key is kept after its batch closed: at least 24 h (SPEC.md section 4). */
  idempotencyTtlSeconds: number;
  /** Set only by RELAY_TEST_IDEMPOTENCY_TTL (tests of what happens past the retention). */
  testRetention: boolean;
  maxBodyBytes: number;
  /** A click this soon after delivery is flagged `machine: true`. */
  machineClickSeconds: number;
  dkim: DkimSettings | null;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name}="${raw}": expected a whole number from ${min} to ${max}.`);
  return n;
}

function httpUrl(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}="${raw}": not a URL (expected e.g. https://relay.example.com).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${name}="${raw}": expected an http:// or https:// URL.`);
  return raw.replace(/\/+$/, '');
}

function smtpUrl(env: Env): string | null {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SMTP_URL: not a URL (expected smtp://user:pass@host:port).`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError(`SMTP_URL: expected smtp:// or smtps://, got ${url.protocol}//.`);
  if (!url.hostname) throw new ConfigError('SMTP_URL: the host is missing.');
  return raw;
}

function origins(env: Env): string[] {
  const raw = env.RELAY_ALLOWED_ORIGINS;
  if (raw === undefined || raw.trim() === '')
    return ['4173', '5173'].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
  return raw
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean)
    .map((o) => {
      if (o === '*') return o;
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new ConfigError(
          `RELAY_ALLOWED_ORIGINS: "${o}" is not an origin (expected e.g. http://localhost:4173).`
        );
      }
      if (url.origin !== o)
        throw new ConfigError(
          `RELAY_ALLOWED_ORIGINS: "${o}" is not an origin; did you mean "${url.origin}"?`
        );
      return o;
    });
}

function dkim(env: Env): DkimSettings | null {
  const domainName = env.RELAY_DKIM_DOMAIN?.trim();
  const keySelector = env.RELAY_DKIM_SELECTOR?.trim();
  const privateKey = env.RELAY_DKIM_PRIVATE_KEY?.replace(/\\n/g, '\n').trim();
  const given = [domainName, keySelector, privateKey].filter(Boolean).length;
  if (given === 0) return null;
  if (!domainName || !keySelector || !privateKey)
    throw new ConfigError(
      'DKIM needs all three of RELAY_DKIM_DOMAIN, RELAY_DKIM_SELECTOR and RELAY_DKIM_PRIVATE_KEY (PEM).'
    );
  if (!privateKey.includes('PRIVATE KEY'))
    throw new ConfigError('RELAY_DKIM_PRIVATE_KEY: expected a PEM private key.');
  return { domainName, keySelector, privateKey };
}

/**
 * The key retention: RELAY_IDEMPOTENCY_TTL, never below the 24 h the protocol promises. Only
 * RELAY_TEST_IDEMPOTENCY_TTL, meant for tests alone, sets a shorter one (from 1 s), so a
 * test can see a client reconcile a batch whose key the relay forgot; the relay says so at start.
 */
function retention(env: Env): { seconds: number; test: boolean } {
  const test = env.RELAY_TEST_IDEMPOTENCY_TTL;
  if (test !== undefined && test.trim() !== '')
    return { seconds: integer(env, 'RELAY_TEST_IDEMPOTENCY_TTL', 1, 1, 86_400), test: true };
  const seconds = integer(env, 'RELAY_IDEMPOTENCY_TTL', 86_400, 86_400, 365 * 86_400);
  return { seconds, test: false };
}

export function readConfig(env: Env = process.env): RelayConfig {
  const dataDir = resolve(env.RELAY_DATA_DIR?.trim() || '.relay-data');
  const token = env.RELAY_TOKEN?.trim() ?? '';
  const mailto = env.RELAY_UNSUBSCRIBE_MAILTO?.trim() || null;
  if (mailto && !/^[^\s@<>]+@[^\s@<>]+$/.test(mailto))
    throw new ConfigError(`RELAY_UNSUBSCRIBE_MAILTO="${mailto}": expected an email address.`);
  const ttl = retention(env);
  return {
    port: integer(env, 'RELAY_PORT', 8787, 0, 65535),
    host: env.RELAY_HOST?.trim() || '127.0.0.1',
    token: token || randomBytes(24).toString('base64url'),
    tokenGenerated: !token,
    dataDir,
    outboxDir: resolve(env.RELAY_OUTBOX_DIR?.trim() || `${dataDir}/outbox`),
    allowedOrigins: origins(env),
    smtpUrl: smtpUrl(env),
    smtpMaxConnections: integer(env, 'RELAY_SMTP_MAX_CONNECTIONS', 5, 1, 100),
    smtpMaxMessages: integer(env, 'RELAY_SMTP_MAX_MESSAGES', 100, 1, 100_000),
    smtpAttempts: integer(env, 'RELAY_SMTP_ATTEMPTS', 4, 1, 20),
    smtpRetryMs: integer(env, 'RELAY_SMTP_RETRY_MS', 1000, 0, 600_000),
    publicUrl: httpUrl(env, 'RELAY_PUBLIC_URL'),
    unsubscribeMailto: mailto,
    maxBatch: integer(env, 'RELAY_MAX_BATCH', 500, 1, 10_000),
    idempotencyTtlSeconds: ttl.seconds,
    testRetention: ttl.test,
    maxBodyBytes: integer(env, 'RELAY_MAX_BODY_BYTES', 64 * 2 ** 20, 1024, 2 ** 31),
    machineClickSeconds: integer(env, 'RELAY_MACHINE_CLICK_SECONDS', 10, 0, 3600),
    dkim: dkim(env)
  };
}
