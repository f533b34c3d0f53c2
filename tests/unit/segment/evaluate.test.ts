import { describe, expect, it } from 'vitest';
import { fromIndices, popcount, toIndices } from '../../../src/lib/core/columns/bitset';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import type { Condition, Definition, SegmentNode } from '../../../src/lib/core/segment/definition';
import { DAY_MS, parseIsoDay } from '../../../src/lib/core/segment/dates';
import { EvalCache } from '../../../src/lib/core/segment/eval-cache';
import {
  EvaluationCancelled,
  evaluateDefinition,
  type EvalContext
} from '../../../src/lib/core/segment/evaluate';
import { InvalidDefinitionError } from '../../../src/lib/core/segment/invalid-definition';
import { sampleBucket } from '../../../src/lib/core/segment/sample';
import { buildContacts, buildEvents, type Cell, type PlainEvent } from './tables';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const TZ = 'Europe/Brussels';
const D = (s: string) => (parseIsoDay(s) as number) * DAY_MS;
const T = (s: string) => Date.parse(s);

const fields: FieldSpec[] = [
  { name: 'email', type: 'email' },
  { name: 'name', type: 'text' },
  { name: 'city', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'birth', type: 'date' },
  { name: 'seen', type: 'datetime' },
  { name: 'last', type: 'datetime' },
  { name: 'optin', type: 'boolean' }
];

const rows: Record<string, Cell>[] = [
  {
    email: 'a@ex.fr',
    name: 'Élodie',
    city: 'Bruxelles',
    score: 10,
    birth: D('2000-02-29'),
    seen: T('2026-03-28T22:30:00Z'),
    last: NOW - 7 * DAY_MS,
    optin: 2
  },
  {
    email: 'b@ex.org',
    name: 'elodie ',
    city: 'liège',
    score: 2.5,
    birth: D('1990-11-23'),
    seen: T('2026-03-28T23:00:00Z'),
    last: NOW - 7 * DAY_MS - 1,
    optin: 1
  },
  {
    email: 'c@ex.com',
    name: 'ELODIE',
    city: '',
    score: NaN,
    birth: NaN,
    seen: NaN,
    last: NaN,
    optin: 0
  },
  {
    email: 'd@ex.fr',
    name: 'Jean',
    city: '  ',
    score: 0,
    birth: D('1990-11-30'),
    seen: T('2026-10-25T22:59:59Z'),
    last: NOW + 3_600_000,
    optin: 2
  },
  {
    email: 'e@ex.be',
    name: 'Straße',
    city: 'Liege',
    score: -1,
    birth: D('2010-11-20'),
    seen: T('2026-10-25T23:00:00Z'),
    last: NOW - 30 * DAY_MS,
    optin: 1
  }
];

const ev = (row: number, type: string, target: string, at: number): PlainEvent => ({
  row,
  type,
  target,
  at
});
const events: PlainEvent[] = [
  ev(0, 'page_view', '/offer-42', NOW - 1 * DAY_MS),
  ev(0, 'page_view', '/offer-42', NOW - 2 * DAY_MS),
  ev(0, 'page_view', '/Offer-42/x', NOW - 3 * DAY_MS),
  ev(0, 'purchase', 'p1', NOW - 40 * DAY_MS),
  ev(0, 'opened', 'em1', T('2026-08-01T10:00:00Z')),
  ev(1, 'page_view', '/home', NOW - 1 * DAY_MS),
  ev(1, 'purchase', 'p1', NOW - 5 * DAY_MS),
  ev(1, 'opened', 'em2', T('2026-07-15T10:00:00Z')),
  ev(3, 'page_view', '/offer-42', NOW - 100 * DAY_MS),
  ev(3, 'received', 'em1', T('2026-07-10T10:00:00Z')),
  ev(4, 'purchase', 'p1', NOW - 10 * DAY_MS),
  ev(4, 'purchase', 'p2', NOW - 60 * DAY_MS)
];

const contacts = buildContacts(fields, rows, 'email');
const eventTable = buildEvents(contacts.rowCount, events);
const data = { contacts, events: eventTable };
const stored: Record<string, number[]> = { vip: [0, 4] };

function ctx(extra: Partial<EvalContext> = {}): EvalContext {
  return {
    now: NOW,
    timeZone: TZ,
    segmentMembers: (id) => (stored[id] ? fromIndices(stored[id], contacts.rowCount) : undefined),
    ...extra
  };
}

