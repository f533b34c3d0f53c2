import { describe, expect, it } from 'vitest';
import type { ContactTable, EventTable } from '$lib/core/columns/types';
import {
  createEventImporter,
  normaliseEventType,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type EventMapping
} from '$lib/core/csv';
import { fixtureBlob, importBlob, parseText } from './helpers';

async function contacts(): Promise<ContactTable> {
  return (await importBlob(fixtureBlob('contacts-utf8-bom.csv'), { identity: 'email' })).table;
}

async function importEvents(table: ContactTable, existing?: EventTable) {
  const blob = fixtureBlob('events.csv');
  const preview = await previewCsv(blob, 'events');
  const importer = createEventImporter({
    mapping: preview.suggestedMapping!,
    headers: preview.headers,
    contacts: table,
    existing
  });
  await parseCsvChunks(readBlobText(blob, preview.encoding, 0), { delimiter: ',' }, (rows, lines) =>
    importer.addRows(rows, lines)
  );
  return importer.finish();
}

function eventsOf(events: EventTable, row: number) {
  const out: { type: string; target: string; at: string; props: string }[] = [];
  for (let i = events.offsets[row]; i < events.offsets[row + 1]; i++) {
    out.push({
      type: events.types[events.type[i]],
      target: events.targets[events.target[i]],
      at: new Date(events.at[i]).toISOString(),
      props: events.props[events.propCodes[i]]
    });
  }
  return out;
}

