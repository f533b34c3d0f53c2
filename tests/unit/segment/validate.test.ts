import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import {
  segmentReferences,
  validateDefinition,
  type SegmentSchema
} from '../../../src/lib/core/segment/validate';

const fields: FieldSpec[] = [
  { name: 'city', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'birth', type: 'date' },
  { name: 'seen', type: 'datetime' },
  { name: 'optin', type: 'boolean' }
];
const schema: SegmentSchema = { fields };

const def = (...children: unknown[]) => ({
  version: 1,
  root: { kind: 'group', match: 'all', children }
});
const errorsOf = (d: unknown, s: SegmentSchema = schema) => validateDefinition(d, s);
const messages = (d: unknown, s: SegmentSchema = schema) => errorsOf(d, s).map((e) => e.message);

describe('validateDefinition', () => {
  it('accepts the example of SEGMENT-DEFINITION.md', () => {
    const example = {
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [
          { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' },
          { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
          { kind: 'event', event: 'reward_won', count: { op: 'exactly', n: 0 } },
          {
            kind: 'group',
            match: 'any',
            children: [
              {
                kind: 'event',
                event: 'page_view',
                target: { rule: 'contains', value: '/offer-42' },
                count: { op: 'at_least', n: 5 },
                window: { last: { n: 7, unit: 'days' } }
              },
              {
                kind: 'email',
                activity: 'opened',
                window: { between: ['2026-07-01', '2026-09-30'] }
              }
            ]
          }
        ]
      }
    };
    const s: SegmentSchema = {
      fields: [
        { name: 'civility', type: 'text' },
        { name: 'newsletter', type: 'boolean' }
      ],
      eventTypes: ['reward_won', 'page_view', 'opened']
    };
    expect(errorsOf(example, s)).toEqual([]);
  });

  it('never throws, whatever the input', () => {
    const hostile = {
      version: 1,
      get root(): never {
        throw new Error('boom');
      }
    };
    const cyclic: Record<string, unknown> = { kind: 'group', match: 'all' };
    cyclic.children = [cyclic];
    const inputs: unknown[] = [
      null,
      undefined,
      42,
      'x',
      [],
      {},
      { version: 2 },
      { version: 1 },
      { version: 1, root: [] },
      { version: 1, root: { kind: 'group', match: 'all', children: 'no' } },
      { version: 1, root: cyclic },
      hostile,
      def(null, 1, [], { kind: 'attribute' }, { kind: 'event', count: 'x' }, { kind: 'sample' })
    ];
    for (const input of inputs) {
      const errors = validateDefinition(input, schema);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(typeof e.message).toBe('string');
    }
    expect(validateDefinition(def(), undefined as unknown as SegmentSchema)).toEqual([]);
  });

  it('names the path of the condition', () => {
    const errors = errorsOf(
      def(
        { kind: 'attribute', field: 'city', rule: 'equals', value: 'x' },
        {
          kind: 'group',
          match: 'any',
          children: [{ kind: 'attribute', field: 'nope', rule: 'equals', value: 'x' }]
        }
      )
    );
    expect(errors).toEqual([
      { path: 'root.children[1].children[0]', field: 'nope', message: 'Unknown field "nope".' }
    ]);
  });

  it('reports the version, kinds and matches', () => {
    expect(messages({ version: 2, root: {} })[0]).toMatch(/version 2/);
    expect(messages('x')[0]).toMatch(/JSON object/);
    expect(messages(def({ kind: 'magic' }))[0]).toMatch(/Unknown condition kind "magic"/);
    expect(
      messages({ version: 1, root: { kind: 'group', match: 'some', children: [] } })[0]
    ).toMatch(/match "some"/);
  });

  it('checks that the rule fits the field type', () => {
    expect(messages(def({ kind: 'attribute', field: 'city', rule: 'gt', value: 3 }))[0]).toMatch(
      /Rule "gt" does not apply to the text field "city"/
    );
    expect(
      messages(def({ kind: 'attribute', field: 'optin', rule: 'equals', value: 'x' }))[0]
    ).toMatch(/yes\/no field/);
    expect(
      messages(def({ kind: 'attribute', field: 'score', rule: 'contains', value: 'x' }))[0]
    ).toMatch(/number field/);
  });

  it('checks values', () => {
    const m = (rule: string, value: unknown, field = 'city') =>
      messages(def({ kind: 'attribute', field, rule, value }))[0] ?? null;
    expect(m('equals', undefined)).toMatch(/value is required/);
    expect(m('equals', 3)).toMatch(/must be a text/);
    expect(m('equals', '  ')).toMatch(/blank/);
    expect(m('in', [])).toMatch(/non-empty list/);
    expect(m('in', ['a', 2])).toMatch(/not a non-blank text/);
    expect(m('contains', '*|+')).toMatch(/nothing to look for/);
    expect(m('contains', 'a|b')).toBeNull();
    expect(m('gt', 'x', 'score')).toMatch(/must be a number/);
    expect(m('between', [5, 1], 'score')).toMatch(/starts after it ends/);
    expect(m('between', [1], 'score')).toMatch(/two numbers/);
    expect(m('on', '2026-02-30', 'birth')).toMatch(/not a date/);
    expect(m('between', ['2026-03-02', '2026-03-01'], 'seen')).toMatch(/starts after it ends/);
    expect(m('in_last', { n: -1, unit: 'days' }, 'seen')).toMatch(/whole number of days/);
    expect(m('in_last', { n: 1.5, unit: 'days' }, 'seen')).toMatch(/whole number/);
    expect(m('in_last', { n: 1, unit: 'years' }, 'seen')).toMatch(/unknown unit "years"/);
    expect(m('in_last', 3, 'seen')).toMatch(/must be a period/);
    expect(m('age_gt', -1, 'birth')).toMatch(/age must be a whole number/);
    expect(m('age_between', [30, 20], 'birth')).toMatch(/starts after it ends/);
    expect(m('anniversary_in', 'year', 'birth')).toMatch(/"week" or "month"/);
    expect(m('is_empty', undefined, 'birth')).toBeNull();
    expect(m('is_true', undefined, 'optin')).toBeNull();
  });

  it('checks events, counts, windows and email activities', () => {
    const s: SegmentSchema = { fields, eventTypes: ['page_view'] };
    expect(messages(def({ kind: 'event', event: 'purchase' }), s)[0]).toMatch(
      /Unknown event type "purchase"/
    );
    expect(messages(def({ kind: 'event', event: 'purchase' }), { fields, eventTypes: [] })).toEqual(
      []
    );
    expect(
      messages(def({ kind: 'event', event: 'page_view', count: { op: 'at_least', n: -1 } }), s)[0]
    ).toMatch(/whole number ≥ 0/);
    expect(
      messages(def({ kind: 'event', event: 'page_view', count: { op: 'more', n: 1 } }), s)[0]
    ).toMatch(/"count"/);
    expect(
      messages(
        def({
          kind: 'event',
          event: 'page_view',
          window: { last: { n: 1, unit: 'days' }, between: [] }
        }),
        s
      )[0]
    ).toMatch(/"window"/);
    expect(
      messages(def({ kind: 'event', event: 'page_view', target: { rule: 'gt', value: 1 } }), s)[0]
    ).toMatch(/target rule "gt"/);
    expect(
      messages(def({ kind: 'event', event: 'page_view', lapsed: { n: 0, unit: 'days' } }), s)[0]
    ).toMatch(/at least 1/);
    expect(messages(def({ kind: 'email', activity: 'read' }))[0]).toMatch(
      /Unknown email activity "read"/
    );
    expect(messages(def({ kind: 'email', activity: 'opened', emailing: '' }))[0]).toMatch(
      /emailing id/
    );
  });

  it('checks samples', () => {
    expect(messages(def({ kind: 'sample', buckets: 0, bucket: 0, seed: 's' }))[0]).toMatch(
      /"buckets"/
    );
    expect(messages(def({ kind: 'sample', buckets: 10, bucket: 10, seed: 's' }))[0]).toMatch(
      /from 0 to 9/
    );
    expect(messages(def({ kind: 'sample', buckets: 10, bucket: 3, seed: '' }))[0]).toMatch(
      /"seed"/
    );
    expect(messages(def({ kind: 'sample', buckets: 10, bucket: 3, seed: 'x' }))).toEqual([]);
  });

  it('checks segment references and cycles', () => {
    const segments = [
      { id: 'a', name: 'A', references: ['b'] },
      { id: 'b', name: 'B', references: ['me'] },
      { id: 'c', name: 'C', references: [] },
      { id: 'd', name: 'D', references: ['e'] },
      { id: 'e', name: 'E', references: ['d'] },
      { id: 'me', name: 'Me', references: [] }
    ];
    const s: SegmentSchema = { fields, segments, selfId: 'me' };
    const seg = (id: string) => ({ kind: 'segment', segment: id, member: true });
    expect(messages(def(seg('c')), s)).toEqual([]);
    expect(messages(def(seg('zzz')), s)[0]).toMatch(/Unknown segment "zzz"/);
    expect(messages(def(seg('me')), s)[0]).toMatch(/cannot refer to itself/);
    expect(messages(def(seg('a')), s)[0]).toBe(
      'Cyclic reference: this segment → "A" → "B" → this segment.'
    );
    expect(messages(def(seg('d')), s)[0]).toMatch(
      /Cyclic reference between segments: "D" → "E" → "D"/
    );
    expect(messages(def({ kind: 'segment', segment: 'c' }), s)[0]).toMatch(/"member"/);
    // Without a segment list, references are not checked.
    expect(messages(def(seg('zzz')))).toEqual([]);
  });
});

describe('segmentReferences', () => {
  it('lists referenced segments once, in order, through nested groups', () => {
    const d = def(
      { kind: 'segment', segment: 'x', member: true },
      {
        kind: 'group',
        match: 'none',
        children: [{ kind: 'segment', segment: 'y', member: false }]
      },
      { kind: 'segment', segment: 'x', member: false }
    );
    expect(segmentReferences(d)).toEqual(['x', 'y']);
    expect(segmentReferences(null)).toEqual([]);
    expect(segmentReferences({ version: 1, root: 'x' })).toEqual([]);
  });
});

describe('validateDefinition: unknown and forbidden keys', () => {
  const event = (extra: Record<string, unknown>) =>
    def({ kind: 'event', event: 'visit', ...extra });

  it('refuses a misspelt key with its path and the key it was meant to be', () => {
    expect(errorsOf(def({ kind: 'attribute', feild: 'city', rule: 'equals', value: 'x' }))).toEqual(
      [
        {
          path: 'root.children[0]',
          message:
            'Unknown key "feild": it is not a key of an attribute condition; did you mean "field"?'
        }
      ]
    );
    // Without the check "windw" was ignored and the condition silently meant "ever".
    expect(errorsOf(event({ windw: { last: { n: 7, unit: 'days' } } }))).toEqual([
      {
        path: 'root.children[0]',
        message:
          'Unknown key "windw": it is not a key of an event condition; did you mean "window"?'
      }
    ]);
  });

  it('looks inside every nested object: targets, counts, windows, periods, values', () => {
    const at = (d: unknown) => errorsOf(d).map((e) => `${e.path}: ${e.message}`);
    expect(at(event({ target: { rule: 'equals', valeu: 'x' } }))).toEqual([
      'root.children[0].target: Unknown key "valeu": it is not a key of an event target; did you mean "value"?'
    ]);
    expect(at(event({ count: { op: 'at_least', nn: 2 } }))).toEqual([
      'root.children[0].count: Unknown key "nn": it is not a key of a count; did you mean "n"?'
    ]);
    expect(at(event({ window: { lats: { n: 1, unit: 'days' } } }))).toEqual([
      'root.children[0].window: Unknown key "lats": it is not a key of a window; did you mean "last"?'
    ]);
    expect(at(event({ lapsed: { n: 1, units: 'days' } }))).toEqual([
      'root.children[0].lapsed: Unknown key "units": it is not a key of a period; did you mean "unit"?'
    ]);
    expect(
      at(
        def({
          kind: 'attribute',
          field: 'seen',
          rule: 'in_last',
          value: { n: 1, unit: 'days', x: 1 }
        })
      )
    ).toEqual([
      'root.children[0].value: Unknown key "x": it is not a key of a period (its keys are: n, unit).'
    ]);
    expect(at({ version: 1, root: { kind: 'group', match: 'all', children: [] }, rot: 1 })).toEqual(
      ['root: Unknown key "rot": it is not a key of a definition; did you mean "root"?']
    );
    expect(at(def({ kind: 'group', match: 'any', childrn: [], chidren: [] }))).toEqual([
      'root.children[0]: Unknown key "childrn": it is not a key of a group; did you mean "children"?',
      'root.children[0]: Unknown key "chidren": it is not a key of a group; did you mean "children"?'
    ]);
    expect(at(def({ kind: 'sample', buckets: 2, bucket: 0, seed: 's', colour: 'red' }))).toEqual([
      'root.children[0]: Unknown key "colour": it is not a key of a sample condition (its keys are: kind, buckets, bucket, seed).'
    ]);
  });

  it('refuses __proto__, constructor and prototype keys, as JSON.parse makes them', () => {
    const parsed = JSON.parse(
      '{"version":1,"root":{"kind":"group","match":"all","children":[{"kind":"segment","segment":"s","member":true,"__proto__":{"member":false}}]}}'
    );
    expect(Object.keys(parsed.root.children[0])).toContain('__proto__');
    expect(errorsOf(parsed)).toEqual([
      { path: 'root.children[0]', message: 'The key "__proto__" is not allowed in a definition.' }
    ]);
    for (const key of ['constructor', 'prototype', '__proto__']) {
      const text = `{"version":1,"${key}":{},"root":{"kind":"group","match":"all","children":[]}}`;
      expect(messages(JSON.parse(text))).toEqual([
        `The key "${key}" is not allowed in a definition.`
      ]);
    }
    expect(
      messages(
        JSON.parse(
          '{"version":1,"root":{"kind":"group","match":"all","children":[],"constructor":{"x":1}}}'
        )
      )
    ).toEqual(['The key "constructor" is not allowed in a definition.']);
  });

  it('still accepts every key of the format', () => {
    expect(
      errorsOf(
        def(
          { kind: 'attribute', field: 'city', rule: 'equals', value: 'x', caseSensitive: true },
          {
            kind: 'event',
            event: 'visit',
            target: { rule: 'contains', value: 'a', caseSensitive: false },
            count: { op: 'at_least', n: 2 },
            window: { last: { n: 3, unit: 'days' } },
            first: true,
            lapsed: { n: 1, unit: 'months' }
          },
          {
            kind: 'email',
            activity: 'opened',
            emailing: 'e1',
            window: { between: ['2026-01-01', '2026-02-01'] }
          },
          { kind: 'segment', segment: 's', member: false },
          { kind: 'sample', buckets: 2, bucket: 1, seed: 'x' }
        )
      )
    ).toEqual([]);
  });
});