const all = (...children: SegmentNode[]): Definition => ({
  version: 1,
  root: { kind: 'group', match: 'all', children }
});

function rowsOf(def: Definition, extra: Partial<EvalContext> = {}): number[] {
  return [...toIndices(evaluateDefinition(def, data, ctx(extra)))];
}

const attr = (field: string, rule: string, value?: unknown, caseSensitive?: boolean): Condition =>
  ({ kind: 'attribute', field, rule, value, caseSensitive }) as Condition;
const one = (c: Condition, extra: Partial<EvalContext> = {}) => rowsOf(all(c), extra);

describe('text rules', () => {
  it('ignore case, accents and surrounding spaces unless case-sensitive', () => {
    expect(one(attr('name', 'equals', 'elodie'))).toEqual([0, 1, 2]);
    expect(one(attr('name', 'equals', 'Élodie', true))).toEqual([0]);
    expect(one(attr('name', 'equals', ' elodie', true))).toEqual([1]);
    expect(one(attr('name', 'equals', 'STRASSE'))).toEqual([4]);
  });

  it('let empty values match only the negative rules and is_empty', () => {
    expect(one(attr('city', 'not_equals', 'liege'))).toEqual([0, 2, 3]);
    expect(one(attr('city', 'is_empty'))).toEqual([2, 3]);
    expect(one(attr('city', 'is_not_empty'))).toEqual([0, 1, 4]);
    expect(one(attr('city', 'contains', 'LIE'))).toEqual([1, 4]);
    expect(one(attr('city', 'not_contains', 'lie'))).toEqual([0, 2, 3]);
    expect(one(attr('city', 'in', ['liege', 'BRUXELLES']))).toEqual([0, 1, 4]);
    expect(one(attr('city', 'not_in', ['liege']))).toEqual([0, 2, 3]);
    expect(one(attr('city', 'starts_with', 'brux'))).toEqual([0]);
    expect(one(attr('city', 'ends_with', 'ège'))).toEqual([1, 4]);
  });

  it('apply pattern operators', () => {
    expect(one(attr('email', 'contains', '.fr|.org'))).toEqual([0, 1, 3]);
    expect(one(attr('email', 'contains', 'a+fr'))).toEqual([0]);
    expect(one(attr('email', 'contains', 'd*fr'))).toEqual([3]);
    expect(one(attr('email', 'not_contains', '.fr|.org'))).toEqual([2, 4]);
  });
});

describe('number rules', () => {
  it('compare, with empty values only in not_equals and is_empty', () => {
    expect(one(attr('score', 'equals', 2.5))).toEqual([1]);
    expect(one(attr('score', 'not_equals', 2.5))).toEqual([0, 2, 3, 4]);
    expect(one(attr('score', 'gt', 0))).toEqual([0, 1]);
    expect(one(attr('score', 'gte', 0))).toEqual([0, 1, 3]);
    expect(one(attr('score', 'lt', 0))).toEqual([4]);
    expect(one(attr('score', 'lte', 0))).toEqual([3, 4]);
    expect(one(attr('score', 'between', [0, 10]))).toEqual([0, 1, 3]);
    expect(one(attr('score', 'between', [2.5, 2.5]))).toEqual([1]);
    expect(one(attr('score', 'is_empty'))).toEqual([2]);
    expect(one(attr('score', 'is_not_empty'))).toEqual([0, 1, 3, 4]);
  });
});

describe('boolean rules', () => {
  it('is_false does not match empty', () => {
    expect(one(attr('optin', 'is_true'))).toEqual([0, 3]);
    expect(one(attr('optin', 'is_false'))).toEqual([1, 4]);
    expect(one(attr('optin', 'is_empty'))).toEqual([2]);
    expect(one(attr('optin', 'is_not_empty'))).toEqual([0, 1, 3, 4]);
  });
});

