/**
 * Sending when the browser's storage refuses writes mid-send (QuotaExceededError, the real
 * DOMException, thrown by a Dexie middleware once the relay has taken a few batches), and
 * when the relay answers batches it has sent with bodies that are not JSON. Through the fault
 * relay in front of the real reference relay: the person is told what is wrong, nothing is
 * handed over while nothing can be recorded, and once space is freed the send finishes with
 * every recipient sent exactly once.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeName } from '../../../relay/delivery';
import { startFaultRelay, type FaultRelay, type Faults } from '../../support/fault-relay';
import { deliveredIds, duplicates } from '../../support/relay-outbox';
import type { Engine } from '$lib/engine/engine';
import { STORAGE_FULL_MESSAGE } from '$lib/engine/send-service';
import type { SliceDb } from '$lib/db/slice-db';
import { freshDbName, importText, interceptWrites, makeEngine } from '../engine/engine-fixture';
import { peopleCsv, unlimitedRelay, until } from './sender-fixture';

const TOTAL = 500;

const open: Engine[] = [];
let fault: FaultRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await fault?.close();
  fault = null;
});

function engineOn(name: string, prepare?: (db: SliceDb) => void) {
  const made = makeEngine(
    name,
    {
      relayOrigins: ['http://127.0.0.1:*'],
      relayTimeoutMs: 2000,
      sender: {
        retry: { baseMs: 5, maxMs: 50, maxAttempts: 60 },
        random: () => 0.5,
        eventsEveryMs: 1e12,
        storageWaitMs: 100
      }
    },
    prepare
  );
  open.push(made.engine);
  return made;
}

async function setUp(engine: Engine, faults: Faults) {
  fault = await startFaultRelay({ port: 0, faults });
  const campaign = await engine.createCampaign('Spring');
  expect(
    await importText(engine, campaign.id, peopleCsv(TOTAL), {
      id: 'text',
      email: 'email',
      first_name: 'text'
    })
  ).toMatchObject({ ok: true });
  await engine.saveRelaySettings(unlimitedRelay(fault.url, fault.token, 50));
  const emailing = await engine.createEmailing(campaign.id, {
    name: 'Everyone',
    fromName: 'Shop',
    fromEmail: 'shop@example.org',
    subject: 'Hi {{first_name}}',
    html: '<p>Hello {{first_name}}</p>'
  });
  await engine.emailingAction(emailing.id, 'send');
  return emailing;
}

async function expectExactlyOnce(engine: Engine, db: SliceDb, emailingId: string) {
  expect(await engine.getEmailing(emailingId)).toMatchObject({
    status: 'finished',
    toSend: TOTAL,
    accepted: TOTAL,
    rejected: 0
  });
  const rows = await db.sendLedger.where('emailingId').equals(emailingId).toArray();
  expect(rows).toHaveLength(TOTAL);
  expect(rows.every((r) => r.state === 'accepted')).toBe(true);
  expect(duplicates(fault!.relay)).toEqual([]);
  expect(deliveredIds(fault!.relay)).toHaveLength(TOTAL);
  const files = readdirSync(join(fault!.relay.config.outboxDir, safeName(emailingId)));
  expect(files).toHaveLength(TOTAL);
}

/** QuotaExceededError as the browser raises it, for every write while `full()` holds. */
function quotaWhen(full: () => boolean, table: string) {
  return interceptWrites(`quota-${table}`, table, (req, write) =>
    full()
      ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
      : write(req)
  );
}

describe('sending when storage is full or the relay answers garbage', () => {
  it('QuotaExceededError mid-send: says so, hands nothing over, finishes exactly once when space is freed', async () => {
    let full = false;
    const name = freshDbName();
    // The ledger and the batches refuse writes: neither a hand-over nor a result can be stored.
    const { engine, db } = engineOn(name, (d) => {
      quotaWhen(() => full, 'sendLedger')(d);
      quotaWhen(() => full, 'sendBatches')(d);
    });
    const emailing = await setUp(engine, {});
    await engine.startSender();
    await until(
      async () => (fault?.stats.posts ?? 0) >= 3,
      20_000,
      async () => fault?.stats
    );
    full = true;
    await until(
      async () => (await engine.senderStatus()).activity === STORAGE_FULL_MESSAGE,
      10_000,
      async () => engine.senderStatus()
    );
    // While full, nothing new goes out: what the relay has sent stays as it was.
    await new Promise((r) => setTimeout(r, 300));
    const whileFull = deliveredIds(fault!.relay).length;
    await new Promise((r) => setTimeout(r, 700));
    expect(deliveredIds(fault!.relay).length).toBe(whileFull);
    expect(whileFull).toBeLessThan(TOTAL);
    expect((await engine.getEmailing(emailing.id))?.status).toBe('in_progress');
    full = false;
    await until(
      async () => (await engine.getEmailing(emailing.id))?.status === 'finished',
      30_000,
      async () => [await engine.getEmailing(emailing.id), await engine.senderStatus()]
    );
    await expectExactlyOnce(engine, db, emailing.id);
  }, 60_000);

  it('QuotaExceededError, then the tab closed: a new tab finishes the send exactly once', async () => {
    let full = false;
    const name = freshDbName();
    const first = engineOn(
      name,
      quotaWhen(() => full, 'sendLedger')
    );
    const emailing = await setUp(first.engine, {});
    await first.engine.startSender();
    await until(
      async () => (fault?.stats.posts ?? 0) >= 2,
      20_000,
      async () => fault?.stats
    );
    full = true;
    await until(
      async () => (await first.engine.senderStatus()).activity === STORAGE_FULL_MESSAGE,
      10_000,
      async () => first.engine.senderStatus()
    );
    await first.engine.close();
    open.splice(open.indexOf(first.engine), 1);
    const second = engineOn(name);
    await second.engine.startSender();
    await until(
      async () => (await second.engine.getEmailing(emailing.id))?.status === 'finished',
      30_000,
      async () => [await second.engine.getEmailing(emailing.id), fault?.stats]
    );
    await expectExactlyOnce(second.engine, second.db, emailing.id);
  }, 60_000);

  it('a relay answering sent batches with bodies that are not JSON: re-posted with the same key, none doubled', async () => {
    const { engine, db } = engineOn(freshDbName());
    const emailing = await setUp(engine, {
      script: ['garbage', 500, 'garbage', 429, 'garbage'],
      retryAfterSeconds: 1
    });
    await engine.startSender();
    await until(
      async () => (await engine.getEmailing(emailing.id))?.status === 'finished',
      30_000,
      async () => [await engine.getEmailing(emailing.id), fault?.stats]
    );
    expect(fault!.stats.garbled).toBe(3);
    expect(fault!.stats.answered429).toBe(1);
    await expectExactlyOnce(engine, db, emailing.id);
  }, 60_000);
});
