import { describe, expect, it } from 'vitest';
import {
  all,
  EVAL_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

const FRENCH = all({ kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' });

async function people() {
  const { engine, db } = setup();
  const c = await engine.createCampaign('A');
  expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
  return { engine, db, id: c.id };
}

describe('segments', () => {
  it('every campaign has an undeletable All participants segment that is everyone', async () => {
    const { engine, id } = await people();
    const segments = await engine.listSegments(id);
    expect(segments).toHaveLength(1);
    const [everyone] = segments;
    expect(everyone).toMatchObject({
      name: 'All participants',
      isDefault: true,
      kind: 'dynamic',
      count: 4
    });
    await expect(engine.deleteSegment(everyone.id)).rejects.toThrow(/cannot be deleted/);
    expect(await engine.generate(everyone.id, EVAL_OPTIONS)).toMatchObject({
      ok: true,
      count: 4,
      total: 4
    });
    expect((await engine.members(everyone.id, { offset: 0, limit: 10 })).ids).toEqual([0, 1, 2, 3]);
  });

  it('counts a definition, and reports invalid ones as errors naming the condition', async () => {
    const { engine, id } = await people();
    expect(await engine.count(id, FRENCH, EVAL_OPTIONS)).toMatchObject({
      ok: true,
      count: 2,
      total: 4
    });
    expect(await engine.count(id, all(), EVAL_OPTIONS)).toMatchObject({ ok: true, count: 4 });
    const bad = await engine.count(
      id,
      all({ kind: 'attribute', field: 'shoe_size', rule: 'equals', value: 42 }),
      EVAL_OPTIONS
    );
    expect(bad.ok).toBe(false);
    expect('errors' in bad && bad.errors[0].path).toBe('root.children[0]');
    expect('errors' in bad && bad.errors[0].message).toMatch(/shoe_size/);
    expect(await engine.validate(id, { nonsense: true })).not.toEqual([]);
    expect(await engine.validate(id, FRENCH)).toEqual([]);
    const badZone = await engine.count(id, FRENCH, { ...EVAL_OPTIONS, timeZone: 'Mars/Olympus' });
    expect('errors' in badZone && badZone.errors[0].message).toMatch(/time zone/);
  });

  it('refuses an imported definition with a misspelt or __proto__ key, as the command line does', async () => {
    const { engine, id } = await people();
    // What the segment editor's JSON import sends: JSON.parse'd text, structured-cloned to the
    // worker (comlink), which keeps an own "__proto__" key.
    const imported = (text: string) => engine.validate(id, structuredClone(JSON.parse(text)));
    expect(
      await imported(
        '{"version":1,"root":{"kind":"group","match":"all","children":[{"kind":"event","event":"purchase","windw":{"last":{"n":7,"unit":"days"}}}]}}'
      )
    ).toEqual([
      {
        path: 'root.children[0]',
        message:
          'Unknown key "windw": it is not a key of an event condition; did you mean "window"?'
      }
    ]);
    expect(
      await imported(
        '{"version":1,"root":{"kind":"group","match":"all","children":[],"__proto__":{"match":"none"}}}'
      )
    ).toEqual([{ path: 'root', message: 'The key "__proto__" is not allowed in a definition.' }]);
  });

  it('a newer count on the same channel cancels the older one', async () => {
    const { engine, id } = await people();
    const older = engine.count(id, FRENCH, EVAL_OPTIONS, 'builder');
    const newer = engine.count(id, all(), EVAL_OPTIONS, 'builder');
    const other = engine.count(id, FRENCH, EVAL_OPTIONS, 'elsewhere');
    expect(await older).toEqual({ ok: false, cancelled: true });
    expect(await newer).toMatchObject({ ok: true, count: 4 });
    expect(await other).toMatchObject({ ok: true, count: 2 });
  });

  it('saves, generates and stores membership, then pages members in file order', async () => {
    const { engine, db, id } = await people();
    await expect(
      engine.saveSegment({
        campaignId: id,
        name: 'Bad',
        definition: all({ kind: 'segment', segment: 'nope', member: true })
      })
    ).rejects.toThrow(/Bad/);
    const saved = await engine.saveSegment({
      campaignId: id,
      name: ' French ',
      definition: FRENCH
    });
    expect(saved).toMatchObject({
      name: 'French',
      kind: 'dynamic',
      count: null,
      generatedAt: null,
      isDefault: false
    });
    const progress: string[] = [];
    const outcome = await engine.generate(saved.id, EVAL_OPTIONS, (p) =>
      progress.push(`${p.done}/${p.total} ${p.label}`)
    );
    expect(outcome).toMatchObject({ ok: true, count: 2, total: 4 });
    expect(progress.at(-1)).toBe('3/3 Done');
    const listed = (await engine.listSegments(id)).find((s) => s.id === saved.id);
    expect(listed?.count).toBe(2);
    expect(listed?.generatedAt).toMatch(/^2026-06-15T10:00/);
    expect((await db.memberships.get(saved.id))?.count).toBe(2);
    expect(await engine.members(saved.id, { offset: 0, limit: 10 })).toMatchObject({
      total: 2,
      ids: [0, 3]
    });
    expect(await engine.members(saved.id, { offset: 1, limit: 10 })).toMatchObject({
      total: 2,
      ids: [3]
    });
    const filtered = await engine.queryContacts(id, {
      segmentId: saved.id,
      search: 'zoe',
      offset: 0,
      limit: 10
    });
    expect(filtered.ids).toEqual([3]);
    expect((await engine.getContact(id, 0))?.segments.map((s) => s.name)).toEqual([
      'All participants',
      'French'
    ]);
    expect((await engine.getContact(id, 1))?.segments.map((s) => s.name)).toEqual([
      'All participants'
    ]);

    // A segment built on another uses its stored membership.
    const others = await engine.saveSegment({
      campaignId: id,
      name: 'Not French',
      definition: all({ kind: 'segment', segment: saved.id, member: false })
    });
    expect(await engine.generate(others.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
    expect((await engine.members(others.id, { offset: 0, limit: 10 })).ids).toEqual([1, 2]);
    // Cycles are refused.
    await expect(
      engine.saveSegment({
        ...saved,
        definition: all({ kind: 'segment', segment: others.id, member: true })
      })
    ).rejects.toThrow();

    // Editing the definition makes the stored membership stale until generated again.
    const edited = await engine.saveSegment({ ...saved, definition: all() });
    expect(edited).toMatchObject({ id: saved.id, count: null, generatedAt: null });
    expect(await engine.members(saved.id, { offset: 0, limit: 10 })).toMatchObject({ total: 0 });
    // Used by "Not French": refused until that one goes first.
    await expect(engine.deleteSegment(saved.id)).rejects.toThrow(/Not French/);
    await engine.deleteSegment(others.id);
    await engine.deleteSegment(saved.id);
    expect((await engine.listSegments(id)).map((s) => s.name)).toEqual(['All participants']);
  });

  it('automatic segments are regenerated after an import', async () => {
    const { engine, id } = await people();
    const auto = await engine.saveSegment({
      campaignId: id,
      name: 'French',
      definition: FRENCH,
      autoUpdate: true
    });
    expect(await engine.generate(auto.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
    const manual = await engine.saveSegment({ campaignId: id, name: 'Kept', definition: FRENCH });
    expect(await engine.generate(manual.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
    expect((await engine.listSegments(id)).find((s) => s.id === manual.id)?.stale).toBe(false);
    expect((await importText(engine, id, 'email\nnew@example.fr\n', { email: 'email' })).ok).toBe(
      true
    );
    // The update runs in the background after the import's result.
    await expect.poll(async () => (await engine.autoUpdateStatus(id))?.running).toBe(false);
    expect(await engine.autoUpdateStatus(id)).toMatchObject({ done: 1, total: 1, failures: [] });
    const after = await engine.listSegments(id);
    expect(after.find((s) => s.id === auto.id)).toMatchObject({ count: 3, stale: false });
    // Not automatic: kept as generated, marked as out of date.
    expect(after.find((s) => s.id === manual.id)).toMatchObject({ count: 2, stale: true });
  });

  it('a failed automatic update is written on its segment, and the others still update', async () => {
    const { engine, db, id } = await people();
    const broken = await engine.saveSegment({
      campaignId: id,
      name: 'Broken',
      definition: FRENCH,
      autoUpdate: true
    });
    const fine = await engine.saveSegment({
      campaignId: id,
      name: 'Fine',
      definition: FRENCH,
      autoUpdate: true
    });
    // As a definition stored by an older version could be: its field no longer exists.
    await db.segments.update(broken.id, {
      definition: all({ kind: 'attribute', field: 'shoe_size', rule: 'is_empty' })
    });
    expect((await importText(engine, id, 'email\nnew@example.fr\n', { email: 'email' })).ok).toBe(
      true
    );
    await expect.poll(async () => (await engine.autoUpdateStatus(id))?.running).toBe(false);
    const status = await engine.autoUpdateStatus(id);
    expect(status?.failures.map((f) => f.name)).toEqual(['Broken']);
    const rows = await engine.listSegments(id);
    expect(rows.find((s) => s.id === broken.id)?.updateError).toMatch(/shoe_size/);
    expect(rows.find((s) => s.id === fine.id)).toMatchObject({ count: 3, updateError: null });
  });

  it('refuses to delete a segment another segment uses, naming it', async () => {
    const { engine, id } = await people();
    const french = await engine.saveSegment({ campaignId: id, name: 'French', definition: FRENCH });
    const user = await engine.saveSegment({
      campaignId: id,
      name: 'Not French',
      definition: all({ kind: 'segment', segment: french.id, member: false })
    });
    expect(await engine.segmentUsers(french.id)).toEqual([
      { kind: 'segment', id: user.id, name: 'Not French' }
    ]);
    await expect(engine.deleteSegment(french.id)).rejects.toThrow(
      /"French" cannot be deleted: the segment "Not French" uses it/
    );
    await engine.deleteSegment(user.id);
    await engine.deleteSegment(french.id);
    expect((await engine.listSegments(id)).map((s) => s.name)).toEqual(['All participants']);
  });

  it('duplicates a segment under a new name, not generated', async () => {
    const { engine, id } = await people();
    const french = await engine.saveSegment({
      campaignId: id,
      name: 'French',
      description: 'In France',
      definition: FRENCH
    });
    await engine.generate(french.id, EVAL_OPTIONS);
    const copy = await engine.duplicateSegment(french.id);
    const again = await engine.duplicateSegment(french.id);
    expect(copy).toMatchObject({
      name: 'Copy of French',
      description: 'In France',
      definition: FRENCH,
      count: null,
      generatedAt: null,
      isDefault: false
    });
    expect(again.name).toBe('Copy of French (2)');
    expect(copy.id).not.toBe(french.id);
  });

  it('counts each top-level condition on its own, null for an invalid one', async () => {
    const { engine, id } = await people();
    const outcome = await engine.countParts(
      id,
      all(
        { kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' },
        { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
        { kind: 'attribute', field: 'nope', rule: 'is_empty' }
      ),
      EVAL_OPTIONS
    );
    expect(outcome).toEqual({ ok: true, counts: [2, 2, null], total: 4 });
    const older = engine.countParts(id, FRENCH, EVAL_OPTIONS, 'b');
    const newer = engine.countParts(id, FRENCH, EVAL_OPTIONS, 'b');
    expect(await older).toEqual({ ok: false, cancelled: true });
    expect(await newer).toMatchObject({ ok: true, counts: [2] });
  });

  it('suggests a field’s distinct values with their counts, most frequent first', async () => {
    const { engine, id } = await people();
    expect(await engine.fieldValues(id, 'city')).toEqual([
      { value: 'Bruxelles', count: 1 },
      { value: 'liege', count: 1 },
      { value: 'Liège', count: 1 },
      { value: 'Namur', count: 1 }
    ]);
    expect(await engine.fieldValues(id, 'city', { prefix: 'LIE' })).toHaveLength(2);
    expect(await engine.fieldValues(id, 'age')).toEqual([]);
    expect(await engine.fieldValues(id, 'unknown')).toEqual([]);
  });

  it('exports a definition as SQL', async () => {
    const { engine, id } = await people();
    const sql = await engine.exportSql(id, FRENCH, 'duckdb', EVAL_OPTIONS);
    expect(sql.ok).toBe(true);
    expect(sql.ok && sql.sql).toMatch(/SELECT contact_id/);
    expect(sql.ok && sql.sql).toMatch(/"email"/);
    const bad = await engine.exportSql(
      id,
      all({ kind: 'attribute', field: 'x', rule: 'is_empty' }),
      'postgres',
      EVAL_OPTIONS
    );
    expect(bad.ok).toBe(false);
  });
});
