/**
 * Scheduled emailings handed to the real reference relay ahead of time (`sendAt`, its
 * `scheduling` capability): they go out at their time with the app closed, exactly once;
 * cancel, reschedule and edit take them back with `DELETE /v1/batches/{id}`, a batch the
 * relay already sent is recorded as sent, and an unreachable relay changes nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeName } from '../../../relay/delivery';
import type { Relay } from '../../../relay/server';
import type { Engine } from '$lib/engine/engine';
import type { SliceDb } from '$lib/db/slice-db';
import { freshDbName, importText, makeEngine } from '../engine/engine-fixture';
import { relayAt, tempDir, TOKEN } from '../relay/relay-harness';
import { deliveredIds, duplicates, readOutbox } from '../../support/relay-outbox';
import { peopleCsv, unlimitedRelay, until } from './sender-fixture';

const PEOPLE = 23;
const open: Engine[] = [];
let relay: Relay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await relay?.close();
  relay = null;
});

/** An engine on real time (the relay keeps real time too), handing over at once. */
function engineOn(name = freshDbName()): { engine: Engine; db: SliceDb } {
  const made = makeEngine(name, {
    now: () => Date.now(),
    relayOrigins: ['http://127.0.0.1:*'],
    sender: {
      retry: { baseMs: 1, maxMs: 5, maxAttempts: 3 },
      random: () => 0.5,
      eventsEveryMs: 1e12,
      handOverMarginMs: 500,
      handOverQuietMs: 0
    }
  });
  open.push(made.engine);
  return made;
}

function outboxCount(r: Relay, emailingId: string): number {
  try {
    return readdirSync(join(r.config.outboxDir, safeName(emailingId))).length;
  } catch {
    return 0;
  }
}

async function scheduled(engine: Engine, inMs: number, dataDir = tempDir('handover')) {
  relay ??= await relayAt(0, dataDir, { RELAY_ALLOWED_ORIGINS: '*' });
  const campaign = await engine.createCampaign('Later');
  const imported = await importText(
    engine,
    campaign.id,
    peopleCsv(PEOPLE, (i) => `Name${i}`),
    {
      id: 'text',
      email: 'email',
      first_name: 'text'
    }
  );
  expect(imported.ok).toBe(true);
  await engine.saveRelaySettings(unlimitedRelay(relay.url, TOKEN, 10));
  const emailing = await engine.createEmailing(campaign.id, {
    name: 'Tomorrow',
    fromName: 'Shop',
    fromEmail: 'shop@example.org',
    subject: 'Hi {{first_name}}',
    html: '<p>Dear {{first_name}}</p>'
  });
  const at = new Date(Date.now() + inMs).toISOString();
  await engine.emailingAction(emailing.id, 'schedule', { scheduledAt: at });
  return { campaign, emailing, at };
}

async function handedOver(engine: Engine, id: string): Promise<void> {
  await until(async () => Boolean((await engine.getEmailing(id))?.handedOverAt));
}

/** The relay's records of this emailing's batches, by state. */
function relayStates(r: Relay, emailingId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rec of r.store.all())
    if (rec.batch.emailingId === emailingId) out[rec.state] = (out[rec.state] ?? 0) + 1;
  return out;
}

