/**
 * The upgrade from the previous released schema (version 5) with data in it: a campaign with
 * contacts, events, a generated segment, an emailing sent through the real relay (its ledger,
 * batches, suppressions) and relay settings, stored in a database that has exactly the
 * version 5 tables. Opened by this version, everything is kept, and the emailing sent before
 * version 6 counts in segments ("received") and dashboards as it did, from its ledger.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBackup } from '$lib/engine/backup';
import type { Engine } from '$lib/engine/engine';
import { SCHEMA_VERSION } from '$lib/db/slice-db';
import { startFaultRelay, type FaultRelay } from '../../support/fault-relay';
import {
  all,
  EVAL_OPTIONS,
  EVENT_OPTIONS,
  csvFile,
  freshDbName,
  importText,
  makeEngine,
  PEOPLE,
  PEOPLE_FIELDS
} from '../engine/engine-fixture';

/** The stores of version 5 exactly (slice-db.ts, versions 1 to 5 folded together). */
const V5_STORES = {
  campaigns: 'id, name',
  columnChunks: '[campaignId+generation+column+chunk], campaignId',
  eventChunks: '[campaignId+generation+column+chunk], campaignId',
  imports: 'id, campaignId, status, startedAt',
  rejectedReports: 'importId, campaignId',
  segments: 'id, campaignId',
  memberships: 'segmentId, campaignId',
  templates: 'id, name',
  emailings: 'id, campaignId, status',
  sendLedger:
    '[emailingId+messageId], [emailingId+state], [emailingId+batchNo], campaignId, [campaignId+email]',
  sendBatches: '[emailingId+batchNo], [emailingId+state]',
  suppressions: '[campaignId+email], campaignId',
  relaySettings: 'id'
};

const open: Engine[] = [];
let relay: FaultRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await relay?.close();
  relay = null;
});

function engineOn(name: string) {
  const made = makeEngine(name, {
    relayOrigins: ['http://127.0.0.1:*'],
    sender: { eventsEveryMs: 1e12 }
  });
  open.push(made.engine);
  return made;
}

/** Everything a person can see of a campaign, through the engine. */
async function seen(engine: Engine, campaignId: string, segmentId: string, emailingId: string) {
  const backup = await decodeBackup(await engine.exportBackup(campaignId));
  return {
    campaign: await engine.getCampaign(campaignId),
    backup,
    contacts: await engine.queryContacts(campaignId, { offset: 0, limit: 50 }),
    segments: await engine.listSegments(campaignId),
    members: await engine.members(segmentId, { offset: 0, limit: 50 }),
    emailing: await engine.getEmailing(emailingId),
    suppressions: await engine.listSuppressions(campaignId),
    // Without its timings (`ms`), which vary run to run.
    dashboard: { ...(await engine.campaignDashboard(campaignId, { emailingId })), ms: null }
  };
}

describe('upgrading a version 5 database with data in it', () => {
  it('keeps every campaign, contact, event, segment, emailing, ledger row and setting', async () => {
    // The data, made by this version's engine and relay, then copied into version 5 tables.
    const source = engineOn(freshDbName());
    const { engine } = source;
    relay = await startFaultRelay({ port: 0, faults: { reject: (e) => e.startsWith('marc@') } });
    const c = await engine.createCampaign('Spring');
    expect(await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({ ok: true });
    expect(
      await engine.importEvents(
        c.id,
        csvFile(
          'contact,type,target,at,amount\nelodie@example.fr,purchase,sku-1,2026-06-01T10:00:00Z,5\n',
          'events.csv'
        ),
        EVENT_OPTIONS
      )
    ).toMatchObject({ ok: true, added: 1 });
    const liege = await engine.saveSegment({
      campaignId: c.id,
      name: 'Liège',
      definition: all({ kind: 'attribute', field: 'city', rule: 'equals', value: 'Liège' })
    });
    expect(await engine.generate(liege.id, EVAL_OPTIONS)).toMatchObject({ ok: true });
    await engine.saveRelaySettings({
      url: relay.url,
      token: relay.token,
      batchSize: 2,
      perSecond: null,
      perHour: null,
      perDay: null,
      confirmOverdue: false
    });
    const emailing = await engine.createEmailing(c.id, {
      name: 'June news',
      fromName: 'Shop',
      fromEmail: 'shop@example.org',
      subject: 'Hi {{first_name}}',
      html: '<p>Hello {{first_name}}</p>'
    });
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    for (let i = 0; i < 400 && (await engine.getEmailing(emailing.id))?.status !== 'finished'; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await engine.getEmailing(emailing.id)).toMatchObject({
      status: 'finished',
      accepted: 3,
      rejected: 1
    });
    // Who received it, as a segment counts it (an email condition).
    const received = await engine.saveSegment({
      campaignId: c.id,
      name: 'Received June news',
      definition: all({ kind: 'email', activity: 'received', emailing: emailing.id })
    });
    const receivedCount = await engine.generate(received.id, EVAL_OPTIONS);
    expect(receivedCount).toMatchObject({ ok: true, count: 3 });
    const before = await seen(engine, c.id, liege.id, emailing.id);

    const v5Name = freshDbName();
    const v5 = new Dexie(v5Name);
    v5.version(5).stores(V5_STORES);
    await v5.open();
    for (const table of Object.keys(V5_STORES)) {
      const rows = await source.db.table(table).toArray();
      // Version 5 kept the relay events cursor in the relay settings.
      if (table === 'relaySettings') for (const r of rows) r.eventsCursor = 'cursor-from-v5';
      await v5.table(table).bulkPut(rows);
    }
    expect(v5.verno).toBe(5);
    v5.close();

    const upgraded = engineOn(v5Name);
    await upgraded.db.open();
    expect(upgraded.db.verno).toBe(SCHEMA_VERSION);
    const after = await seen(upgraded.engine, c.id, liege.id, emailing.id);
    expect(after).toEqual(before);
    expect(after.dashboard).not.toBeNull();
    // The email condition sees the sends made under version 5 (from their ledger rows).
    expect(await upgraded.engine.count(c.id, received.definition, EVAL_OPTIONS)).toMatchObject({
      ok: true,
      count: 3
    });
    expect((await upgraded.db.relaySettings.get('relay'))?.eventsCursor).toBe('cursor-from-v5');
    expect(await upgraded.db.sendLedger.count()).toBe(await source.db.sendLedger.count());
    // Opening it again adds nothing more.
    await upgraded.engine.close();
    open.splice(open.indexOf(upgraded.engine), 1);
    const again = engineOn(v5Name);
    expect(await seen(again.engine, c.id, liege.id, emailing.id)).toEqual(before);
  }, 60_000);
});
