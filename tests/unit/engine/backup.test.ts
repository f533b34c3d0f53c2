import { describe, expect, it } from 'vitest';
import type { Column } from '$lib/core/columns/types';
import { readContactTable } from '$lib/db/column-chunks';
import { readEventTable } from '$lib/db/event-chunks';
import { storeMembership } from '$lib/db/segments';
import {
  csvFile,
  EVENT_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

function bytesOf(column: Column): number[] {
  const array = column.kind === 'string' ? column.codes : column.values;
  return Array.from(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

describe('backup', () => {
  it('round-trips a campaign losslessly into a new campaign', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('Spring');
    const withOddValues = `${PEOPLE}\n"odd,""quoted""@example.org";"Line\nbreak";;-0;;non\n`;
    const imported = await importText(engine, c.id, withOddValues, PEOPLE_FIELDS);
    expect(imported).toMatchObject({ ok: true, added: 5 });
    const rejected = await importText(engine, c.id, 'email\nnot-an-email\n', { email: 'email' });
    expect(rejected).toMatchObject({ ok: true, rejected: 1 });
    const events = await engine.importEvents(
      c.id,
      csvFile(
        'contact,type,target,at,amount\nmarc@example.org,purchase,offer-42,2026-06-03T12:30:00.123Z,19.90\n' +
          'marc@example.org,page_view,,2026-06-01T10:00:00Z,\n',
        'events.csv'
      ),
      EVENT_OPTIONS
    );
    expect(events).toMatchObject({ ok: true, added: 2 });
    const fr = await engine.saveSegment({
      campaignId: c.id,
      name: 'French',
      description: 'Addresses in .fr',
      kind: 'dynamic',
      definition: {
        version: 1,
        root: {
          kind: 'group',
          match: 'all',
          children: [{ kind: 'attribute', field: 'email', rule: 'contains', value: '.fr' }]
        }
      },
      autoUpdate: false
    });
    const notFr = await engine.saveSegment({
      campaignId: c.id,
      name: 'Not French',
      definition: {
        version: 1,
        root: {
          kind: 'group',
          match: 'all',
          children: [{ kind: 'segment', segment: fr.id, member: false }]
        }
      }
    });
    await storeMembership(db, {
      segmentId: fr.id,
      campaignId: c.id,
      rowCount: 5,
      bits: Uint32Array.from([0b01001]),
      count: 2,
      generatedAt: '2026-06-15T10:00:00.000Z'
    });

    const blob = await engine.exportBackup(c.id);
    expect(blob.size).toBeGreaterThan(100);
    const restored = await engine.importBackup(blob);
    expect(restored.id).not.toBe(c.id);
    expect(restored.name).toBe('Spring (2)');

    const original = (await engine.getCampaign(c.id))!;
    expect({ ...restored, id: '', name: '' }).toEqual({ ...original, id: '', name: '' });

    // Every value of every column and every event array, bit for bit.
    const a = await db.campaigns.get(c.id);
    const b = await db.campaigns.get(restored.id);
    const ta = await readContactTable(db, c.id, a!.contactGeneration);
    const tb = await readContactTable(db, restored.id, b!.contactGeneration);
    expect(tb.rowCount).toBe(ta.rowCount);
    expect(tb.fields).toEqual(ta.fields);
    expect(tb.identity).toBe(ta.identity);
    for (const f of ta.fields) {
      const ca = ta.columns[f.name];
      const cb = tb.columns[f.name];
      expect(cb.kind).toBe(ca.kind);
      expect(bytesOf(cb)).toEqual(bytesOf(ca));
      if (ca.kind === 'string' && cb.kind === 'string') expect(cb.dict).toEqual(ca.dict);
    }
    expect(Object.is((ta.columns.age as { values: Float64Array }).values[4], -0)).toBe(true);
    const ea = await readEventTable(db, c.id, a!.eventGeneration, ta.rowCount);
    const eb = await readEventTable(db, restored.id, b!.eventGeneration, tb.rowCount);
    expect(eb).toEqual(ea);

    const segA = await engine.listSegments(c.id);
    const segB = await engine.listSegments(restored.id);
    expect(
      segB.map((s) => [s.name, s.description, s.kind, s.isDefault, s.count, s.generatedAt])
    ).toEqual(
      segA.map((s) => [s.name, s.description, s.kind, s.isDefault, s.count, s.generatedAt])
    );
    const frB = segB.find((s) => s.name === 'French')!;
    const notFrB = segB.find((s) => s.name === 'Not French')!;
    expect(frB.id).not.toBe(fr.id);
    // References between segments follow the new ids.
    expect(notFrB.definition).toEqual({
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'segment', segment: frB.id, member: false }]
      }
    });
    expect(notFr.id).not.toBe(notFrB.id);
    expect((await engine.members(frB.id, { offset: 0, limit: 10 })).ids).toEqual([0, 3]);
    expect((await engine.getContact(restored.id, 3))?.segments.map((s) => s.name).sort()).toEqual([
      'All participants',
      'French'
    ]);

    const importsA = await engine.listImports(c.id);
    const importsB = await engine.listImports(restored.id);
    expect(importsB.map((r) => ({ ...r, id: '', campaignId: '' }))).toEqual(
      importsA.map((r) => ({ ...r, id: '', campaignId: '' }))
    );
    const withReject = importsB.find((r) => r.rejected === 1)!;
    expect(await engine.rejectedReport(withReject.id)).toBe(
      await engine.rejectedReport(importsA.find((r) => r.rejected === 1)!.id)
    );
    expect(await engine.queryContacts(restored.id, { sort: 'age', offset: 0, limit: 10 })).toEqual(
      await engine.queryContacts(c.id, { sort: 'age', offset: 0, limit: 10 })
    );
  });

  it('refuses a file that is not a backup with a clear error', async () => {
    const { engine } = setup();
    await expect(engine.importBackup(csvFile('email\na@example.org\n'))).rejects.toThrow(
      /not a Slice backup/
    );
    await expect(engine.importBackup(new Blob([]))).rejects.toThrow(/not a Slice backup/);
    expect(await engine.listCampaigns()).toEqual([]);
  });
});
