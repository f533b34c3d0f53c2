/**
 * Faults around segments and settings, with two engines on one database (two tabs) and with
 * writes that stop half-way (a tab closed mid-generation): the stored generation is always
 * whole (members, count, time and data version from the same run), an edit in one tab is not
 * undone by the other, and nothing another tab wrote is lost.
 */
import type { DBCoreTable } from 'dexie';
import { describe, expect, it } from 'vitest';
import { popcount } from '$lib/core/columns/bitset';
import type { Definition } from '$lib/core/segment/definition';
import type { SliceDb } from '$lib/db/slice-db';
import {
  all,
  EVAL_OPTIONS,
  freshDbName,
  importText,
  interceptWrites,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup, forget } = trackEngines();

const city = (value: string): Definition =>
  all({ kind: 'attribute', field: 'city', rule: 'equals', value });

async function memberIds(engine: ReturnType<typeof setup>['engine'], segmentId: string) {
  return (await engine.members(segmentId, { offset: 0, limit: 100 })).ids;
}

/** The stored generation of a segment, as a restart reads it. */
async function storedGeneration(db: SliceDb, segmentId: string) {
  const row = await db.segments.get(segmentId);
  const membership = await db.memberships.get(segmentId);
  return {
    count: row?.count ?? null,
    generatedAt: row?.generatedAt ?? null,
    dataVersion: row?.dataVersion ?? null,
    membershipCount: membership ? popcount(membership.bits) : null,
    membershipAt: membership?.generatedAt ?? null
  };
}

