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

  it('merges with existing events and keeps each contact sorted by time', async () => {
    const table = await contacts();
    const first = await importEvents(table);
    const second = await importEvents(table, first.events);
    expect(second.events.count).toBe(10);
    expect(second.events.types).toEqual(first.events.types);
    const alice = eventsOf(second.events, 0);
    expect(alice.map((e) => e.at)).toEqual([
      '2025-05-30T09:00:00.000Z',
      '2025-05-30T09:00:00.000Z',
      '2025-06-01T10:00:00.000Z',
      '2025-06-01T10:00:00.000Z',
      '2025-06-02T14:30:00.000Z',
      '2025-06-02T14:30:00.000Z'
    ]);
    expect(first.events.count).toBe(5); // existing untouched
  });

  it('covers contacts added after the existing events', async () => {
    const table = await contacts();
    const smaller = { ...(await importEvents(table)).events };
    smaller.offsets = smaller.offsets.slice(0, 3); // as if built when there were 2 contacts
    smaller.count = smaller.offsets[2];
    const r = await importEvents(table, smaller);
    expect(r.events.offsets.length).toBe(table.rowCount + 1);
    expect(r.events.count).toBe(smaller.count + 5);
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
    const { events, added } = importer.finish();
    expect(added).toBe(100_000);
    expect(events.type).toBeInstanceOf(Uint16Array);
    for (let r = 0; r < n; r++) {
      for (let i = events.offsets[r] + 1; i < events.offsets[r + 1]; i++) {
        if (events.at[i] < events.at[i - 1]) throw new Error(`contact ${r} not sorted`);
      }
    }
    expect(events.offsets[n]).toBe(100_000);
  });
});
