import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { newCampaignRow } from '$lib/db/campaigns';
import { openSliceDb, SCHEMA_VERSION } from '$lib/db/slice-db';

let n = 0;
const freshName = () => `schema-test-${Date.now()}-${n++}`;

describe('Slice database schema', () => {
  it('creates every table at the current version', async () => {
    const db = openSliceDb(freshName());
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual([
      'bounceClasses',
      'campaigns',
      'columnChunks',
      'deliveryChunks',
      'emailings',
      'eventChunks',
      'imports',
      'memberships',
      'rejectedReports',
      'relayCursors',
      'relaySettings',
      'segments',
      'sendBatches',
      'sendLedger',
      'suppressions',
      'templates'
    ]);
    expect(db.columnChunks.schema.primKey.keyPath).toEqual([
      'campaignId',
      'generation',
      'column',
      'chunk'
    ]);
    db.close();
  });

  it('upgrades a v1 database: rejected reports move out of import rows', async () => {
    const name = freshName();
    const v1 = new Dexie(name);
    v1.version(1).stores({
      campaigns: 'id, name',
      columnChunks: '[campaignId+generation+column+chunk], campaignId',
      eventChunks: '[campaignId+generation+column+chunk], campaignId',
      imports: 'id, campaignId, status',
      segments: 'id, campaignId',
      memberships: 'segmentId, campaignId'
    });
    await v1.open();
    const base = {
      campaignId: 'c1',
      kind: 'contacts',
      fileName: 'a.csv',
      status: 'done',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      message: null,
      rowsRead: 3,
      added: 2,
      updated: 0,
      skipped: 0,
      rejected: 1
    };
    await v1.table('imports').bulkPut([
      { ...base, id: 'i1', rejectedCsv: 'line,column,reason,raw\n3,email,bad email,x\n' },
      { ...base, id: 'i2', rejected: 0 }
    ]);
    v1.close();

    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const i1 = await db.imports.get('i1');
    expect(i1).toBeDefined();
    expect('rejectedCsv' in (i1 as object)).toBe(false);
    expect(i1?.rejected).toBe(1);
    expect(await db.rejectedReports.get('i1')).toEqual({
      importId: 'i1',
      campaignId: 'c1',
      csv: 'line,column,reason,raw\n3,email,bad email,x\n'
    });
    expect(await db.rejectedReports.get('i2')).toBeUndefined();
    // The index added in v2 works on upgraded rows.
    expect(await db.imports.orderBy('startedAt').primaryKeys()).toHaveLength(2);
    db.close();
  });

  it('upgrades a v2 database: campaigns stored without a zone get the browser’s', async () => {
    const name = freshName();
    const v2 = new Dexie(name);
    v2.version(2).stores({
      campaigns: 'id, name',
      columnChunks: '[campaignId+generation+column+chunk], campaignId',
      eventChunks: '[campaignId+generation+column+chunk], campaignId',
      imports: 'id, campaignId, status, startedAt',
      rejectedReports: 'importId, campaignId',
      segments: 'id, campaignId',
      memberships: 'segmentId, campaignId'
    });
    await v2.open();
    const { timeZone: _none, ...old } = newCampaignRow('c1', 'Old', '2026-01-01T00:00:00.000Z');
    await v2.table('campaigns').put(old);
    v2.close();

    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const row = await db.campaigns.get('c1');
    expect(row?.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(row?.name).toBe('Old');
    db.close();
  });
});

describe('version 4', () => {
  it('adds the templates table to a version 3 database, keeping its campaigns', async () => {
    const name = freshName();
    const v3 = new Dexie(name);
    v3.version(3).stores({
      campaigns: 'id, name',
      columnChunks: '[campaignId+generation+column+chunk], campaignId',
      eventChunks: '[campaignId+generation+column+chunk], campaignId',
      imports: 'id, campaignId, status, startedAt',
      rejectedReports: 'importId, campaignId',
      segments: 'id, campaignId',
      memberships: 'segmentId, campaignId'
    });
    await v3.open();
    await v3
      .table('campaigns')
      .put({ ...newCampaignRow('c1', 'Kept', '2026-01-01T00:00:00Z'), timeZone: 'Europe/Paris' });
    v3.close();
    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect((await db.campaigns.get('c1'))?.name).toBe('Kept');
    expect(await db.templates.count()).toBe(0);
    db.close();
  });
});

describe('version 5', () => {
  it('adds the emailing, ledger, suppression and relay tables to a version 4 database', async () => {
    const name = freshName();
    const v4 = openSliceDb(name);
    await v4.open();
    await v4.campaigns.put({
      ...newCampaignRow('c1', 'Kept', '2026-01-01T00:00:00Z'),
      timeZone: 'Europe/Paris'
    });
    v4.close();
    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect((await db.campaigns.get('c1'))?.name).toBe('Kept');
    expect(db.sendLedger.schema.primKey.keyPath).toEqual(['emailingId', 'messageId']);
    expect(db.sendBatches.schema.primKey.keyPath).toEqual(['emailingId', 'batchNo']);
    expect(db.suppressions.schema.primKey.keyPath).toEqual(['campaignId', 'email']);
    expect(await db.emailings.count()).toBe(0);
    db.close();
  });
});

describe('version 6', () => {
  it('adds the delivery-event and bounce-class tables, keeping what was stored', async () => {
    const name = freshName();
    const v5 = new Dexie(name);
    v5.version(5).stores({ campaigns: 'id, name' });
    await v5.open();
    await v5.table('campaigns').put({
      ...newCampaignRow('c1', 'Kept', '2026-01-01T00:00:00Z'),
      timeZone: 'Europe/Paris'
    });
    v5.close();
    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect((await db.campaigns.get('c1'))?.name).toBe('Kept');
    expect(db.deliveryChunks.schema.primKey.keyPath).toEqual([
      'campaignId',
      'generation',
      'column',
      'chunk'
    ]);
    expect(db.bounceClasses.schema.primKey.keyPath).toEqual(['campaignId', 'reason']);
    db.close();
  });
});

describe('version 7', () => {
  it('drops the ledger index by batch, keeping its rows and the others', async () => {
    const name = freshName();
    const v6 = new Dexie(name);
    v6.version(6).stores({
      sendLedger:
        '[emailingId+messageId], [emailingId+state], [emailingId+batchNo], campaignId, [campaignId+email]'
    });
    await v6.open();
    await v6.table('sendLedger').put({
      emailingId: 'e1',
      messageId: 'e1:3',
      campaignId: 'c1',
      contactId: 3,
      email: 'a@example.com',
      state: 'handed',
      reason: null,
      batchNo: 1,
      handedAt: '2026-01-01T00:00:00Z',
      doneAt: null
    });
    v6.close();
    const db = openSliceDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.sendLedger.schema.indexes.map((i) => i.name).sort()).toEqual([
      '[campaignId+email]',
      '[emailingId+state]',
      'campaignId'
    ]);
    expect(await db.sendLedger.where('[emailingId+state]').equals(['e1', 'handed']).count()).toBe(
      1
    );
    expect((await db.sendLedger.get(['e1', 'e1:3']))?.batchNo).toBe(1);
    db.close();
  });
});
