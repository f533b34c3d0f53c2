import { describe, expect, it } from 'vitest';
import {
  csvFile,
  EVAL_OPTIONS,
  EVENT_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup, forget } = trackEngines();

async function people() {
  const { engine, db } = setup();
  const c = await engine.createCampaign('A');
  const outcome = await importText(engine, c.id, PEOPLE, PEOPLE_FIELDS);
  expect(outcome.ok).toBe(true);
  return { engine, db, id: c.id };
}

const EMAILS = ['elodie@example.fr', 'marc@example.org', 'ana@example.com', 'zoe@example.fr'];

describe('queryContacts', () => {
  it('searches text fields ignoring case and accents', async () => {
    const { engine, id } = await people();
    const liege = await engine.queryContacts(id, { search: 'LIEGE', offset: 0, limit: 10 });
    expect(liege.total).toBe(2);
    expect(liege.ids).toEqual([0, 3]);
    expect(liege.rows[0][0]).toBe('elodie@example.fr');
    const zoe = await engine.queryContacts(id, { search: ' zoé ', offset: 0, limit: 10 });
    expect(zoe.ids).toEqual([3]);
    const domain = await engine.queryContacts(id, { search: '.fr', offset: 0, limit: 10 });
    expect(domain.ids).toEqual([0, 3]);
    const none = await engine.queryContacts(id, { search: 'nobody', offset: 0, limit: 10 });
    expect(none).toEqual({ total: 0, offset: 0, ids: [], rows: [] });
  });

  it('sorts by numbers, strings, dates and booleans with empty values last', async () => {
    const { engine, id } = await people();
    const ids = async (sort: string, direction: 'asc' | 'desc') =>
      (await engine.queryContacts(id, { sort, direction, offset: 0, limit: 10 })).ids;
    expect(await ids('age', 'asc')).toEqual([3, 0, 1, 2]);
    expect(await ids('age', 'desc')).toEqual([1, 0, 3, 2]);
    // Élodie sorts as elodie: accents do not push it after z.
    expect(await ids('first_name', 'asc')).toEqual([2, 0, 1, 3]);
    expect(await ids('first_name', 'desc')).toEqual([3, 1, 0, 2]);
    expect(await ids('birth_date', 'asc')).toEqual([1, 0, 2, 3]);
    expect(await ids('birth_date', 'desc')).toEqual([2, 0, 1, 3]);
    expect(await ids('newsletter', 'asc')).toEqual([1, 0, 2, 3]);
    expect(await ids('newsletter', 'desc')).toEqual([0, 2, 1, 3]);
  });

  it('combines search, sort and paging', async () => {
    const { engine, id } = await people();
    const page = await engine.queryContacts(id, {
      search: 'example',
      sort: 'email',
      direction: 'asc',
      offset: 1,
      limit: 2
    });
    expect(page.total).toBe(4);
    expect(page.offset).toBe(1);
    expect(page.rows.map((r) => r[0])).toEqual(['elodie@example.fr', 'marc@example.org']);
    const tail = await engine.queryContacts(id, { offset: 3, limit: 50 });
    expect(tail.ids).toEqual([3]);
    expect(tail.rows[0][0]).toBe(EMAILS[3]);
    const past = await engine.queryContacts(id, { offset: 10, limit: 50 });
    expect(past).toMatchObject({ total: 4, ids: [], rows: [] });
  });

  it('filters to a segment: the default segment is everyone', async () => {
    const { engine, id } = await people();
    const [all] = await engine.listSegments(id);
    expect(all.count).toBe(4);
    const page = await engine.queryContacts(id, { segmentId: all.id, offset: 0, limit: 10 });
    expect(page.ids).toEqual([0, 1, 2, 3]);
    const members = await engine.members(all.id, { offset: 1, limit: 2 });
    expect(members).toMatchObject({ total: 4, offset: 1, ids: [1, 2] });
    expect(members.rows[0][0]).toBe(EMAILS[1]);
  });

  it('reads contacts back from storage after a restart (no cache)', async () => {
    const { engine, id, db } = await people();
    const before = await engine.queryContacts(id, { sort: 'age', offset: 0, limit: 10 });
    await engine.close();
    forget();
    const again = setup(db.name);
    expect(await again.engine.queryContacts(id, { sort: 'age', offset: 0, limit: 10 })).toEqual(
      before
    );
  });
});

describe('getContact', () => {
  it('returns attributes, events newest first and the segments containing the contact', async () => {
    const { engine, id, db } = await people();
    const events = [
      'contact,type,target,at,amount',
      'marc@example.org,page_view,/offer-42,2026-06-01T10:00:00Z,',
      'marc@example.org,purchase,offer-42,2026-06-03T12:30:00Z,19.90',
      'elodie@example.fr,page_view,/home,2026-05-01T08:00:00Z,',
      'marc@example.org,opened,spring-news,2026-06-02T09:00:00Z,',
      'unknown@example.org,page_view,/x,2026-06-01T10:00:00Z,'
    ].join('\n');
    const outcome = await engine.importEvents(id, csvFile(events, 'events.csv'), EVENT_OPTIONS);
    expect(outcome).toMatchObject({ ok: true, kind: 'events', added: 4, rejected: 1 });
    const campaign = await engine.getCampaign(id);
    expect(campaign?.eventCount).toBe(4);
    expect([...(campaign?.eventTypes ?? [])].sort()).toEqual(['opened', 'page_view', 'purchase']);

    const marc = await engine.getContact(id, 1);
    expect(marc?.id).toBe(1);
    expect(marc?.attributes.find((a) => a.field === 'email')).toEqual({
      field: 'email',
      type: 'email',
      value: 'marc@example.org'
    });
    expect(marc?.attributes.find((a) => a.field === 'birth_date')?.value).toBe('1975-07-01');
    expect(marc?.events.map((e) => [e.type, e.target, e.at])).toEqual([
      ['purchase', 'offer-42', '2026-06-03T12:30:00.000Z'],
      ['opened', 'spring-news', '2026-06-02T09:00:00.000Z'],
      ['page_view', '/offer-42', '2026-06-01T10:00:00.000Z']
    ]);
    expect(marc?.events[0].properties).toEqual({ amount: '19.90' });
    expect(marc?.segments.map((s) => s.name)).toEqual(['All participants']);
    expect((await engine.getContact(id, 2))?.events).toEqual([]);
    expect(await engine.getContact(id, 4)).toBeNull();
    expect(await engine.getContact(id, -1)).toBeNull();

    // A later contacts import that appends rows keeps the events where they were.
    const more = await importText(engine, id, 'email,first_name\nnew@example.org,New', {
      email: 'email',
      first_name: 'text'
    });
    expect(more).toMatchObject({ ok: true, added: 1 });
    expect((await engine.getContact(id, 1))?.events).toHaveLength(3);
    expect((await engine.getContact(id, 4))?.events).toEqual([]);

    // After a restart the events are read back from storage (after the contacts).
    const before = await engine.getContact(id, 1);
    await engine.close();
    forget();
    const again = setup(db.name);
    expect(await again.engine.getContact(id, 1)).toEqual(before);
    const bought = await again.engine.count(
      id,
      {
        version: 1,
        root: { kind: 'group', match: 'all', children: [{ kind: 'event', event: 'purchase' }] }
      },
      EVAL_OPTIONS
    );
    expect(bought).toMatchObject({ ok: true, count: 1, total: 5 });
  });
});
