import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '$lib/engine/api';
import {
  contactOptions,
  csvFile,
  EVENT_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();

describe('campaigns', () => {
  it('creates, lists, renames and deletes campaigns, each with its default segment', async () => {
    const { engine } = setup();
    const a = await engine.createCampaign('  Spring contest ');
    const b = await engine.createCampaign('Spring contest');
    expect(a.name).toBe('Spring contest');
    expect(b.name).toBe('Spring contest (2)');
    expect(a.identity).toBeNull();
    expect((await engine.listCampaigns()).map((c) => c.id)).toEqual([a.id, b.id]);
    const segments = await engine.listSegments(a.id);
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ name: 'All participants', isDefault: true, count: 0 });
    const renamed = await engine.renameCampaign(a.id, 'Summer');
    expect(renamed.name).toBe('Summer');
    await engine.deleteCampaign(a.id);
    expect(await engine.getCampaign(a.id)).toBeNull();
    expect(await engine.listSegments(a.id)).toEqual([]);
    expect((await engine.listCampaigns()).map((c) => c.name)).toEqual(['Spring contest (2)']);
  });
});

describe('importing contacts', () => {
  it('imports a semicolon CSV with European formats and reports the outcome', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const file = csvFile(PEOPLE);
    const preview = await engine.previewFile(file, 'contacts');
    expect(preview.problem).toBeUndefined();
    expect(preview.delimiter).toBe(';');
    expect(preview.suggestedIdentity).toBe('email');
    const progress: ImportProgress[] = [];
    const outcome = await engine.importContacts(c.id, file, contactOptions(preview), (p) =>
      progress.push(p)
    );
    expect(outcome).toMatchObject({
      ok: true,
      kind: 'contacts',
      rowsRead: 4,
      added: 4,
      updated: 0,
      rejected: 0
    });
    expect(progress[0].phase).toBe('reading');
    expect(progress.at(-1)).toMatchObject({
      phase: 'done',
      rows: 4,
      bytesRead: file.size,
      totalBytes: file.size
    });
    const campaign = await engine.getCampaign(c.id);
    expect(campaign?.contactCount).toBe(4);
    expect(campaign?.identity).toBe('email');
    const types = Object.fromEntries((campaign?.fields ?? []).map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      email: 'email',
      age: 'number',
      birth_date: 'date',
      newsletter: 'boolean'
    });

    const page = await engine.queryContacts(c.id, { offset: 0, limit: 10 });
    expect(page.total).toBe(4);
    expect(page.ids).toEqual([0, 1, 2, 3]);
    const names = campaign!.fields.map((f) => f.name);
    const row0 = Object.fromEntries(names.map((n, j) => [n, page.rows[0][j]]));
    expect(row0).toMatchObject({
      email: 'elodie@example.fr',
      first_name: 'Élodie',
      age: 34,
      birth_date: '1992-03-12',
      newsletter: true
    });
    const row3 = Object.fromEntries(names.map((n, j) => [n, page.rows[3][j]]));
    expect(row3).toMatchObject({ birth_date: null, newsletter: null });

    const imports = await engine.listImports(c.id);
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({
      status: 'done',
      added: 4,
      fileName: 'contacts.csv',
      rowsRead: 4
    });
  });

  it('reports rejected rows with their line and keeps the rest', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const text = [
      'email,name',
      'a@example.org,A',
      'not-an-email,B',
      'a@example.org,dup',
      'c@example.org,C'
    ].join('\n');
    const outcome = await importText(engine, c.id, text, { email: 'email', name: 'text' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.added).toBe(2);
    expect(outcome.rejected).toBe(2);
    const report = await engine.rejectedReport(outcome.importId);
    const lines = report.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(report).toContain('not-an-email');
    expect(lines[1].startsWith('3,')).toBe(true);
    expect(lines[2].startsWith('4,')).toBe(true);
  });

  it('refuses a file that is not CSV with a clear message and changes nothing', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const file = csvFile('email\n"a@example.org\nb@example.org\n');
    const outcome = await engine.importContacts(c.id, file, {
      fields: [{ name: 'email', type: 'email', include: true, samples: [], unreadable: 0 }],
      identity: 'email',
      policy: 'update',
      encoding: 'utf-8',
      delimiter: ','
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toMatch(/quote/);
    expect(outcome.message).toMatch(/line 2/);
    expect((await engine.getCampaign(c.id))?.contactCount).toBe(0);
    expect((await engine.listImports(c.id))[0].status).toBe('failed');
  });
});

describe('preview with the reading the user chose', () => {
  it('re-reads the file with the given delimiter and encoding', async () => {
    const { engine } = setup();
    const file = csvFile(PEOPLE);
    const asComma = await engine.previewFile(file, 'contacts', { delimiter: ',' });
    expect(asComma.delimiter).toBe(',');
    expect(asComma.detected).toEqual({ encoding: 'utf-8', delimiter: ';' });
    expect(asComma.headers).toEqual(['email;first_name;city;age;birth_date;newsletter']);
    const asLatin = await engine.previewFile(file, 'contacts', {
      encoding: 'windows-1252',
      delimiter: ';'
    });
    expect(asLatin).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(asLatin.sampleRows[0][1]).toBe('Ã‰lodie');
    expect((await engine.previewFile(file, 'contacts')).detected).toBeUndefined();
  });
});