describe('scheduled emailings handed to the relay', () => {
  it('go out at their time with the app closed, one message per recipient', async () => {
    const first = engineOn();
    const { emailing, at } = await scheduled(first.engine, 5000);
    await first.engine.startSender();
    await handedOver(first.engine, emailing.id);
    const record = await first.engine.getEmailing(emailing.id);
    expect(record).toMatchObject({ status: 'scheduled', overdue: false, toSend: PEOPLE });
    expect(record?.notice).toMatch(/Handed to the relay \(3 batches of 23 messages\)/);
    // Three batches of at most 10, each held for its time; nothing sent yet.
    expect(relayStates(relay!, emailing.id)).toEqual({ scheduled: 3 });
    for (const rec of relay!.store.all()) expect(rec.batch.sendAt).toBe(at);
    expect(outboxCount(relay!, emailing.id)).toBe(0);
    // The app closes before the time.
    await first.engine.close();
    open.splice(open.indexOf(first.engine), 1);

    // Every file written and its delivery recorded (a file exists from its first byte on).
    await until(
      () => outboxCount(relay!, emailing.id) === PEOPLE && deliveredIds(relay!).length >= PEOPLE,
      15_000
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
    expect(duplicates(relay!)).toEqual([]);
    const sent = await readOutbox(relay!);
    expect(sent.map((m) => m.to).sort()).toEqual(
      Array.from({ length: PEOPLE }, (_, i) => `p${i}@example.org`).sort()
    );
    expect(sent.every((m) => /^Hi Name\d+$/.test(m.subject))).toBe(true);

    // Opened again later: recorded as sent, finished, never posted again.
    const again = engineOn(first.db.name);
    await again.engine.startSender();
    await until(async () => (await again.engine.getEmailing(emailing.id))?.status === 'finished');
    expect(await again.engine.getEmailing(emailing.id)).toMatchObject({
      accepted: PEOPLE,
      rejected: 0,
      sent: PEOPLE
    });
    const rows = await again.db.sendLedger.where('emailingId').equals(emailing.id).toArray();
    expect(rows.every((r) => r.state === 'accepted')).toBe(true);
    expect(deliveredIds(relay!)).toHaveLength(PEOPLE);
  }, 30_000);

  it('cancel withdraws every batch from the relay, which then sends nothing', async () => {
    const { engine, db } = engineOn();
    const { emailing } = await scheduled(engine, 5000);
    await engine.startSender();
    await handedOver(engine, emailing.id);
    const cancelled = await engine.emailingAction(emailing.id, 'cancel');
    expect(cancelled).toMatchObject({ status: 'cancelled', actions: ['delete'] });
    expect(cancelled?.notice).toBe('23 messages withdrawn from the relay.');
    expect(relayStates(relay!, emailing.id)).toEqual({ cancelled: 3 });
    const rows = await db.sendLedger.where('emailingId').equals(emailing.id).toArray();
    expect(rows.map((r) => r.state)).toEqual(Array(PEOPLE).fill('cancelled'));
    // Past its time, and after a relay restart: still nothing.
    await new Promise((r) => setTimeout(r, 3000));
    const dir = relay!.config.dataDir;
    await relay!.close();
    relay = await relayAt(0, dir, { RELAY_ALLOWED_ORIGINS: '*' });
    await new Promise((r) => setTimeout(r, 300));
    expect(outboxCount(relay, emailing.id)).toBe(0);
    expect(deliveredIds(relay)).toEqual([]);
  }, 30_000);

  it('cancelled too late: what the relay sent is recorded as sent and the emailing finished', async () => {
    const first = engineOn();
    const { emailing } = await scheduled(first.engine, 4000);
    await first.engine.startSender();
    await handedOver(first.engine, emailing.id);
    await first.engine.close();
    open.splice(open.indexOf(first.engine), 1);
    await until(() => outboxCount(relay!, emailing.id) === PEOPLE, 15_000);
    // A tab that does not send (another holds the lock) cancels it after the relay sent it.
    const other = engineOn(first.db.name);
    const after = await other.engine.emailingAction(emailing.id, 'cancel');
    expect(after?.status).toBe('finished');
    expect(after?.notice).toBe(
      '23 messages the relay had already sent cannot be withdrawn: they are recorded as sent.'
    );
    expect(after).toMatchObject({ accepted: PEOPLE, sent: PEOPLE });
    expect(outboxCount(relay!, emailing.id)).toBe(PEOPLE);
  }, 30_000);

  it('reschedule and edit take it back and hand it over again, for the new time and text', async () => {
    const { engine, db } = engineOn();
    const { emailing } = await scheduled(engine, 60_000);
    await engine.startSender();
    await handedOver(engine, emailing.id);
    const later = new Date(Date.now() + 120_000).toISOString();
    const moved = await engine.emailingAction(emailing.id, 'reschedule', { scheduledAt: later });
    expect(moved?.notice).toBe('23 messages withdrawn from the relay.');
    // Every earlier batch withdrawn; the sender may already be handing the first new one over.
    expect(relayStates(relay!, emailing.id).cancelled).toBe(3);
    await handedOver(engine, emailing.id);
    expect(relayStates(relay!, emailing.id)).toEqual({ cancelled: 3, scheduled: 3 });
    const held = relay!.store.all().filter((r) => r.state === 'scheduled');
    expect(held.every((r) => r.batch.sendAt === later)).toBe(true);
    // An unchanged save is not an edit; a changed subject is, and goes over again.
    await engine.updateEmailing(emailing.id, { subject: 'Hi {{first_name}}' });
    expect((await engine.getEmailing(emailing.id))?.handedOverAt).toBeTruthy();
    await engine.updateEmailing(emailing.id, { subject: 'Fixed {{first_name}}' });
    expect((await engine.getEmailing(emailing.id))?.handedOverAt).toBeNull();
    await handedOver(engine, emailing.id);
    const latest = relay!.store.all().filter((r) => r.state === 'scheduled');
    expect(latest).toHaveLength(3);
    expect(latest.every((r) => r.batch.messages.every((m) => m.subject.startsWith('Fixed ')))).toBe(
      true
    );
    // Every recipient is in exactly one batch the relay still holds.
    const held2 = latest.flatMap((r) => r.batch.messages.map((m) => m.to.email));
    expect(new Set(held2).size).toBe(PEOPLE);
    expect(
      await db.sendLedger.where('[emailingId+state]').equals([emailing.id, 'handed']).count()
    ).toBe(PEOPLE);
  }, 30_000);

  it('a relay that cannot be reached fails the cancel at once and changes nothing', async () => {
    const { engine } = engineOn();
    const { emailing } = await scheduled(engine, 60_000);
    await engine.startSender();
    await handedOver(engine, emailing.id);
    const dir = relay!.config.dataDir;
    await relay!.close();
    relay = null;
    const t0 = Date.now();
    await expect(engine.emailingAction(emailing.id, 'cancel')).rejects.toThrow(
      /cannot be reached.*3 of 3 batches stay scheduled at the relay/
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await engine.getEmailing(emailing.id)).toMatchObject({ status: 'scheduled' });
    expect((await engine.getEmailing(emailing.id))?.handedOverAt).toBeTruthy();
    // Back up: the cancel goes through.
    relay = await relayAt(0, dir, { RELAY_ALLOWED_ORIGINS: '*' });
    await engine.saveRelaySettings(unlimitedRelay(relay.url, TOKEN, 10));
    expect((await engine.emailingAction(emailing.id, 'cancel'))?.status).toBe('cancelled');
    expect(relayStates(relay, emailing.id)).toEqual({ cancelled: 3 });
  }, 30_000);
});
