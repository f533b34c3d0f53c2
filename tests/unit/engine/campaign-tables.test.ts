import { describe, expect, it } from 'vitest';
import { CAMPAIGN_TABLES, tablesOf } from '$lib/db/campaign-tables';
import {
  all,
  csvFile,
  EVAL_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

describe('the per-campaign tables', () => {
  it('are every table indexed by campaign', () => {
    const { db } = setup();
    const indexed = db.tables
      .filter((t) => t.name !== 'campaigns')
      .filter((t) => t.schema.indexes.some((i) => i.name === 'campaignId'))
      .map((t) => t.name)
      .sort();
    expect(indexed).toEqual([...CAMPAIGN_TABLES].sort());
  });

  it('are all cleared when a campaign is deleted, and only for that campaign', async () => {
    const { engine, db } = setup();
    const kept = await engine.createCampaign('Kept');
    expect((await importText(engine, kept.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    const c = await engine.createCampaign('Gone');
    const text = PEOPLE + '\nnot-an-email;X;Y;1;01/01/2000;oui\n';
    expect((await importText(engine, c.id, text, PEOPLE_FIELDS)).ok).toBe(true);
    const events = await engine.importEvents(
      c.id,
      csvFile('contact,type,at\nmarc@example.org,purchase,2026-06-03T12:30:00Z\n', 'e.csv'),
      {
        mapping: { contact: 'contact', type: 'type', target: null, at: 'at', properties: [] },
        encoding: 'utf-8',
        delimiter: ','
      }
    );
    expect(events.ok).toBe(true);
    const rowsOf = async (id: string) =>
      Promise.all(
        tablesOf(db, CAMPAIGN_TABLES).map((t) => t.where('campaignId').equals(id).count())
      );
    const inLiege = await engine.saveSegment({
      campaignId: c.id,
      name: 'Liège',
      definition: all({ kind: 'attribute', field: 'city', rule: 'equals', value: 'Liège' })
    });
    expect(await engine.generate(inLiege.id, EVAL_OPTIONS)).toMatchObject({ ok: true });
    // An emailing with a ledger row and a batch, and a suppressed address.
    const emailing = await engine.createEmailing(c.id, {
      name: 'Hello',
      fromName: 'Slice',
      fromEmail: 'news@example.org',
      replyTo: '',
      subject: 'Hello',
      html: '<p>Hello</p>',
      text: ''
    });
    await db.sendLedger.add({
      emailingId: emailing.id,
      messageId: 'm1',
      campaignId: c.id,
      contactId: 0,
      email: 'marc@example.org',
      state: 'queued',
      reason: null,
      batchNo: 0,
      handedAt: null,
      doneAt: null
    } as never);
    await db.sendBatches.add({
      emailingId: emailing.id,
      batchNo: 0,
      state: 'posting',
      body: '{}',
      attempts: 0,
      createdAt: '2026-06-03T12:30:00Z',
      messages: 1
    } as never);
    await engine.addSuppression(c.id, 'gone@example.org');
    await engine.delivery.append(c.id, [
      {
        messageId: 'm1',
        recipient: 'marc@example.org',
        emailing: emailing.id,
        kind: 'bounced',
        bounce: 'hard',
        reason: '550 no such user',
        at: Date.parse('2026-06-03T12:31:00Z'),
        machine: false,
        contact: 0
      }
    ]);
    await db.bounceClasses.put({ campaignId: c.id, reason: '550 no such user', bounce: 'soft' });
    expect(await rowsOf(c.id)).not.toContain(0);
    const before = await rowsOf(kept.id);

    await engine.deleteCampaign(c.id);
    expect(await rowsOf(c.id)).toEqual(CAMPAIGN_TABLES.map(() => 0));
    expect(await db.campaigns.get(c.id)).toBeUndefined();
    expect(await db.sendBatches.where('emailingId').equals(emailing.id).count()).toBe(0);
    expect(await rowsOf(kept.id)).toEqual(before);
  });
});
