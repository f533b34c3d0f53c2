/** The relay's settings and header parsing: clear messages for bad values; DKIM signing. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../../relay/config';
import { parseIdempotencyKey } from '../../../relay/idempotency-key';
import { LinkSigner } from '../../../relay/link-signer';
import { MessageBuilder } from '../../../relay/message-builder';
import { isMachineAgent, MachineDetector } from '../../../relay/machine-detector';
import { message } from './relay-harness';

describe('relay settings', () => {
  it('has the SPEC defaults', () => {
    const c = readConfig({ RELAY_DATA_DIR: '/tmp/x' });
    expect(c.port).toBe(8787);
    expect(c.outboxDir).toBe('/tmp/x/outbox');
    expect(c.tokenGenerated).toBe(true);
    expect(c.token.length).toBeGreaterThan(20);
    expect(c.smtpUrl).toBeNull();
    expect(c.idempotencyTtlSeconds).toBe(86400);
  });

  it('names the variable and the expectation of a bad value', () => {
    expect(() => readConfig({ RELAY_PORT: 'eighty' })).toThrow(
      new ConfigError('RELAY_PORT="eighty": expected a whole number from 0 to 65535.')
    );
    expect(() => readConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL: expected smtp:\/\//);
    expect(() => readConfig({ RELAY_ALLOWED_ORIGINS: 'http://localhost:4173/app' })).toThrow(
      /did you mean "http:\/\/localhost:4173"/
    );
    expect(() => readConfig({ RELAY_IDEMPOTENCY_TTL: '60' })).toThrow(
      /RELAY_IDEMPOTENCY_TTL="60": expected a whole number from 86400/
    );
    // The protocol's 24 h is the floor; only the test-only setting goes below it, and says so.
    expect(readConfig({ RELAY_IDEMPOTENCY_TTL: '172800' })).toMatchObject({
      idempotencyTtlSeconds: 172_800,
      testRetention: false
    });
    expect(readConfig({ RELAY_TEST_IDEMPOTENCY_TTL: '2' })).toMatchObject({
      idempotencyTtlSeconds: 2,
      testRetention: true
    });
    expect(() => readConfig({ RELAY_TEST_IDEMPOTENCY_TTL: '0' })).toThrow(
      /RELAY_TEST_IDEMPOTENCY_TTL/
    );
    expect(() => readConfig({ RELAY_DKIM_DOMAIN: 'shop.example' })).toThrow(/all three/);
  });
});

describe('Idempotency-Key', () => {
  it('accepts a structured-field string or a bare value', () => {
    expect(parseIdempotencyKey('"em1:3"')).toEqual({ key: 'em1:3' });
    expect(parseIdempotencyKey('em1:3')).toEqual({ key: 'em1:3' });
    expect(parseIdempotencyKey('"a\\"b"')).toEqual({ key: 'a"b' });
    expect(parseIdempotencyKey(undefined)).toEqual({
      error: 'The Idempotency-Key header is missing.'
    });
    expect(parseIdempotencyKey('"open')).toEqual({
      error: 'Idempotency-Key: the closing quote is missing.'
    });
    expect(parseIdempotencyKey('""')).toEqual({ error: 'The Idempotency-Key is an empty string.' });
  });
});

describe('machine detection', () => {
  it('knows proxy and scanner agents, and fast or trapped clicks', () => {
    expect(isMachineAgent('Mozilla/5.0')).toBe(true);
    expect(isMachineAgent('Mozilla/5.0 (via ggpht.com GoogleImageProxy)')).toBe(true);
    expect(isMachineAgent(undefined)).toBe(true);
    const human =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15';
    expect(isMachineAgent(human)).toBe(false);
    const d = new MachineDetector(10);
    d.noteDelivered('m1', 1_000_000);
    expect(d.isMachineClick('m1', human, 1_003_000)).toBe(true);
    expect(d.isMachineClick('m1', human, 1_020_000)).toBe(false);
    d.noteHoneypot('m1', 1_100_000);
    expect(d.isMachineClick('m1', human, 1_101_000)).toBe(true);
  });
});

describe('DKIM', () => {
  it('signs messages over the unsubscribe headers when a key is configured', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = readConfig({
      RELAY_DATA_DIR: '/tmp/relay-dkim',
      RELAY_DKIM_DOMAIN: 'shop.example',
      RELAY_DKIM_SELECTOR: 's1',
      RELAY_DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n')
    });
    const builder = new MessageBuilder(
      config,
      new LinkSigner(Buffer.alloc(32)),
      () => 'http://127.0.0.1:8787'
    );
    const built = await builder.build('em1', message(1));
    const head = built.raw.toString('utf8').split('\r\n\r\n')[0];
    expect(head).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/);
    const signed = /[;\s]h=([^;]+);/.exec(head.replace(/\r\n\s+/g, ''))![1].toLowerCase();
    expect(signed.split(':')).toEqual(
      expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'])
    );
    expect(head).toMatch(/d=shop\.example;/);
  });
});
