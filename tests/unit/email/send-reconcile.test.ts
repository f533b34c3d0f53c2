/**
 * A batch whose outcome is unknown past the relay's idempotencyTtl is never re-posted (the
 * relay may have forgotten its key and would send it again): it is settled from the relay's
 * events. The real relay runs with RELAY_TEST_IDEMPOTENCY_TTL (a test-only retention of 1 s)
 * behind the fault relay: once a batch the relay sent but whose answer was lost, once a batch
 * the relay never took. Zero duplicates, zero lost, every recipient final.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultRelay, type FaultRelay, type Faults } from '../../support/fault-relay';
import { deliveredIds, duplicates } from '../../support/relay-outbox';
import type { Engine } from '$lib/engine/engine';
import type { SliceDb } from '$lib/db/slice-db';
import { freshDbName, importText, makeEngine } from '../engine/engine-fixture';
import { peopleCsv, unlimitedRelay, until } from './sender-fixture';

const PEOPLE = 30;
const open: Engine[] = [];
let fault: FaultRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await fault?.close();
  fault = null;
});

function engineOn(name = freshDbName()): { engine: Engine; db: SliceDb } {
  const made = makeEngine(name, {
    // Real time: the relay forgets keys by its own clock.
    now: () => Date.now(),
    relayOrigins: ['http://127.0.0.1:*'],
    sender: {
      retry: { baseMs: 1, maxMs: 5, maxAttempts: 3 },
      random: () => 0.5,
      eventsEveryMs: 1e12,
      inFlight: 1
    }
  });
  open.push(made.engine);
  return made;
}

/** The first batch's post fails as `faults` says, 500s follow until the sender gives up. */
async function failedMidway(faults: Faults) {
  fault = await startFaultRelay({
    port: 0,
    faults,
    env: { RELAY_TEST_IDEMPOTENCY_TTL: '1' }
  });
  const first = engineOn();
  const campaign = await first.engine.createCampaign('Unknown');
  const imported = await importText(first.engine, campaign.id, peopleCsv(PEOPLE), {
    id: 'text',
    email: 'email',
    first_name: 'text'
  });
  expect(imported.ok).toBe(true);
  await first.engine.saveRelaySettings(unlimitedRelay(fault.url, fault.token, 10));
  const emailing = await first.engine.createEmailing(campaign.id, {
    name: 'Everyone',
    fromEmail: 'shop@example.org',
    subject: 'Hi {{first_name}}',
    html: '<p>Hello {{first_name}}</p>'
  });
  await first.engine.emailingAction(emailing.id, 'send');
  await first.engine.startSender();
  await until(async () => (await first.engine.getEmailing(emailing.id))?.status === 'failed');
  const unknown = await first.db.sendBatches
    .where('[emailingId+state]')
    .equals([emailing.id, 'posting'])
    .toArray();
  expect(unknown).toHaveLength(1);
  await first.engine.close();
  open.splice(open.indexOf(first.engine), 1);
  return { name: first.db.name, emailing, unknownBatch: unknown[0].batchNo };
}

async function resumedAfterTtl(name: string, emailingId: string) {
  // Past the retention: the relay forgot every key it had closed.
  await new Promise((r) => setTimeout(r, 2200));
  const again = engineOn(name);
  await again.engine.emailingAction(emailingId, 'resume');
  await again.engine.startSender();
  await until(async () => (await again.engine.getEmailing(emailingId))?.status === 'finished');
  return again;
}

describe('an unknown outcome past the relay key retention', () => {
  it('is settled from the relay events when the relay had sent it: nothing sent twice', async () => {
    const { name, emailing, unknownBatch } = await failedMidway({
      script: ['drop', 500, 500, 500]
    });
    // The relay sent the first batch (its answer was lost), then refused the re-posts.
    expect(deliveredIds(fault!.relay)).toHaveLength(10);
    await new Promise((r) => setTimeout(r, 2200));
    expect(fault!.relay.store.get(`${emailing.id}:${unknownBatch}`)).toBeUndefined();
    const again = await resumedAfterTtl(name, emailing.id);
    const done = await again.engine.getEmailing(emailing.id);
    expect(done).toMatchObject({ accepted: PEOPLE, rejected: 0 });
    expect(done?.notice).toMatch(
      /Batch 1 had an unknown outcome older than the relay keeps keys \(1 s\): settled from the relay's events, 10 sent or bounced, 0 never sent/
    );
    expect(duplicates(fault!.relay)).toEqual([]);
    expect(new Set(deliveredIds(fault!.relay)).size).toBe(PEOPLE);
    expect(deliveredIds(fault!.relay)).toHaveLength(PEOPLE);
    const rows = await again.db.sendLedger.where('emailingId').equals(emailing.id).toArray();
    expect(rows.every((r) => r.state === 'accepted')).toBe(true);
  }, 30_000);

  it('queues again what the relay never took, and sends it once', async () => {
    const { name, emailing } = await failedMidway({ script: [500, 500, 500] });
    expect(deliveredIds(fault!.relay)).toHaveLength(0);
    const again = await resumedAfterTtl(name, emailing.id);
    const done = await again.engine.getEmailing(emailing.id);
    expect(done).toMatchObject({ accepted: PEOPLE, rejected: 0 });
    expect(done?.notice).toMatch(/0 sent or bounced, 10 never sent and queued again/);
    expect(duplicates(fault!.relay)).toEqual([]);
    expect(deliveredIds(fault!.relay)).toHaveLength(PEOPLE);
    expect(new Set(deliveredIds(fault!.relay)).size).toBe(PEOPLE);
  }, 30_000);
});
