import { describe, expect, it } from 'vitest';
import { FIRST_ROWS } from '$lib/engine/campaign-cache';
import {
  all,
  csvFile,
  EVAL_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup, forget } = trackEngines();

/** A campaign with the PEOPLE contacts and two events, then a restarted engine on its data. */
async function storedCampaign() {
  const first = setup();
  const c = await first.engine.createCampaign('A');
  expect((await importText(first.engine, c.id, PEOPLE, PEOPLE_FIELDS)).ok).toBe(true);
  const events = await first.engine.importEvents(
    c.id,
    csvFile(
      'contact,type,target,at\nmarc@example.org,purchase,offer-42,2026-06-03T12:30:00Z\n' +
        'marc@example.org,page_view,,2026-06-01T10:00:00Z\n',
      'events.csv'
    ),
    {
      mapping: { contact: 'contact', type: 'type', target: 'target', at: 'at', properties: [] },
      encoding: 'utf-8',
      delimiter: ','
    }
  );
  expect(events).toMatchObject({ ok: true, added: 2 });
  const warm = await first.engine.queryContacts(c.id, { offset: 0, limit: 10 });
  await first.engine.close();
  forget();
  // Counts the event chunk rows the restarted engine reads.
  const reads = { events: 0 };
  const again = setup(first.name, (db) => {
    db.eventChunks.hook('reading', (row) => {
      reads.events++;
      return row;
    });
  });
  return { engine: again.engine, id: c.id, warm, reads };
}

describe('opening a stored campaign', () => {
  it('serves the first page in file order, equal to the page of the whole campaign', async () => {
    const { engine, id, warm } = await storedCampaign();
    const cold = await engine.queryContacts(id, { offset: 0, limit: 10 });
    expect(cold).toEqual(warm);
    expect(cold.total).toBe(4);
    expect(cold.rows[1]).toEqual([
      'marc@example.org',
      'Marc',
      'Bruxelles',
      51,
      '1975-07-01',
      false
    ]);
    // Pages that start later, and queries the first rows cannot answer, give the same answers.
    expect(await engine.queryContacts(id, { offset: 2, limit: 1 })).toEqual({
      total: 4,
      offset: 2,
      ids: [2],
      rows: [warm.rows[2]]
    });
    const beyond = await engine.queryContacts(id, { offset: FIRST_ROWS, limit: 10 });
    expect(beyond).toEqual({ total: 4, offset: FIRST_ROWS, ids: [], rows: [] });
    const sorted = await engine.queryContacts(id, { sort: 'age', offset: 0, limit: 10 });
    expect(sorted.ids).toEqual([3, 0, 1, 2]);
    expect(await engine.queryContacts(id, { offset: 0, limit: 10 })).toEqual(warm);
  });

  it('counts attribute-only definitions without reading the events', async () => {
    const { engine, id, reads } = await storedCampaign();
    await engine.queryContacts(id, { offset: 0, limit: 10 });
    const french = all({ kind: 'attribute', field: 'email', rule: 'ends_with', value: '.fr' });
    expect(await engine.count(id, french, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
    expect(reads.events).toBe(0);
    const buyers = all({ kind: 'event', event: 'purchase' });
    expect(await engine.count(id, buyers, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 1 });
    expect(reads.events).toBeGreaterThan(0);
  });

  it('shows a contact with its events right after a restart', async () => {
    const { engine, id } = await storedCampaign();
    const marc = await engine.getContact(id, 1);
    expect(marc?.events.map((e) => e.type)).toEqual(['purchase', 'page_view']);
    expect(marc?.attributes[0]).toEqual({
      field: 'email',
      type: 'email',
      value: 'marc@example.org'
    });
  });
});
