/**
 * SMTP mode: the relay forwards to a real smtp-server; messages are read back with
 * mailparser. One refused address (5xx) never fails the rest; 4xx and 421 are retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../../relay/server';
import { batchBody, message, postBatch, relayAt, tempDir } from './relay-harness';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

let nextPort = 8840;
let relay: Relay | null = null;
let sink: SmtpSink | null = null;
afterEach(async () => {
  await relay?.close();
  await sink?.close();
  relay = null;
  sink = null;
});

describe('relay over SMTP', () => {
  it('sends what it is given, reports 5xx as rejected with the server text, retries 4xx and 421', async () => {
    const tries = new Map<string, number>();
    sink = await startSmtpSink({
      port: nextPort++,
      onRcpt(address) {
        const n = (tries.get(address) ?? 0) + 1;
        tries.set(address, n);
        if (address === 'nobody@example.org')
          return { code: 550, message: '5.1.1 <nobody@example.org>: user unknown' };
        if (address === 'greylisted@example.org' && n === 1)
          return { code: 451, message: '4.7.1 greylisted, try later' };
        if (address === 'busy@example.org' && n === 1)
          return { code: 421, message: '4.3.2 too busy, closing' };
        if (address === 'full@example.org') return { code: 452, message: '4.2.2 mailbox full' };
        return null;
      }
    });
    relay = await relayAt(nextPort++, tempDir('smtp'), {
      SMTP_URL: sink.url,
      RELAY_SMTP_RETRY_MS: '20',
      RELAY_SMTP_ATTEMPTS: '3'
    });
    const messages = [
      message(1, {
        subject: 'Bonjour Zoé',
        to: { email: 'zoe@example.org', name: 'Zoé' },
        html: '<p>Bonjour Zoé</p>',
        text: 'Bonjour Zoé',
        headers: { 'X-Campaign': 'spring' }
      }),
      message(2, { to: { email: 'nobody@example.org' } }),
      message(3, { to: { email: 'greylisted@example.org' } }),
      message(4, { to: { email: 'busy@example.org' } }),
      message(5, { to: { email: 'full@example.org' } }),
      message(6, { to: { email: 'last@example.org' }, replyTo: { email: 'help@shop.example' } })
    ];
    const { res, json } = await postBatch(relay.url, '"em1:1"', batchBody('b1', messages));
    expect(res.status).toBe(200);
    expect(json.results).toEqual([
      { messageId: 'm1', status: 'accepted' },
      {
        messageId: 'm2',
        status: 'rejected',
        bounce: 'hard',
        reason: '550 5.1.1 <nobody@example.org>: user unknown'
      },
      { messageId: 'm3', status: 'accepted' },
      { messageId: 'm4', status: 'accepted' },
      { messageId: 'm5', status: 'rejected', bounce: 'soft', reason: '452 4.2.2 mailbox full' },
      { messageId: 'm6', status: 'accepted' }
    ]);
    expect(tries.get('nobody@example.org')).toBe(1);
    expect(tries.get('full@example.org')).toBe(3);

    const byTo = new Map(sink.received.map((r) => [r.to.join(','), r]));
    expect([...byTo.keys()].sort()).toEqual([
      'busy@example.org',
      'greylisted@example.org',
      'last@example.org',
      'zoe@example.org'
    ]);
    expect(sink.received).toHaveLength(4);
    const zoe = await sink.parse(byTo.get('zoe@example.org')!.raw);
    expect(zoe.subject).toBe('Bonjour Zoé');
    expect(zoe.text?.trim()).toBe('Bonjour Zoé');
    expect(zoe.html).toContain('<p>Bonjour Zoé</p>');
    expect(zoe.from?.value[0]).toEqual({ address: 'news@shop.example', name: 'Boutique Été' });
    expect(zoe.headers.get('x-campaign')).toBe('spring');
    expect(zoe.messageId).toMatch(/@shop\.example>$/);
    expect(byTo.get('zoe@example.org')!.from).toBe('news@shop.example');
    const last = await sink.parse(byTo.get('last@example.org')!.raw);
    expect(last.replyTo?.value[0].address).toBe('help@shop.example');

    const events = relay.events.all();
    expect(
      events
        .filter((e) => e.type === 'delivered')
        .map((e) => e.messageId)
        .sort()
    ).toEqual(['m1', 'm3', 'm4', 'm6']);
    expect(events.find((e) => e.type === 'bounced' && e.messageId === 'm2')).toMatchObject({
      bounce: 'hard',
      reason: '550 5.1.1 <nobody@example.org>: user unknown'
    });
    expect(events.filter((e) => e.type === 'deferred' && e.messageId === 'm5')).toHaveLength(2);
    expect(events.find((e) => e.type === 'deferred' && e.messageId === 'm4')?.reason).toMatch(
      /^421/
    );

    // Replayed, not re-sent.
    const again = await postBatch(relay.url, 'em1:1', batchBody('b1', messages));
    expect(again.json).toEqual(json);
    expect(sink.received).toHaveLength(4);
  });

  it('answers 409 while the same key is in flight, then replays', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const first = new Promise<void>((r) => (arrived = r));
    sink = await startSmtpSink({
      port: nextPort++,
      beforeAccept: () => {
        arrived();
        return gate;
      }
    });
    relay = await relayAt(nextPort++, tempDir('inflight'), { SMTP_URL: sink.url });
    const body = batchBody('b1', [message(1)]);
    const pending = postBatch(relay.url, 'em1:1', body);
    await first;
    const busy = await postBatch(relay.url, 'em1:1', body);
    expect(busy.res.status).toBe(409);
    expect(busy.res.headers.get('retry-after')).toBe('1');
    release();
    const done = await pending;
    expect(done.res.status).toBe(200);
    const replay = await postBatch(relay.url, 'em1:1', body);
    expect(replay.res.headers.get('idempotent-replayed')).toBe('true');
    expect(sink.received).toHaveLength(1);
  });

  it('answers 503 when the SMTP server cannot be reached, and resumes on the same key', async () => {
    const port = nextPort++;
    relay = await relayAt(nextPort++, tempDir('down'), {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      RELAY_SMTP_RETRY_MS: '10',
      RELAY_SMTP_ATTEMPTS: '2'
    });
    const body = batchBody('b1', [message(1), message(2)]);
    const down = await postBatch(relay.url, 'em1:1', body);
    expect(down.res.status).toBe(503);
    expect(down.res.headers.get('retry-after')).toBe('30');
    sink = await startSmtpSink({ port });
    const up = await postBatch(relay.url, 'em1:1', body);
    expect(up.res.status).toBe(200);
    expect(sink.received.map((r) => r.to[0]).sort()).toEqual([
      'person1@example.org',
      'person2@example.org'
    ]);
  });
});