describe('date rules', () => {
  it('use calendar days of the time zone for datetimes (DST days included)', () => {
    expect(one(attr('seen', 'on', '2026-03-29'))).toEqual([1]);
    expect(one(attr('seen', 'on', '2026-03-28'))).toEqual([0]);
    expect(one(attr('seen', 'on', '2026-10-25'))).toEqual([3]);
    expect(one(attr('seen', 'on', '2026-10-26'))).toEqual([4]);
    expect(one(attr('seen', 'before', '2026-03-29'))).toEqual([0]);
    expect(one(attr('seen', 'after', '2026-10-25'))).toEqual([4]);
    expect(one(attr('seen', 'between', ['2026-03-29', '2026-10-25']))).toEqual([1, 3]);
    // In UTC the same instants fall on other days.
    expect(one(attr('seen', 'on', '2026-03-28'), { timeZone: 'UTC' })).toEqual([0, 1]);
  });

  it('use plain calendar days for dates', () => {
    expect(one(attr('birth', 'on', '2000-02-29'))).toEqual([0]);
    expect(one(attr('birth', 'before', '1990-11-30'))).toEqual([1]);
    expect(one(attr('birth', 'after', '1990-11-30'))).toEqual([0, 4]);
    expect(one(attr('birth', 'between', ['1990-11-23', '1990-11-30']))).toEqual([1, 3]);
    expect(one(attr('birth', 'is_empty'))).toEqual([2]);
  });

  it('resolve relative periods from now, inclusive', () => {
    const week = { n: 7, unit: 'days' };
    expect(one(attr('last', 'in_last', week))).toEqual([0]);
    expect(one(attr('last', 'not_in_last', week))).toEqual([1, 2, 3, 4]);
    expect(one(attr('last', 'more_than_ago', week))).toEqual([1, 4]);
    expect(one(attr('last', 'in_next', { n: 1, unit: 'days' }))).toEqual([3]);
    expect(one(attr('last', 'in_last', { n: 1, unit: 'months' }))).toEqual([0, 1, 4]);
    expect(one(attr('last', 'in_last', { n: 1, unit: 'weeks' }))).toEqual([0]);
  });

  it('count a day across the spring DST change as 23 hours', () => {
    const now = T('2026-03-29T10:00:00Z'); // 12:00 in Brussels, summer time
    const table = buildContacts(
      [
        { name: 'id', type: 'text' },
        { name: 'at', type: 'datetime' }
      ],
      [
        { id: 'x', at: T('2026-03-28T10:30:00Z') },
        { id: 'y', at: T('2026-03-28T11:00:00Z') }
      ],
      'id'
    );
    const r = evaluateDefinition(
      all(attr('at', 'in_last', { n: 1, unit: 'days' })),
      { contacts: table, events: buildEvents(2, []) },
      { now, timeZone: TZ }
    );
    expect([...toIndices(r)]).toEqual([1]);
  });

  it('clamp calendar months and use days for date fields', () => {
    const table = buildContacts(
      [
        { name: 'id', type: 'text' },
        { name: 'd', type: 'date' }
      ],
      [
        { id: 'x', d: D('2026-02-27') },
        { id: 'y', d: D('2026-02-28') },
        { id: 'z', d: D('2026-03-31') },
        { id: 'w', d: D('2026-04-01') }
      ],
      'id'
    );
    const r = (def: Definition, now: string) => [
      ...toIndices(
        evaluateDefinition(
          def,
          { contacts: table, events: buildEvents(4, []) },
          { now: T(now), timeZone: TZ }
        )
      )
    ];
    expect(r(all(attr('d', 'in_last', { n: 1, unit: 'months' })), '2026-03-31T10:00:00Z')).toEqual([
      1, 2
    ]);
    expect(
      r(all(attr('d', 'more_than_ago', { n: 1, unit: 'months' })), '2026-03-31T10:00:00Z')
    ).toEqual([0]);
    expect(r(all(attr('d', 'in_next', { n: 1, unit: 'days' })), '2026-03-31T10:00:00Z')).toEqual([
      2, 3
    ]);
    // 23:30 UTC on 31 March is already 1 April in Brussels.
    expect(r(all(attr('d', 'in_next', { n: 0, unit: 'days' })), '2026-03-31T23:30:00Z')).toEqual([
      3
    ]);
  });

  it('count ages in full years, leap-day birthdays on 28 February', () => {
    expect(one(attr('birth', 'age_equals', 36))).toEqual([1]);
    expect(one(attr('birth', 'age_equals', 35))).toEqual([3]);
    expect(one(attr('birth', 'age_gt', 35))).toEqual([1]);
    expect(one(attr('birth', 'age_lt', 26))).toEqual([4]);
    expect(one(attr('birth', 'age_between', [26, 35]))).toEqual([0, 3]);
    expect(one(attr('birth', 'age_equals', 25), { now: T('2026-02-27T12:00:00Z') })).toEqual([0]);
    expect(one(attr('birth', 'age_equals', 26), { now: T('2026-02-28T12:00:00Z') })).toEqual([0]);
  });

  it('find anniversaries in the next 7 days or this month', () => {
    expect(one(attr('birth', 'anniversary_in', 'week'))).toEqual([1]);
    expect(
      one(attr('birth', 'anniversary_in', 'week'), { now: T('2026-11-24T12:00:00Z') })
    ).toEqual([3]);
    expect(one(attr('birth', 'anniversary_in', 'month'))).toEqual([1, 3, 4]);
    expect(
      one(attr('birth', 'anniversary_in', 'week'), { now: T('2027-02-25T12:00:00Z') })
    ).toEqual([0]);
    expect(
      one(attr('seen', 'anniversary_in', 'month'), { now: T('2027-03-05T12:00:00Z') })
    ).toEqual([0, 1]);
    // Local calendar days: in Brussels row 1 was seen on 29 March, in UTC on 28 March.
    const march22 = { now: T('2027-03-22T12:00:00Z') };
    expect(one(attr('seen', 'anniversary_in', 'week'), march22)).toEqual([0]);
    expect(one(attr('seen', 'anniversary_in', 'week'), { ...march22, timeZone: 'UTC' })).toEqual([
      0, 1
    ]);
  });
});

