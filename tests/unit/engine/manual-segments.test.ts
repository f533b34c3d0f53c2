import Papa from 'papaparse';
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

async function people() {
  const { engine } = setup();
  const c = await engine.createCampaign('A');
  expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
  return { engine, id: c.id };
}

const ids = async (engine: Awaited<ReturnType<typeof people>>['engine'], segmentId: string) =>
  (await engine.members(segmentId, { offset: 0, limit: 100 })).ids;

describe('manual segments and lists', () => {
  it('edits members by identity or email from a CSV: replace, add, remove; unknown keys listed', async () => {
    const { engine, id } = await people();
    const manual = await engine.saveSegment({
      campaignId: id,
      name: 'Hand-picked',
      kind: 'manual'
    });
    expect(manual.definition).toBeNull();
    const replace = await engine.editMembers(
      manual.id,
      'email;note\nMARC@example.org;x\nghost@nowhere.be;y\nzoe@example.fr;\n',
      'replace'
    );
    expect(replace).toEqual({
      ok: true,
      keys: 3,
      column: 'email',
      matched: 2,
      unknown: ['ghost@nowhere.be'],
      added: 2,
      removed: 0,
      count: 2
    });
    expect(await ids(engine, manual.id)).toEqual([1, 3]);
    expect(await engine.editMembers(manual.id, 'elodie@example.fr\n', 'add')).toMatchObject({
      count: 3,
      added: 1
    });
    expect(await engine.editMembers(manual.id, 'marc@example.org\nnope\n', 'remove')).toMatchObject(
      { count: 2, removed: 1, unknown: ['nope'] }
    );
    expect(await ids(engine, manual.id)).toEqual([0, 3]);
    // Nobody was created.
    expect((await engine.getCampaign(id))?.contactCount).toBe(4);
    const listed = (await engine.listSegments(id)).find((s) => s.id === manual.id);
    expect(listed).toMatchObject({ kind: 'manual', count: 2 });
    expect(await engine.editMembers(manual.id, '', 'add')).toMatchObject({ ok: false });
  });

  it('adds the contacts the browser shows (a search) to a manual segment', async () => {
    const { engine, id } = await people();
    const manual = await engine.saveSegment({ campaignId: id, name: 'Liège', kind: 'manual' });
    expect(await engine.addShownContacts(id, { search: 'liege' }, manual.id)).toEqual({
      added: 2,
      count: 2
    });
    expect(await ids(engine, manual.id)).toEqual([0, 3]);
    expect(await engine.addShownContacts(id, {}, manual.id)).toEqual({ added: 2, count: 4 });
  });

  it('saves any segment as a list that imports and automatic updates never change', async () => {
    const { engine, id } = await people();
    const french = await engine.saveSegment({
      campaignId: id,
      name: 'French',
      autoUpdate: true,
      definition: all({ kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' })
    });
    await engine.generate(french.id, EVAL_OPTIONS);
    const list = await engine.saveAsList(french.id, 'French in June', EVAL_OPTIONS);
    expect(list).toMatchObject({ kind: 'list', count: 2, autoUpdate: false, definition: null });
    await expect(engine.editMembers(list.id, 'marc@example.org', 'add')).rejects.toThrow(
      /is a list/
    );
    const more = 'email;first_name\nnew@example.fr;Nouveau\n';
    expect((await importText(engine, id, more, { email: 'email', first_name: 'text' })).ok).toBe(
      true
    );
    // The automatic update runs after the import; wait for it.
    for (let i = 0; i < 50 && (await engine.autoUpdateStatus(id))?.running !== false; i++)
      await new Promise((r) => setTimeout(r, 20));
    const after = await engine.listSegments(id);
    expect(after.find((s) => s.id === french.id)?.count).toBe(3);
    expect(after.find((s) => s.id === list.id)?.count).toBe(2);
    expect(await ids(engine, list.id)).toEqual([0, 3]);
    // A segment never generated is snapshotted as it matches now.
    const marc = await engine.saveSegment({
      campaignId: id,
      name: 'Marc',
      definition: all({ kind: 'attribute', field: 'first_name', rule: 'equals', value: 'marc' })
    });
    expect((await engine.saveAsList(marc.id, '', EVAL_OPTIONS)).name).toBe('Marc (list)');
  });

  it('exports members as CSV with the chosen columns, formula cells neutralised', async () => {
    const { engine, id } = await people();
    await importText(engine, id, 'email;first_name\nana@example.com;=HYPERLINK("x")\n', {
      email: 'email',
      first_name: 'text'
    });
    const everyone = (await engine.listSegments(id))[0];
    const blob = await engine.exportMembersCsv(everyone.id, ['first_name', 'email', 'age']);
    const rows = Papa.parse<string[]>((await blob.text()).trimEnd(), { newline: '\r\n' }).data;
    expect(rows[0]).toEqual(['first_name', 'email', 'age']);
    expect(rows[3]).toEqual(['\'=HYPERLINK("x")', 'ana@example.com', '']);
    expect(rows).toHaveLength(5);
    await expect(engine.exportMembersCsv(everyone.id, ['shoe'])).rejects.toThrow(/“shoe”/);
  });

  it('saves criteria as a template and fits it to another campaign by field name', async () => {
    const { engine, id } = await people();
    const def = all(
      { kind: 'attribute', field: 'city', rule: 'equals', value: 'Liège' },
      { kind: 'attribute', field: 'newsletter', rule: 'is_true' }
    );
    const t = await engine.saveTemplate(id, { name: 'Liège subscribers', definition: def });
    expect(t.fieldTypes).toEqual({ city: 'category', newsletter: 'boolean' });
    const other = await engine.createCampaign('B');
    await importText(engine, other.id, 'email;City\na@b.c;Liège\n', {
      email: 'email',
      City: 'text'
    });
    const fit = await engine.fitTemplate(t.id, other.id);
    expect(fit.renamed).toEqual([{ from: 'city', to: 'City' }]);
    expect(fit.problems).toMatchObject([{ path: 'root.children[1]', name: 'newsletter' }]);
    expect((await engine.listTemplates()).map((x) => x.name)).toEqual(['Liège subscribers']);
    await engine.deleteTemplate(t.id);
    expect(await engine.listTemplates()).toEqual([]);
  });
});
