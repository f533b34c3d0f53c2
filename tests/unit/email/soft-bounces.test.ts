/**
 * N soft bounces in a row (setting, default 3) count as a hard bounce: the address is
 * suppressed. Soft bounces come from the relay as rejected results with `bounce: 'soft'` and
 * as soft `bounced` events; a message that goes through in between starts the count again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSoftBounceLimit,
  softBounceStreak,
  type SentOutcome
} from '$lib/core/email/soft-bounces';
import type { Engine } from '$lib/engine/engine';
import { startFaultRelay, type FaultRelay } from '../../support/fault-relay';
import { importText, makeEngine } from '../engine/engine-fixture';
import { unlimitedRelay, until } from './sender-fixture';

describe('soft bounce streak', () => {
  const h = (at: string, outcome: SentOutcome['outcome']): SentOutcome => ({ at, outcome });
  it('counts soft bounces since the last message that went through, newest first', () => {
    expect(softBounceStreak([])).toBe(0);
    expect(
      softBounceStreak([h('2026-01-03', 'soft'), h('2026-01-01', 'soft'), h('2026-01-02', 'ok')])
    ).toBe(1);
    expect(
      softBounceStreak([h('2026-01-01', 'ok'), h('2026-01-02', 'soft'), h('2026-01-03', 'soft')])
    ).toBe(2);
    expect(softBounceStreak([h('2026-01-01', 'soft'), h('2026-01-02', 'hard')])).toBe(0);
  });
  it('reads the setting, default 3, and names a bad value', () => {
    expect(checkSoftBounceLimit(undefined)).toBe(3);
    expect(checkSoftBounceLimit(5)).toBe(5);
    expect(() => checkSoftBounceLimit(0)).toThrow(
      'Soft bounces in a row: "0" is not a whole number of at least 1.'
    );
  });
});

const open: Engine[] = [];
let fault: FaultRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await fault?.close();
  fault = null;
});

describe('soft bounces feed the suppression list', () => {
  it('suppresses after 3 soft bounces in a row, from results and from events, not after 2', async () => {
    const { engine } = makeEngine(undefined, {
      relayOrigins: ['http://127.0.0.1:*'],
      sender: {
        retry: { baseMs: 1, maxMs: 5, maxAttempts: 4 },
        random: () => 0.5,
        eventsEveryMs: 0
      }
    });
    open.push(engine);
    // full@ is refused softly every time; flaky@ twice, then it goes through.
    let round = 0;
    fault = await startFaultRelay({
      port: 0,
      faults: {
        reject: (email) =>
          email === 'full@example.org' || (email === 'flaky@example.org' && round < 2)
            ? 'soft'
            : false
      }
    });
    const campaign = await engine.createCampaign('Soft');
    const csv = ['id,email', 'a,full@example.org', 'b,flaky@example.org', 'c,later@example.org'];
    expect(
      (await importText(engine, campaign.id, csv.join('\n'), { id: 'text', email: 'email' })).ok
    ).toBe(true);
    await engine.saveRelaySettings(unlimitedRelay(fault.url, fault.token, 10));
    expect((await engine.relaySettings()).softBounceLimit).toBe(3);
    await expect(
      engine.saveRelaySettings({ ...(await engine.relaySettings()), softBounceLimit: 0 })
    ).rejects.toThrow(/Soft bounces in a row: "0"/);
    await engine.startSender();
    const suppressed = async () =>
      Object.fromEntries((await engine.listSuppressions(campaign.id)).map((s) => [s.email, s]));

    for (round = 0; round < 3; round++) {
      const emailing = await engine.createEmailing(campaign.id, {
        name: `Round ${round}`,
        fromName: 'Shop',
        fromEmail: 'shop@example.org',
        subject: 'Hi',
        html: '<p>Hello</p>'
      });
      await engine.emailingAction(emailing.id, 'send');
      await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
      // later@ is accepted, then its mailbox server bounces it softly (a relay event).
      const later = (await engine.contactMailings(campaign.id, 2)).find(
        (m) => m.emailingId === emailing.id
      );
      expect(later?.state).toBe('accepted');
      fault.relay.events.append([
        {
          messageId: `${emailing.id}:2`,
          type: 'bounced',
          bounce: 'soft',
          reason: '452 4.2.2 mailbox full'
        }
      ]);
      // Read twice (a re-read of the same events must not count them again).
      await new Promise((r) => setTimeout(r, 1200));
      if (round < 2) expect(Object.keys(await suppressed())).toEqual([]);
    }
    await until(async () => Object.keys(await suppressed()).length === 2);
    const list = await suppressed();
    expect(list['full@example.org']).toMatchObject({
      reason: 'soft_bounces',
      note: expect.stringContaining('3 soft bounces in a row; last: 452 4.2.2')
    });
    expect(list['later@example.org']).toMatchObject({ reason: 'soft_bounces' });
    expect(list['flaky@example.org']).toBeUndefined();
  }, 30_000);
});
