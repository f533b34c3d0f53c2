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
    await engine.createEmailing(c.id);
    await engine.addSuppression(c.id, 'marc@example.org');
    await engine.addSuppression(kept.id, 'marc@example.org');
    // Every table holds rows of the campaign, but the send ledger (written by sending only).
    const held = await rowsOf(c.id);
    CAMPAIGN_TABLES.forEach((name, i) => {
      if (name !== 'sendLedger') expect(held[i], name).toBeGreaterThan(0);
    });
    const before = await rowsOf(kept.id);

    await engine.deleteCampaign(c.id);
    expect(await rowsOf(c.id)).toEqual(CAMPAIGN_TABLES.map(() => 0));
    expect(await db.campaigns.get(c.id)).toBeUndefined();
    expect(await rowsOf(kept.id)).toEqual(before);
  });
});