describe('importing events again', () => {
  const EVENTS = [
    'contact,type,target,at,amount',
    'marc@example.org,page_view,/offer-42,2026-06-01T10:00:00Z,',
    'marc@example.org,purchase,offer-42,2026-06-03T12:30:00Z,19.90',
    'elodie@example.fr,page_view,/home,2026-05-01T08:00:00Z,'
  ];
  it('stores each event once: duplicates are counted as skipped', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, PEOPLE, { email: 'email' })).ok).toBe(true);
    const file = csvFile(EVENTS.join('\n'), 'events.csv');
    expect(await engine.importEvents(c.id, file, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      added: 3,
      skipped: 0
    });
    expect(await engine.importEvents(c.id, file, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      rowsRead: 3,
      added: 0,
      skipped: 3,
      rejected: 0
    });
    expect((await engine.getCampaign(c.id))?.eventCount).toBe(3);
    const overlapping = csvFile(
      [...EVENTS, 'ana@example.com,opened,news,2026-06-04T07:00:00Z,'].join('\n'),
      'more-events.csv'
    );
    expect(await engine.importEvents(c.id, overlapping, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      added: 1,
      skipped: 3
    });
    expect((await engine.getCampaign(c.id))?.eventCount).toBe(4);
    const history = await engine.listImports(c.id);
    expect(history[0]).toMatchObject({ fileName: 'more-events.csv', added: 1, skipped: 3 });
    const marc = await engine.getContact(c.id, 1);
    expect(marc?.events.map((e) => e.type)).toEqual(['purchase', 'page_view']);
  });
});

describe('merging on re-import', () => {
  const first = ['email,city,score', 'a@example.org,Liège,1', 'b@example.org,Namur,2'].join('\n');
  const second = [
    'email,city,score,tier',
    'b@example.org,Mons,5,gold',
    'c@example.org,Gent,3,silver'
  ].join('\n');

  async function merged(policy: 'update' | 'skip' | 'keep_first') {
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    expect(
      (await importText(engine, c.id, first, { email: 'email', city: 'text', score: 'number' })).ok
    ).toBe(true);
    const outcome = await importText(
      engine,
      c.id,
      second,
      { email: 'email', city: 'text', score: 'number', tier: 'category' },
      { policy }
    );
    const page = await engine.queryContacts(c.id, { offset: 0, limit: 10 });
    const campaign = await engine.getCampaign(c.id);
    const names = campaign!.fields.map((f) => f.name);
    const rows = page.rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])));
    return { outcome, rows, campaign: campaign!, engine, db, id: c.id };
  }

  it('update: existing contacts take the new values, new fields are added, ids stay', async () => {
    const { outcome, rows, campaign } = await merged('update');
    expect(outcome).toMatchObject({ ok: true, added: 1, updated: 1, newFields: ['tier'] });
    expect(campaign.contactCount).toBe(3);
    expect(campaign.fields.map((f) => f.name)).toEqual(['email', 'city', 'score', 'tier']);
    expect(rows).toEqual([
      { email: 'a@example.org', city: 'Liège', score: 1, tier: null },
      { email: 'b@example.org', city: 'Mons', score: 5, tier: 'gold' },
      { email: 'c@example.org', city: 'Gent', score: 3, tier: 'silver' }
    ]);
  });

  it('skip: existing contacts are left as they were', async () => {
    const { outcome, rows } = await merged('skip');
    expect(outcome).toMatchObject({ ok: true, added: 1, updated: 0, skipped: 1 });
    expect(rows[1]).toMatchObject({ email: 'b@example.org', city: 'Namur', score: 2 });
    expect(rows[2]).toMatchObject({ email: 'c@example.org', city: 'Gent' });
  });

  it('keep_first: existing values win, empty ones are filled', async () => {
    const { outcome, rows } = await merged('keep_first');
    expect(outcome.ok).toBe(true);
    expect(rows[1]).toMatchObject({ email: 'b@example.org', city: 'Namur', score: 2 });
    expect(rows).toHaveLength(3);
  });

  it('re-import replaces the generation: only the current chunks remain', async () => {
    const { engine, db, id, campaign } = await merged('update');
    const imports = await engine.listImports(id);
    expect(imports.map((i) => i.status)).toEqual(['done', 'done']);
    const row = await db.campaigns.get(id);
    expect(row?.contactGeneration).toBe(2);
    const generations = new Set(
      (await db.columnChunks.where('campaignId').equals(id).toArray()).map((r) => r.generation)
    );
    expect([...generations]).toEqual([2]);
    expect(campaign.contactCount).toBe(3);
  });
});

describe('storageInfo', () => {
  it('answers unknown (nulls) where the Storage API does not exist', async () => {
    const { engine } = setup();
    const hasStorage =
      typeof globalThis.navigator !== 'undefined' && 'storage' in globalThis.navigator;
    const info = await engine.storageInfo();
    if (!hasStorage) expect(info).toEqual({ usage: null, quota: null, persisted: null });
    else expect(Object.keys(info).sort()).toEqual(['persisted', 'quota', 'usage']);
  });
});

describe('import phases', () => {
  it('records where a finished import spent its time, phase by phase', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('Phases');
    expect((await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
    const [record] = await engine.listImports(c.id);
    const phases = record.phasesMs ?? {};
    expect(Object.keys(phases).sort()).toEqual(
      ['columns', 'commit', 'finish', 'parse', 'read', 'write'].sort()
    );
    for (const ms of Object.values(phases)) expect(ms).toBeGreaterThanOrEqual(0);
  });
});
