/**
 * Opaque, unforgeable tokens for the links the relay puts in messages (unsubscribe, open
 * pixel, click redirect, honeypot): the payload is signed with a secret kept in the data
 * folder, so links keep working across restarts and nobody can unsubscribe someone else or
 * turn the redirect into an open redirect.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class LinkSigner {
  private readonly secret: Buffer;

  constructor(secret: Buffer) {
    this.secret = secret;
  }

  /** The secret stored in `<dataDir>/link-secret`, created on first start. */
  static fromDataDir(dataDir: string): LinkSigner {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'link-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new LinkSigner(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  private mac(kind: string, payload: string): Buffer {
    return createHmac('sha256', this.secret).update(`${kind}\n${payload}`).digest().subarray(0, 16);
  }

  sign(kind: string, value: unknown): string {
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${payload}.${this.mac(kind, payload).toString('base64url')}`;
  }

  /** The signed value, or null when the token was not made by this relay for this kind. */
  verify(kind: string, token: string): unknown {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const sig = token.slice(dot + 1);
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(kind, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    // Base64 ignores the spare bits of its last character: only the exact token is valid.
    if (given.toString('base64url') !== sig) return null;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  }
}
