/**
 * Repeated events through the engine: identical rows of one file are separate events, a
 * re-import adds only the copies beyond those stored, and event ids (when mapped) decide
 * instead — kept on disk, so a restarted engine or a restored backup still knows them.
 */
import { describe, expect, it } from 'vitest';
import type { EventImportOptions } from '$lib/engine/api';
import {
  all,
  csvFile,
  EVAL_OPTIONS,
  EVENT_OPTIONS,
  importText,
  trackEngines
} from './engine-fixture';

const { setup, forget } = trackEngines();

const CONTACTS = ['email,name', 'ana@example.com,Ana', 'bob@example.org,Bob'].join('\n');
const VIEW = 'ana@example.com,page_view,/offer,2026-06-01T10:00:00Z,';
const viewedTwice = all({ kind: 'event', event: 'page_view', count: { op: 'at_least', n: 2 } });

async function campaignWithContacts(name?: string) {
  const made = setup(name);
  const c = await made.engine.createCampaign('A');
  expect((await importText(made.engine, c.id, CONTACTS, { email: 'email', name: 'text' })).ok).toBe(
    true
  );
  return { ...made, id: c.id };
}

describe('repeated event rows', () => {
  it('stores two identical rows as two events; the same file again adds none', async () => {
    const { engine, id } = await campaignWithContacts();
    const file = csvFile(['contact,type,target,at,amount', VIEW, VIEW].join('\n'), 'views.csv');
    expect(await engine.importEvents(id, file, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      rowsRead: 2,
      added: 2,
      skipped: 0,
      repeatedIds: 0
    });
    const ana = await engine.getContact(id, 0);
    expect(ana?.events.map((e) => e.type)).toEqual(['page_view', 'page_view']);
    expect(await engine.count(id, viewedTwice, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });

    expect(await engine.importEvents(id, file, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      added: 0,
      skipped: 2
    });
    expect((await engine.getCampaign(id))?.eventCount).toBe(2);
    expect(await engine.count(id, viewedTwice, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });

    // A later export repeating the two views, with a third one and a new contact's event.
    const later = csvFile(
      [
        'contact,type,target,at,amount',
        VIEW,
        VIEW,
        VIEW,
        'bob@example.org,page_view,/offer,2026-06-02T10:00:00Z,'
      ].join('\n'),
      'later.csv'
    );
    expect(await engine.importEvents(id, later, EVENT_OPTIONS)).toMatchObject({
      ok: true,
      added: 2,
      skipped: 2
    });
    expect((await engine.getCampaign(id))?.eventCount).toBe(4);
    const history = await engine.listImports(id);
    expect(history.map((h) => [h.fileName, h.added, h.skipped])).toEqual([
      ['later.csv', 2, 2],
      ['views.csv', 0, 2],
      ['views.csv', 2, 0],
      ['contacts.csv', 2, 0]
    ]);
  });
});

describe('event ids', () => {
  const WITH_ID: EventImportOptions = {
    ...EVENT_OPTIONS,
    mapping: { ...EVENT_OPTIONS.mapping, id: 'event_id' }
  };
  const FILE = [
    'event_id,contact,type,target,at,amount',
    `e1,${VIEW}`,
    `e2,${VIEW}`,
    `e1,${VIEW}`,
    'e3,bob@example.org,opened,news,2026-06-03T08:00:00Z,'
  ].join('\n');

  it('are suggested by the preview and keep one event per id', async () => {
    const { engine, id } = await campaignWithContacts();
    const file = csvFile(FILE, 'ids.csv');
    const preview = await engine.previewFile(file, 'events');
    expect(preview.suggestedMapping).toMatchObject({ id: 'event_id', contact: 'contact' });
    const outcome = await engine.importEvents(id, file, WITH_ID);
    expect(outcome).toMatchObject({ ok: true, added: 3, skipped: 0, repeatedIds: 1 });
    expect((await engine.listImports(id))[0]).toMatchObject({ added: 3, repeatedIds: 1 });
  });

  it('survive a restart and a backup: the same ids are already imported', async () => {
    const first = await campaignWithContacts();
    expect(
      await first.engine.importEvents(first.id, csvFile(FILE, 'ids.csv'), WITH_ID)
    ).toMatchObject({ ok: true, added: 3 });
    await first.engine.close();
    forget();
    const again = setup(first.name);
    const more = csvFile(
      [FILE, 'e4,bob@example.org,opened,news,2026-06-03T08:00:00Z,'].join('\n'),
      'more.csv'
    );
    expect(await again.engine.importEvents(first.id, more, WITH_ID)).toMatchObject({
      ok: true,
      added: 1,
      skipped: 4, // e1 twice, e2, e3: their ids are stored
      repeatedIds: 0
    });
    const bob = await again.engine.getContact(first.id, 1);
    expect(bob?.events.map((e) => e.type)).toEqual(['opened', 'opened']);

    const restored = await again.engine.importBackup(await again.engine.exportBackup(first.id));
    expect(await again.engine.importEvents(restored.id, more, WITH_ID)).toMatchObject({
      ok: true,
      added: 0,
      skipped: 5,
      repeatedIds: 0
    });
    expect((await again.engine.getCampaign(restored.id))?.eventCount).toBe(4);
  });
});