describe('event conditions', () => {
  const pv = (extra: object = {}): Condition =>
    ({ kind: 'event', event: 'page_view', ...extra }) as Condition;
  const offer = { rule: 'contains', value: 'offer-42' };

  it('count events with a target test, defaulting to at least 1', () => {
    expect(one(pv())).toEqual([0, 1, 3]);
    expect(one(pv({ target: offer }))).toEqual([0, 3]);
    expect(one(pv({ target: offer, count: { op: 'at_least', n: 3 } }))).toEqual([0]);
    expect(
      one(pv({ target: { rule: 'equals', value: '/offer-42' }, count: { op: 'exactly', n: 2 } }))
    ).toEqual([0]);
    expect(one(pv({ target: offer, count: { op: 'at_most', n: 1 } }))).toEqual([1, 2, 3, 4]);
    expect(one(pv({ target: { rule: 'is_empty' } }))).toEqual([]);
  });

  it('treat exactly 0 as "did not", including for unknown types', () => {
    expect(one(pv({ target: offer, count: { op: 'exactly', n: 0 } }))).toEqual([1, 2, 4]);
    expect(one({ kind: 'event', event: 'reward_won', count: { op: 'exactly', n: 0 } })).toEqual([
      0, 1, 2, 3, 4
    ]);
    expect(one({ kind: 'event', event: 'reward_won' })).toEqual([]);
  });

  it('apply windows', () => {
    expect(
      one(pv({ count: { op: 'at_least', n: 2 }, window: { last: { n: 7, unit: 'days' } } }))
    ).toEqual([0]);
    expect(one(pv({ window: { last: { n: 7, unit: 'days' } } }))).toEqual([0, 1]);
    expect(one(pv({ window: { between: ['2026-08-01', '2026-08-14'] } }))).toEqual([]);
    expect(one(pv({ window: { between: ['2026-08-15', '2026-08-15'] } }))).toEqual([3]);
  });

  it('answer "first did it in the window" and "lapsed"', () => {
    const purchase = (extra: object) =>
      ({ kind: 'event', event: 'purchase', ...extra }) as Condition;
    expect(one(purchase({ first: true, window: { last: { n: 30, unit: 'days' } } }))).toEqual([1]);
    expect(one(purchase({ lapsed: { n: 30, unit: 'days' } }))).toEqual([0]);
    expect(one(purchase({ lapsed: { n: 7, unit: 'days' } }))).toEqual([0, 4]);
  });

  it('evaluate email activity, per emailing or any', () => {
    expect(one({ kind: 'email', activity: 'opened' })).toEqual([0, 1]);
    expect(one({ kind: 'email', activity: 'opened', emailing: 'em1' })).toEqual([0]);
    expect(one({ kind: 'email', activity: 'received', count: { op: 'exactly', n: 0 } })).toEqual([
      0, 1, 2, 4
    ]);
    expect(
      one({ kind: 'email', activity: 'opened', window: { between: ['2026-07-01', '2026-07-31'] } })
    ).toEqual([1]);
    expect(one({ kind: 'email', activity: 'clicked' })).toEqual([]);
  });
});

