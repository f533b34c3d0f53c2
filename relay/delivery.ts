/**
 * Where built messages go: the outbox folder (one `.eml` per message, the default) or an
 * SMTP server through nodemailer's pooled transport. A delivery answers per message; a
 * failure of the connection itself (server unreachable) throws ConnectionLost so the batch
 * stops and is resumed later instead of reporting every address as failed.
 */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { RelayConfig } from './config';
import type { Built } from './message-builder';

export interface Outcome {
  status: 'accepted' | 'rejected';
  reason?: string;
  bounce?: 'hard' | 'soft';
}

export class ConnectionLost extends Error {}

export interface Delivery {
  readonly mode: 'outbox' | 'smtp';
  send(
    emailingId: string,
    messageId: string,
    built: Built,
    onDeferred: (reason: string) => void
  ): Promise<Outcome>;
  close(): Promise<void>;
}

/** A file name part from an id: safe on every file system, still readable. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._@+-]/g, '_').slice(0, 150) || '_';
}

export class OutboxDelivery implements Delivery {
  readonly mode = 'outbox';
  private readonly made = new Set<string>();

  constructor(private readonly dir: string) {}

  async send(emailingId: string, messageId: string, built: Built): Promise<Outcome> {
    const folder = join(this.dir, safeName(emailingId));
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    const file = join(folder, `${safeName(messageId)}.eml`);
    try {
      // 'wx': a message already in the outbox (sent before a crash) is never written twice.
      // Synchronous: an asynchronous open, write and close are three hand-offs to libuv's
      // thread pool and back per message (about ten futex calls), which cost more CPU than
      // the writes themselves; written in place, a 10,000-message outbox send took 14 to 24%
      // less CPU and was 3 to 11% faster (three interleaved pairs of 20 batches of 500 posted three at a time).
      writeFileSync(file, built.raw, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return { status: 'accepted', reason: 'already in the outbox' };
    }
    return { status: 'accepted' };
  }

  async close(): Promise<void> {}
}

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SmtpDelivery implements Delivery {
  readonly mode = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly config: RelayConfig) {
    const url = new URL(config.smtpUrl!);
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      pool: true,
      host: url.hostname,
      port: Number(url.port || (secure ? 465 : 587)),
      secure,
      ...(url.username
        ? {
            auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
          }
        : {}),
      maxConnections: config.smtpMaxConnections,
      maxMessages: config.smtpMaxMessages,
      // A local test server has no certificate; ?tls=off in SMTP_URL says so.
      ...(url.searchParams.get('tls') === 'off' ? { ignoreTLS: true } : {})
    });
  }

  async send(
    _emailingId: string,
    _messageId: string,
    built: Built,
    onDeferred: (reason: string) => void
  ): Promise<Outcome> {
    let wait = this.config.smtpRetryMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.sendMail({ envelope: built.envelope, raw: built.raw });
        return { status: 'accepted' };
      } catch (e) {
        const error = e as SmtpError;
        const code = error.responseCode;
        const reason = (error.response ?? error.message).trim();
        if (code !== undefined && code >= 500)
          return { status: 'rejected', reason, bounce: 'hard' };
        // 4xx (421 included: the pool opens a new connection) and network errors are retried.
        if (attempt >= this.config.smtpAttempts) {
          if (code !== undefined) return { status: 'rejected', reason, bounce: 'soft' };
          throw new ConnectionLost(`SMTP server unreachable: ${reason}`);
        }
        onDeferred(code !== undefined ? reason : `connection: ${reason}`);
        await sleep(wait * (0.5 + Math.random()));
        wait *= 2;
      }
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