describe('createEventImporter', () => {
  it('builds CSR events by contact, sorted by time, with rejected rows', async () => {
    const table = await contacts();
    const { events, added, rejected } = await importEvents(table);
    expect(rejected.map((r) => [r.line, r.column, r.reason])).toEqual([
      [5, 'contact', "unknown contact 'zoe@example.com' in column contact"],
      [6, 'type', 'empty event type in column type'],
      [7, 'at', "'not a date' is not a date or date and time (day/month/year hh:mm) in column at"]
    ]);
    expect(added).toBe(5);
    expect(events.count).toBe(5);
    expect(events.offsets.length).toBe(table.rowCount + 1);
    expect(Array.from(events.offsets)).toEqual([0, 3, 4, 5, 5]);
    expect(events.targets[0]).toBe('');
    expect(events.props[0]).toBe('');
    expect(eventsOf(events, 0)).toEqual([
      { type: 'page_view', target: '/home', at: '2025-05-30T09:00:00.000Z', props: '' },
      { type: 'page_view', target: '/offers/summer', at: '2025-06-01T10:00:00.000Z', props: '' },
      {
        type: 'purchase',
        target: 'product-42',
        at: '2025-06-02T14:30:00.000Z',
        props: '{"amount":"49,90"}'
      }
    ]);
    expect(eventsOf(events, 1)).toEqual([
      { type: 'opened', target: 'newsletter-june', at: '2025-06-03T06:15:00.000Z', props: '' }
    ]);
    expect(eventsOf(events, 2)[0]).toMatchObject({
      type: 'participation',
      at: '2025-04-15T00:00:00.000Z'
    });
  });

  it('stores each event once when the same file is imported twice', async () => {
    const table = await contacts();
    const first = await importEvents(table);
    const second = await importEvents(table, first.events);
    expect(second.added).toBe(0);
    expect(second.skipped).toBe(5);
    expect(second.rejected.length).toBe(3); // bad rows stay rejected, not skipped
    expect(second.events.count).toBe(5);
    expect(Array.from(second.events.offsets)).toEqual(Array.from(first.events.offsets));
    expect(second.events.types).toEqual(first.events.types);
    for (let r = 0; r < table.rowCount; r++) {
      expect(eventsOf(second.events, r)).toEqual(eventsOf(first.events, r));
    }
    expect(first.events.count).toBe(5); // existing untouched
    const third = await importEvents(table, second.events);
    expect([third.added, third.skipped, third.events.count]).toEqual([0, 5, 5]);
  });

  it('adds only the new events of an overlapping file', async () => {
    const table = await contacts();
    const first = await importEvents(table);
    // Two events already stored (one written differently: case, spaces, property order),
    // two new ones (another time, another amount), and one written twice in the file: two
    // opens in the same second are two events.
    const { rows, lines } = await parseText(
      [
        'when,who,what,where,amount,currency',
        '2025-06-01T10:00:00Z,alice@example.com,Page View,/offers/summer,,',
        '2025-06-02T14:30:00Z, Alice@Example.com,purchase,product-42,"49,90",',
        '2025-06-02T14:30:00Z,alice@example.com,purchase,product-42,"59,90",',
        '2025-06-05T12:00:00Z,bob@example.org,opened,newsletter-june,,',
        '2025-06-05T12:00:00Z,bob@example.org,opened,newsletter-june,,',
        '2025-06-05T12:00:00Z,bob@example.org,clicked,newsletter-june,,'
      ].join('\n') + '\n'
    );
    const mapping: EventMapping = {
      contact: 'who',
      type: 'what',
      target: 'where',
      at: 'when',
      properties: ['currency', 'amount']
    };
    const importer = createEventImporter({
      mapping,
      headers: rows[0],
      contacts: table,
      existing: first.events
    });
    importer.addRows(rows, lines);
    const out = importer.finish();
    expect(out.rejected).toEqual([]);
    expect(out.skipped).toBe(2);
    expect(out.added).toBe(4);
    expect(out.repeatedIds).toBe(0);
    expect(out.events.count).toBe(9);
    expect(eventsOf(out.events, 0)).toEqual([
      { type: 'page_view', target: '/home', at: '2025-05-30T09:00:00.000Z', props: '' },
      { type: 'page_view', target: '/offers/summer', at: '2025-06-01T10:00:00.000Z', props: '' },
      {
        type: 'purchase',
        target: 'product-42',
        at: '2025-06-02T14:30:00.000Z',
        props: '{"amount":"49,90"}'
      },
      {
        type: 'purchase',
        target: 'product-42',
        at: '2025-06-02T14:30:00.000Z',
        props: '{"amount":"59,90"}'
      }
    ]);
    expect(eventsOf(out.events, 1).map((e) => [e.type, e.at])).toEqual([
      ['opened', '2025-06-03T06:15:00.000Z'],
      ['opened', '2025-06-05T12:00:00.000Z'],
      ['opened', '2025-06-05T12:00:00.000Z'],
      ['clicked', '2025-06-05T12:00:00.000Z']
    ]);
  });

  it('treats properties as equal whatever the order of their columns', async () => {
    const table = await contacts();
    const mapping = (properties: string[]): EventMapping => ({
      contact: 'c',
      type: 't',
      target: null,
      at: 'at',
      properties
    });
    const run = async (text: string, properties: string[], existing?: EventTable) => {
      const { rows, lines } = await parseText(text);
      const importer = createEventImporter({
        mapping: mapping(properties),
        headers: rows[0],
        contacts: table,
        existing
      });
      importer.addRows(rows, lines);
      return importer.finish();
    };
    const first = await run('c,t,at,a,b\nbob@example.org,buy,2025-01-01,1,2\n', ['a', 'b']);
    const second = await run(
      'c,t,at,b,a\nbob@example.org,buy,2025-01-01,2,1\nbob@example.org,buy,2025-01-01,2,3\n',
      ['b', 'a'],
      first.events
    );
    expect([second.added, second.skipped, second.events.count]).toEqual([1, 1, 2]);
  });

  it('matches copies one for one among many events at one instant', () => {
    const table: ContactTable = {
      rowCount: 2,
      identity: 'id',
      fields: [{ name: 'id', type: 'text' }],
      columns: { id: { kind: 'string', codes: Uint32Array.from([1, 2]), dict: ['', 'a', 'b'] } }
    };
    const headers = ['contact', 'type', 'target', 'at'];
    const mapping: EventMapping = {
      contact: 'contact',
      type: 'type',
      target: 'target',
      at: 'at',
      properties: []
    };
    const rows: string[][] = [];
    // 300 events of 'a' on one day, 100 distinct (type, target) pairs each written 3 times:
    // a run longer than the pairwise window, grouped by sorting.
    for (let k = 0; k < 300; k++) rows.push(['a', `t${k % 4}`, `x${k % 25}`, '2025-03-01']);
    rows.push(['b', 'open', '', '2025-03-01']);
    const lines = rows.map((_, i) => i + 2);
    const importer = createEventImporter({ mapping, headers, contacts: table });
    importer.addRows(rows, lines);
    const first = importer.finish();
    expect([first.added, first.skipped, first.events.count]).toEqual([301, 0, 301]);
    const pairs = new Map<string, number>();
    for (let i = 0; i < first.events.offsets[1]; i++) {
      const key = `${first.events.type[i]}:${first.events.target[i]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    expect(pairs.size).toBe(100);
    expect(new Set(pairs.values())).toEqual(new Set([3]));

    // The same file again, with a fourth copy of one pair, a second 'b' and a new event: only
    // the copies beyond the three stored ones (and the one stored 'b') are added.
    const again = createEventImporter({
      mapping,
      headers,
      contacts: table,
      existing: first.events
    });
    again.addRows(
      [
        ...rows,
        ['a', 't0', 'x0', '2025-03-01'],
        ['b', 'open', '', '2025-03-01'],
        ['a', 'new', 'x1', '2025-03-01']
      ],
      [...lines, 997, 998, 999]
    );
    const second = again.finish();
    expect([second.added, second.skipped, second.events.count]).toEqual([3, 301, 304]);
    expect(second.events.offsets[1]).toBe(302);
    expect(second.events.offsets[2]).toBe(304);
  });

  describe('repeated events (multiset: copies beyond the stored ones are added)', () => {
    const mapping: EventMapping = {
      contact: 'contact',
      type: 'type',
      target: 'target',
      at: 'at',
      properties: []
    };
    const VIEW = 'alice@example.com,page_view,/home,2025-06-01 10:00';
    const run = async (records: string[], existing?: EventTable, m: EventMapping = mapping) => {
      const table = await contacts();
      const header = ['contact', 'type', 'target', 'at', ...(m.id ? [m.id] : [])].join(',');
      const { rows, lines } = await parseText([header, ...records].join('\n') + '\n');
      const importer = createEventImporter({
        mapping: m,
        headers: rows[0],
        contacts: table,
        existing
      });
      importer.addRows(rows, lines);
      return importer.finish();
    };

    it('stores two identical rows of one file as two events', async () => {
      const first = await run([VIEW, VIEW]);
      expect([first.added, first.skipped, first.events.count]).toEqual([2, 0, 2]);
      expect(eventsOf(first.events, 0).map((e) => e.type)).toEqual(['page_view', 'page_view']);
    });

    it('adds nothing when the same file comes again, and only the extra copies after', async () => {
      const first = await run([VIEW, VIEW]);
      const again = await run([VIEW, VIEW], first.events);
      expect([again.added, again.skipped, again.events.count]).toEqual([0, 2, 2]);
      // A later export repeating the earlier rows plus a third view in that minute.
      const later = await run([VIEW, VIEW, VIEW], again.events);
      expect([later.added, later.skipped, later.events.count]).toEqual([1, 2, 3]);
      // A file holding fewer copies than stored adds nothing and removes nothing.
      const fewer = await run([VIEW], later.events);
      expect([fewer.added, fewer.skipped, fewer.events.count]).toEqual([0, 1, 3]);
    });

    it('matches each stored copy once, among other events at the same instant', async () => {
      const CLICK = 'alice@example.com,clicked,/home,2025-06-01 10:00';
      const first = await run([VIEW, CLICK, VIEW]);
      expect(first.events.count).toBe(3);
      const second = await run([CLICK, VIEW, CLICK, VIEW, VIEW], first.events);
      expect([second.added, second.skipped, second.events.count]).toEqual([2, 3, 5]);
      const types = eventsOf(second.events, 0).map((e) => e.type);
      expect(types.filter((t) => t === 'page_view').length).toBe(3);
      expect(types.filter((t) => t === 'clicked').length).toBe(2);
    });

    describe('with an event id column', () => {
      const withId: EventMapping = { ...mapping, id: 'event_id' };

      it('keeps one event per id: an id twice in the file is one event, said so', async () => {
        const first = await run([`${VIEW},e1`, `${VIEW},e2`, `${VIEW},e1`], undefined, withId);
        expect(first.rejected).toEqual([]);
        expect([first.added, first.skipped, first.repeatedIds]).toEqual([2, 0, 1]);
        expect(first.events.count).toBe(2);
        expect(first.events.eventIds).toEqual(['', 'e1', 'e2']);
        expect(Array.from(first.events.eventIdCodes!)).toEqual([1, 2]);
      });

      it('skips ids already stored whatever their content, adds new ids', async () => {
        const first = await run([`${VIEW},e1`, `${VIEW},e2`], undefined, withId);
        const other = 'bob@example.org,opened,news,2025-06-02 08:00';
        const second = await run(
          [`${VIEW},e2`, `${other},e1`, `${VIEW},e3`, ` ${VIEW},e3 `],
          first.events,
          withId
        );
        expect([second.added, second.skipped, second.repeatedIds]).toEqual([1, 2, 1]);
        expect(second.events.count).toBe(3);
        expect(eventsOf(second.events, 1)).toEqual([]); // bob's row had a stored id
        const ids = second.events.eventIdCodes!;
        const values = [0, 1, 2].map((i) => second.events.eventIds![ids[i]]);
        expect(values).toEqual(['e1', 'e2', 'e3']);
      });

      it('rejects a record without an id, naming the column', async () => {
        const out = await run([`${VIEW},`, `${VIEW},e1`], undefined, withId);
        expect(out.rejected.map((r) => [r.line, r.column, r.reason])).toEqual([
          [2, 'event_id', 'empty event id in column event_id']
        ]);
        expect(out.added).toBe(1);
      });

      it('keeps stored ids when a later file has no id column', async () => {
        const first = await run([`${VIEW},e1`], undefined, withId);
        const second = await run([VIEW, VIEW], first.events);
        expect([second.added, second.skipped]).toEqual([1, 1]);
        expect(second.events.eventIds).toEqual(['', 'e1']);
        expect(Array.from(second.events.eventIdCodes!).sort()).toEqual([0, 1]);
      });

      it('refuses a mapping whose id column is not in the file', async () => {
        const table = await contacts();
        expect(() =>
          createEventImporter({
            mapping: { ...mapping, id: 'nope' },
            headers: ['contact', 'type', 'target', 'at'],
            contacts: table
          })
        ).toThrow("the events file has no column 'nope'");
      });
    });
  });

  it('covers contacts added after the existing events', async () => {
    const table = await contacts();
    const smaller = { ...(await importEvents(table)).events };
    smaller.offsets = smaller.offsets.slice(0, 3); // as if built when there were 2 contacts
    smaller.count = smaller.offsets[2];
    const r = await importEvents(table, smaller);
    expect(r.events.offsets.length).toBe(table.rowCount + 1);
    // The stored events of the first two contacts are in the file again: only chloe's is new.
    expect([r.added, r.skipped]).toEqual([5 - smaller.count, smaller.count]);
    expect(r.events.count).toBe(5);
    expect(r.events.offsets[table.rowCount]).toBe(5);
  });

  it('reads month-first timestamps when the mapping says so', async () => {
    const table = await contacts();
    const { rows, lines } = await parseText(
      'contact,type,at\nbob@example.org,opened,12/31/2025 10:00\n'
    );
    const mapping: EventMapping = {
      contact: 'contact',
      type: 'type',
      target: null,
      at: 'at',
      properties: [],
      dateOrder: 'mdy'
    };
    const importer = createEventImporter({ mapping, headers: rows[0], contacts: table });
    importer.addRows(rows, lines);
    const { events, rejected } = importer.finish();
    expect(rejected).toEqual([]);
    expect(new Date(events.at[0]).toISOString()).toBe('2025-12-31T10:00:00.000Z');
  });

  it('normalises event types', () => {
    expect(normaliseEventType('  Page View ')).toBe('page_view');
    expect(normaliseEventType('add-to-cart')).toBe('add_to_cart');
    expect(normaliseEventType('REWARD_WON')).toBe('reward_won');
  });

  it('scales with typed arrays (100,000 events over 10,000 contacts)', () => {
    const n = 10_000;
    const dict = [''];
    for (let i = 0; i < n; i++) dict.push(`c${i}@x.fr`);
    const table: ContactTable = {
      rowCount: n,
      identity: 'email',
      fields: [{ name: 'email', type: 'email' }],
      columns: {
        email: { kind: 'string', codes: Uint32Array.from({ length: n }, (_, i) => i + 1), dict }
      }
    };
    const headers = ['contact', 'type', 'target', 'at'];
    const importer = createEventImporter({
      mapping: { contact: 'contact', type: 'type', target: 'target', at: 'at', properties: [] },
      headers,
      contacts: table
    });
    const rows: string[][] = [];
    const lines: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const t = new Date(Date.UTC(2025, 0, 1) + ((i * 7919) % 100_000) * 60_000).toISOString();
      rows.push([`c${(i * 31) % n}@x.fr`, i % 3 ? 'opened' : 'clicked', `e${i % 5}`, t]);
      lines.push(i + 2);
    }
    importer.addRows(rows, lines);
    const { events, added, skipped } = importer.finish();
    expect(added).toBe(100_000);
    expect(skipped).toBe(0);
    expect(events.type).toBeInstanceOf(Uint16Array);
    for (let r = 0; r < n; r++) {
      for (let i = events.offsets[r] + 1; i < events.offsets[r + 1]; i++) {
        if (events.at[i] < events.at[i - 1]) throw new Error(`contact ${r} not sorted`);
      }
    }
    expect(events.offsets[n]).toBe(100_000);
  });
});