describe('segments, samples and groups', () => {
  it('use stored memberships; unknown segments have no members', () => {
    expect(one({ kind: 'segment', segment: 'vip', member: true })).toEqual([0, 4]);
    expect(one({ kind: 'segment', segment: 'vip', member: false })).toEqual([1, 2, 3]);
    expect(one({ kind: 'segment', segment: 'gone', member: true })).toEqual([]);
    expect(one({ kind: 'segment', segment: 'gone', member: false })).toEqual([0, 1, 2, 3, 4]);
  });

  it('split contacts into stable, disjoint, even buckets', () => {
    const n = 10_000;
    const big = buildContacts(
      [{ name: 'id', type: 'text' }],
      Array.from({ length: n }, (_, i) => ({ id: `contact-${i}` })),
      'id'
    );
    const bigData = { contacts: big, events: buildEvents(n, []) };
    const seen = new Uint8Array(n);
    for (let bucket = 0; bucket < 4; bucket++) {
      const bits = evaluateDefinition(
        all({ kind: 'sample', buckets: 4, bucket, seed: 'ab-test' }),
        bigData,
        {
          now: NOW,
          timeZone: TZ
        }
      );
      const members = toIndices(bits);
      expect(members.length).toBeGreaterThan(n / 4 - 300);
      expect(members.length).toBeLessThan(n / 4 + 300);
      for (const r of members) {
        seen[r]++;
        expect(sampleBucket('ab-test', `contact-${r}`, 4)).toBe(bucket);
      }
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('combine all / any / none, with empty groups', () => {
    const g = (match: 'all' | 'any' | 'none', ...children: SegmentNode[]): SegmentNode => ({
      kind: 'group',
      match,
      children
    });
    expect(rowsOf(all())).toEqual([0, 1, 2, 3, 4]);
    expect(rowsOf(all(g('any')))).toEqual([]);
    expect(rowsOf(all(g('none')))).toEqual([0, 1, 2, 3, 4]);
    expect(rowsOf(all(g('any', attr('optin', 'is_true'), attr('score', 'lt', 0))))).toEqual([
      0, 3, 4
    ]);
    expect(rowsOf(all(g('none', attr('optin', 'is_true'), attr('score', 'lt', 0))))).toEqual([
      1, 2
    ]);
    expect(
      rowsOf(
        all(
          attr('name', 'equals', 'elodie'),
          g('none', attr('city', 'is_empty')),
          attr('optin', 'is_not_empty')
        )
      )
    ).toEqual([0, 1]);
  });
});

describe('evaluation control', () => {
  it('throws EvaluationCancelled when the signal is set', () => {
    expect(() => rowsOf(all(attr('optin', 'is_true')), { signal: { cancelled: true } })).toThrow(
      EvaluationCancelled
    );
  });

  it('rejects invalid definitions with the validator errors', () => {
    try {
      rowsOf(all(attr('nope', 'equals', 'x')));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidDefinitionError);
      expect((e as InvalidDefinitionError).errors[0].message).toBe('Unknown field "nope".');
    }
  });

  it('reuses cached conditions and drops them when the data change', () => {
    const cache = new EvalCache();
    const def = all(
      attr('name', 'equals', 'elodie'),
      { kind: 'event', event: 'page_view' },
      attr('score', 'gt', 0)
    );
    const first = rowsOf(def, { cache });
    expect(cache.size).toBe(3);
    const hits = cache.hits;
    const edited = all(
      attr('name', 'equals', 'elodie'),
      { kind: 'event', event: 'page_view' },
      attr('score', 'gt', 1)
    );
    expect(rowsOf(edited, { cache })).toEqual([0, 1]);
    expect(cache.hits).toBe(hits + 2);
    expect(rowsOf(def, { cache })).toEqual(first);
    rowsOf(def, { cache, dataVersion: 2 });
    expect(cache.hits).toBeGreaterThan(hits + 2);
    const before = cache.hits;
    rowsOf(def, { cache, dataVersion: 3 });
    expect(cache.hits).toBe(before);
    expect(popcount(evaluateDefinition(def, data, ctx({ cache, dataVersion: 3 })))).toBe(
      first.length
    );
  });

  it('keeps the cache within its byte budget', () => {
    const cache = new EvalCache({ maxBytes: 8 });
    rowsOf(all(attr('optin', 'is_true'), attr('score', 'gt', 0), attr('city', 'is_empty')), {
      cache
    });
    expect(cache.size).toBeLessThanOrEqual(2);
  });
});
