/**
 * Relay results and relay events become a campaign's delivery events: a real relay (outbox
 * mode, port 0) sends an emailing, then emits delivered / bounced / opened / clicked /
 * unsubscribed / complained events; the app polls them with its cursor persisted, matches
 * them to contacts through the send ledger, and never counts one twice — across a restart
 * (a reload) in the middle of reading, too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DELIVERY_KINDS, type DeliveryColumns } from '$lib/core/analytics';
import { figuresOf } from '../support/delivery-figures';
import type { Engine } from '$lib/engine/engine';
import type { Relay } from '../../../relay/server';
import { importText, makeEngine, freshDbName } from '../engine/engine-fixture';
import { relayAt, tempDir, TOKEN } from '../relay/relay-harness';
import { unlimitedRelay, until } from './sender-fixture';

const open: Engine[] = [];
let relay: Relay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await relay?.close();
  relay = null;
});

function engineOn(name: string, eventsEveryMs = 0) {
  const { engine } = makeEngine(name, {
    relayOrigins: ['http://127.0.0.1:*'],
    now: () => Date.now(),
    sender: { retry: { baseMs: 1, maxMs: 5, maxAttempts: 4 }, random: () => 0.5, eventsEveryMs }
  });
  open.push(engine);
  return engine;
}

/** The events as a readable list: kind and the contact row. */
function listOf(c: DeliveryColumns): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.count; i++) {
    const extra = [
      c.machine[i] ? 'machine' : '',
      c.bounce[i] ? (c.bounce[i] === 1 ? 'hard' : 'soft') : '',
      c.reasons[c.reason[i]],
      c.urls[c.url[i]]
    ].filter(Boolean);
    out.push([DELIVERY_KINDS[c.kind[i]], c.contact[i], ...extra].join(' '));
  }
  return out.sort();
}

describe('relay results and events become delivery events', () => {
  it('records sends, then every relay event once, across a restart during polling', async () => {
    relay = await relayAt(0, tempDir('delivery-events'));
    const name = freshDbName();
    let engine = engineOn(name);
    const campaign = await engine.createCampaign('Spring');
    const people = ['id,email', ...Array.from({ length: 6 }, (_, i) => `p${i},p${i}@example.org`)];
    expect(
      (await importText(engine, campaign.id, people.join('\n'), { id: 'text', email: 'email' })).ok
    ).toBe(true);
    await engine.saveRelaySettings(unlimitedRelay(relay.url, TOKEN, 4));
    const emailing = await engine.createEmailing(campaign.id, {
      name: 'June news',
      fromName: 'Shop',
      fromEmail: 'shop@example.org',
      subject: 'Hi',
      html: '<p>Hello</p>'
    });
    await engine.startSender();
    await engine.emailingAction(emailing.id, 'send');
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    // Two batches: six `sent` events, one per accepted message; the relay (outbox mode)
    // reports each message delivered.
    await until(async () => (await engine.delivery.deliveryColumns(campaign.id)).count >= 12);
    const m = (i: number) => `${emailing.id}:${i}`;
    relay.events.append([
      { messageId: m(0), type: 'opened', machine: true },
      { messageId: m(0), type: 'opened' },
      { messageId: m(0), type: 'clicked', url: 'https://shop.example/a' },
      { messageId: m(1), type: 'bounced', bounce: 'hard', reason: '550 5.1.1 user unknown' },
      { messageId: m(2), type: 'unsubscribed' },
      { messageId: 'someone-else:7', type: 'delivered' }
    ]);
    await until(async () => (await engine.delivery.deliveryColumns(campaign.id)).count >= 17);
    // A reload while the relay keeps emitting: the new tab goes on from the stored cursor.
    await engine.close();
    open.length = 0;
    relay.events.append([
      { messageId: m(3), type: 'complained' },
      { messageId: m(4), type: 'bounced', bounce: 'soft', reason: '452 4.2.2 mailbox full' }
    ]);
    engine = engineOn(name);
    await engine.startSender();
    await until(async () => (await engine.delivery.deliveryColumns(campaign.id)).count >= 19);
    // Several more polls find nothing new.
    await new Promise((r) => setTimeout(r, 1500));
    const columns = await engine.delivery.deliveryColumns(campaign.id);
    expect(listOf(columns)).toEqual(
      [
        ...Array.from({ length: 6 }, (_, i) => `sent ${i}`),
        ...Array.from({ length: 6 }, (_, i) => `delivered ${i}`),
        'opened 0 machine',
        'opened 0',
        'clicked 0 https://shop.example/a',
        'bounced 1 hard 550 5.1.1 user unknown',
        'unsubscribed 2',
        'complained 3',
        'bounced 4 soft 452 4.2.2 mailbox full'
      ].sort()
    );
    expect(columns.emailings[columns.emailing[0]]).toBe(emailing.id);
    expect(figuresOf(columns)).toMatchObject({
      sent: 6,
      // The hard bounce came after the delivery (asynchronous bounce): it wins.
      delivered: 5,
      bounced_hard: 1,
      bounced_soft: 0,
      opened_unique: 1,
      opened_machine: 0,
      clicked_unique: 1,
      unsubscribed: 1,
      complained: 1
    });
    const suppressed = Object.fromEntries(
      (await engine.listSuppressions(campaign.id)).map((s) => [s.email, s.reason])
    );
    expect(suppressed).toEqual({
      'p1@example.org': 'hard_bounce',
      'p2@example.org': 'unsubscribed',
      'p3@example.org': 'complained'
    });
  }, 60_000);
});
