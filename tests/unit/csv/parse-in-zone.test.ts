/**
 * Date-times without a zone are wall-clock times in the campaign's zone; values with `Z` or an
 * offset keep it; pure dates stay calendar days. DST edges follow one rule (docs/segments.md):
 * a wall time in a gap moves forward by the gap, a repeated hour takes the earlier instant.
 */
import { describe, expect, it } from 'vitest';
import type { ContactTable } from '$lib/core/columns/types';
import {
  createContactImporter,
  createEventImporter,
  parseDate,
  parseDateTime
} from '$lib/core/csv';
import { zoneClock } from '$lib/core/segment/dates';

const paris = zoneClock('Europe/Paris');
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseDateTime in a zone', () => {
  it('reads a zone-less wall time in the zone, in every written form', () => {
    expect(iso(parseDateTime('2026-09-30 00:30', 'ymd', paris))).toBe('2026-09-29T22:30:00.000Z');
    expect(iso(parseDateTime('2026-09-30T00:30:00', 'ymd', paris))).toBe(
      '2026-09-29T22:30:00.000Z'
    );
    expect(iso(parseDateTime('31/12/2025 23:30', 'dmy', paris))).toBe('2025-12-31T22:30:00.000Z');
    expect(iso(parseDateTime('12/31/2025 11:30 PM', 'mdy', paris))).toBe(
      '2025-12-31T22:30:00.000Z'
    );
    // A date alone in a datetime column is the zone's midnight.
    expect(iso(parseDateTime('30/09/2026', 'dmy', paris))).toBe('2026-09-29T22:00:00.000Z');
    expect(iso(parseDateTime('2026-01-15', 'ymd', zoneClock('America/New_York')))).toBe(
      '2026-01-15T05:00:00.000Z'
    );
  });

  it('keeps the zone a value names (Z, UTC, an offset)', () => {
    expect(iso(parseDateTime('2026-09-30T00:30:00Z', 'ymd', paris))).toBe(
      '2026-09-30T00:30:00.000Z'
    );
    expect(iso(parseDateTime('2026-09-30 00:30 UTC', 'ymd', paris))).toBe(
      '2026-09-30T00:30:00.000Z'
    );
    expect(iso(parseDateTime('2026-09-30T00:30:00+05:30', 'ymd', paris))).toBe(
      '2026-09-29T19:00:00.000Z'
    );
    expect(iso(parseDateTime('30/09/2026 00:30 -04:00', 'dmy', paris))).toBe(
      '2026-09-30T04:30:00.000Z'
    );
  });

  it('without a zone, reads UTC as before (callers that give none)', () => {
    expect(iso(parseDateTime('2026-09-30 00:30', 'ymd'))).toBe('2026-09-30T00:30:00.000Z');
  });

  it('moves a wall time in the spring gap forward by the gap (last Sunday of March)', () => {
    // 29 March 2026: Paris clocks go from 02:00 CET straight to 03:00 CEST.
    expect(iso(parseDateTime('2026-03-29 01:59', 'ymd', paris))).toBe('2026-03-29T00:59:00.000Z');
    expect(iso(parseDateTime('2026-03-29 02:00', 'ymd', paris))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(parseDateTime('2026-03-29 02:30', 'ymd', paris))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(parseDateTime('2026-03-29 03:30', 'ymd', paris))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(parseDateTime('2026-03-29 03:00', 'ymd', paris))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('reads a repeated autumn hour as its earlier instant (last Sunday of October)', () => {
    // 25 October 2026: Paris clocks go back from 03:00 CEST to 02:00 CET.
    expect(iso(parseDateTime('2026-10-25 01:30', 'ymd', paris))).toBe('2026-10-24T23:30:00.000Z');
    expect(iso(parseDateTime('2026-10-25 02:30', 'ymd', paris))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(parseDateTime('2026-10-25 03:00', 'ymd', paris))).toBe('2026-10-25T02:00:00.000Z');
    // The later 02:30 can still be written, with its offset.
    expect(iso(parseDateTime('2026-10-25T02:30:00+01:00', 'ymd', paris))).toBe(
      '2026-10-25T01:30:00.000Z'
    );
  });

  it('leaves pure dates as calendar days, whatever the zone', () => {
    expect(parseDate('15/09/2004', 'dmy')).toBe(Date.UTC(2004, 8, 15));
    expect(parseDate('2004-09-15', 'ymd')).toBe(Date.UTC(2004, 8, 15));
  });
});

const PEOPLE: ContactTable = {
  rowCount: 2,
  fields: [{ name: 'email', type: 'email' }],
  identity: 'email',
  columns: {
    email: { kind: 'string', codes: new Uint32Array([1, 2]), dict: ['', 'a@x.fr', 'b@x.fr'] }
  }
};

describe('importers in a zone', () => {
  it('the contacts importer reads datetime fields in its zone and dates as days', () => {
    const headers = ['email', 'seen', 'born'];
    const importer = createContactImporter({
      fields: [
        { name: 'email', type: 'email' },
        { name: 'seen', type: 'datetime', dateOrder: 'dmy' },
        { name: 'born', type: 'date', dateOrder: 'dmy' }
      ],
      headers,
      identity: 'email',
      policy: 'update',
      timeZone: 'Europe/Paris'
    });
    importer.addRows(
      [
        ['a@x.fr', '30/09/2026 00:30', '15/09/2004'],
        ['b@x.fr', '2026-09-30T00:30:00Z', '29/03/2026']
      ],
      [2, 3]
    );
    const { table, rejected } = importer.finish();
    expect(rejected).toEqual([]);
    const seen = table.columns.seen as { values: Float64Array };
    const born = table.columns.born as { values: Float64Array };
    expect(iso(seen.values[0])).toBe('2026-09-29T22:30:00.000Z');
    expect(iso(seen.values[1])).toBe('2026-09-30T00:30:00.000Z');
    expect(born.values[0]).toBe(Date.UTC(2004, 8, 15));
    expect(born.values[1]).toBe(Date.UTC(2026, 2, 29));
  });

  it('the events importer reads the `at` column in its zone, offsets kept', () => {
    const headers = ['contact', 'type', 'at'];
    const run = (timeZone?: string) => {
      const importer = createEventImporter({
        mapping: { contact: 'contact', type: 'type', target: null, at: 'at', properties: [] },
        headers,
        contacts: PEOPLE,
        timeZone
      });
      importer.addRows(
        [
          ['a@x.fr', 'page_view', '2026-09-30 00:30'],
          ['b@x.fr', 'page_view', '2026-10-25 02:30'],
          ['b@x.fr', 'purchase', '2026-09-30T00:30:00+02:00']
        ],
        [2, 3, 4]
      );
      const { events } = importer.finish();
      return Array.from(events.at, iso);
    };
    expect(run('Europe/Paris')).toEqual([
      '2026-09-29T22:30:00.000Z',
      '2026-09-29T22:30:00.000Z',
      '2026-10-25T00:30:00.000Z'
    ]);
    expect(run()).toEqual([
      '2026-09-30T00:30:00.000Z',
      '2026-09-29T22:30:00.000Z',
      '2026-10-25T02:30:00.000Z'
    ]);
  });
});