describe('a tab closed during a segment generation', () => {
  // Which write the tab dies at, counting the puts to that table from the dying generation.
  for (const [what, table, nth] of [
    ['while the members are written', 'memberships', 1],
    ['after the members and count, while the data version is written', 'segments', 2]
  ] as const) {
    it(`${what}: the restart shows the previous generation whole`, async () => {
      const name = freshDbName();
      let dying = false;
      let puts = 0;
      const first = setup(
        name,
        interceptWrites('tab-closes', table, async (req, write) => {
          if (dying && req.type === 'put' && ++puts >= nth) throw new Error('the tab is gone');
          return write(req);
        })
      );
      const c = await first.engine.createCampaign('A');
      expect(await importText(first.engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({
        ok: true
      });
      const s = await first.engine.saveSegment({
        campaignId: c.id,
        name: 'Liège',
        definition: city('Liège')
      });
      expect(await first.engine.generate(s.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
      const before = await storedGeneration(first.db, s.id);
      const membersBefore = await memberIds(first.engine, s.id);
      // More contacts (so a new generation would differ), then the generation that dies.
      expect(
        await importText(first.engine, c.id, 'email;first_name;city\nnew@example.org;New;Liège', {
          email: 'email',
          first_name: 'text',
          city: 'category'
        })
      ).toMatchObject({ ok: true, added: 1 });
      dying = true;
      await first.engine.generate(s.id, EVAL_OPTIONS).catch(() => undefined);
      await first.engine.close();
      forget();

      const second = setup(name);
      const after = await storedGeneration(second.db, s.id);
      expect(after).toEqual(before);
      expect(after.membershipCount).toBe(after.count);
      expect(await memberIds(second.engine, s.id)).toEqual(membersBefore);
      // The data changed since: the segment says so, and generating again works.
      expect((await second.engine.listSegments(c.id)).find((x) => x.id === s.id)?.stale).toBe(true);
      expect(await second.engine.generate(s.id, EVAL_OPTIONS)).toMatchObject({
        ok: true,
        count: 3
      });
    });
  }
});

describe('two tabs editing the same campaign', () => {
  it('a generation whose segment was edited meanwhile in the other tab stores nothing and says why', async () => {
    const name = freshDbName();
    let otherTab: (() => Promise<unknown>) | null = null;
    // Tab A reads the segment to generate it; tab B saves a new definition before A stores.
    const a = setup(name, (db) =>
      db.use({
        stack: 'dbcore',
        name: 'other-tab-edits',
        create: (down) => ({
          ...down,
          table: (tableName) => {
            const t: DBCoreTable = down.table(tableName);
            if (tableName !== 'segments') return t;
            return {
              ...t,
              get: async (req) => {
                const got: unknown = await t.get(req);
                const edit = otherTab;
                otherTab = null;
                if (edit) await edit();
                return got;
              }
            };
          }
        })
      })
    );
    const b = setup(name);
    const c = await a.engine.createCampaign('A');
    expect(await importText(a.engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({ ok: true });
    const s = await a.engine.saveSegment({
      campaignId: c.id,
      name: 'City',
      definition: city('Liège')
    });
    otherTab = () => b.engine.saveSegment({ ...s, definition: city('Namur') });
    const outcome = await a.engine.generate(s.id, EVAL_OPTIONS);
    expect(outcome).toEqual({
      ok: false,
      errors: [
        {
          path: 'root',
          message:
            'This segment was changed while it was generated (in another tab?): generate it again.'
        }
      ]
    });
    // B's definition stands, with no members of A's (old) one.
    const row = await b.db.segments.get(s.id);
    expect(row?.definition).toEqual(city('Namur'));
    expect(row?.count).toBeNull();
    expect(await b.db.memberships.get(s.id)).toBeUndefined();
    expect(await b.engine.generate(s.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });
  });

  it('a rename in one tab keeps the definition, count and size history the other tab stored', async () => {
    const name = freshDbName();
    const a = setup(name);
    const b = setup(name);
    const c = await a.engine.createCampaign('A');
    expect(await importText(a.engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({ ok: true });
    const s = await a.engine.saveSegment({
      campaignId: c.id,
      name: 'City',
      definition: city('Liège')
    });
    // Tab B opened the segment (its copy is from now); tab A edits and generates it.
    const seenByB = (await b.engine.listSegments(c.id)).find((x) => x.id === s.id)!;
    await a.engine.saveSegment({ ...s, definition: city('Namur') });
    expect(await a.engine.generate(s.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });
    // B renames it from its older copy, without touching the conditions.
    await b.engine.saveSegment({
      id: seenByB.id,
      campaignId: c.id,
      name: 'Namur people',
      description: 'renamed in tab B'
    });
    const row = await a.db.segments.get(s.id);
    expect(row).toMatchObject({
      name: 'Namur people',
      description: 'renamed in tab B',
      definition: city('Namur'),
      count: 1
    });
    expect(row?.sizeHistory?.map((h) => h.size)).toEqual([1]);
    expect(popcount((await a.db.memberships.get(s.id))!.bits)).toBe(1);
  });

  it('a rename, a time zone change and an import from two tabs are all kept', async () => {
    const name = freshDbName();
    const a = setup(name);
    const b = setup(name);
    const c = await a.engine.createCampaign('Spring');
    expect(await importText(a.engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({ ok: true });
    await Promise.all([
      a.engine.renameCampaign(c.id, 'Spring 2026'),
      b.engine.setCampaignTimeZone(c.id, 'America/New_York'),
      importText(b.engine, c.id, 'email;first_name\nlate@example.org;Late', {
        email: 'email',
        first_name: 'text'
      })
    ]);
    for (const engine of [a.engine, b.engine]) {
      expect(await engine.getCampaign(c.id)).toMatchObject({
        name: 'Spring 2026',
        timeZone: 'America/New_York',
        contactCount: 5
      });
    }
  });

  it('a segment deleted in one tab is not brought back by a save in the other', async () => {
    const name = freshDbName();
    const a = setup(name);
    const b = setup(name);
    const c = await a.engine.createCampaign('A');
    expect(await importText(a.engine, c.id, PEOPLE, PEOPLE_FIELDS)).toMatchObject({ ok: true });
    const s = await a.engine.saveSegment({
      campaignId: c.id,
      name: 'City',
      definition: city('Liège')
    });
    await a.engine.deleteSegment(s.id);
    await expect(b.engine.saveSegment({ ...s, name: 'City again' })).rejects.toThrow(
      'The segment "City again" was deleted (in another tab?): it is not saved.'
    );
    expect(await b.db.segments.get(s.id)).toBeUndefined();
  });
});
