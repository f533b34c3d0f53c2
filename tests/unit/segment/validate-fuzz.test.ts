/**
 * Property-based fuzzing of the definition validator: random JSON trees (any shape, and
 * shapes close to the format with wrong keys, types and values) never make it throw, every
 * problem it reports has a path and a message in words, and whatever it accepts evaluates and
 * exports to SQL without error. Fixed seeds, bounded runs: a few seconds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '$lib/core/columns/types';
import { EMAIL_ACTIVITY_TYPES } from '$lib/core/columns/types';
import type { Definition } from '$lib/core/segment/definition';
import { evaluateDefinition, toSql, validateDefinition } from '$lib/core/segment';
import {
  COUNT_OPS,
  GROUP_MATCHES,
  PERIOD_UNITS,
  rulesForType,
  TEXT_RULES
} from '$lib/core/segment/rules';
import { buildContacts, buildEvents } from './tables';

const FIELDS: FieldSpec[] = [
  { name: 'id', type: 'text' },
  { name: 'city', type: 'category' },
  { name: 'age', type: 'number' },
  { name: 'born', type: 'date' },
  { name: 'seen', type: 'datetime' },
  { name: 'optin', type: 'boolean' }
];
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-15T10:00:00Z');
const contacts = buildContacts(
  FIELDS,
  [
    { id: 'a', city: 'Liège', age: 34, born: Date.UTC(1992, 2, 12), seen: NOW - DAY, optin: 1 },
    { id: 'b', city: 'Namur', age: NaN, born: NaN, seen: NaN, optin: 2 },
    { id: 'c', city: '', age: -0, born: Date.UTC(2000, 1, 29), seen: NOW - 40 * DAY, optin: 0 }
  ],
  'id'
);
const events = buildEvents(3, [
  { row: 0, type: 'purchase', target: 'sku-1', at: NOW - 2 * DAY },
  { row: 0, type: 'opened', target: 'em1', at: NOW - 3 * DAY },
  { row: 2, type: 'page_view', target: '/home', at: NOW - 50 * DAY }
]);
const SCHEMA = {
  fields: FIELDS,
  eventTypes: ['purchase', 'page_view', ...EMAIL_ACTIVITY_TYPES],
  segments: [{ id: 'sA', name: 'A', references: [] }]
};

function expectProblems(errors: unknown) {
  expect(Array.isArray(errors)).toBe(true);
  for (const e of errors as { path: unknown; message: unknown }[]) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(e.message as string).not.toMatch(/\bundefined\b|\[object \w+\]|\bat .+:\d+:\d+/);
  }
}

/** Accepted means usable: it evaluates and exports, in both SQL dialects. */
function expectUsable(def: unknown) {
  const d = def as Definition;
  const bits = evaluateDefinition(
    d,
    { contacts, events },
    { now: NOW, timeZone: 'Europe/Brussels' }
  );
  expect(bits).toBeDefined();
  for (const dialect of ['duckdb', 'postgres'] as const)
    expect(
      toSql(d, { fields: FIELDS, identity: 'id', dialect, now: NOW, timeZone: 'Europe/Brussels' })
    ).toMatch(/SELECT/i);
}

/** Values of every kind the format uses, and a few it does not. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 1.5, Infinity, -0, 2 ** 53, NaN),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', '', ' ', '|+*', '2026-02-30'),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 3 })
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: a }, junk);
const period = fc.record({
  n: maybe(fc.integer({ min: 0, max: 40 })),
  unit: maybe(fc.constantFrom(...PERIOD_UNITS))
});
const day = fc.constantFrom('2026-01-01', '2026-06-14', '2025-12-31');
const windowArb = fc.oneof(
  fc.record({ last: maybe(period) }),
  fc.record({ between: maybe(fc.tuple(day, day)) })
);
const count = fc.record({ op: maybe(fc.constantFrom(...COUNT_OPS)), n: maybe(fc.nat(5)) });
const value = fc.oneof(
  fc.constantFrom('Liège', 'nam*', 'a|b', 'x+y', '2026-01-01', 'week', 'month'),
  fc.integer({ min: -5, max: 80 }),
  fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 90 })),
  fc.tuple(day, day),
  fc.array(fc.constantFrom('Liège', 'Namur', ''), { maxLength: 3 }),
  period,
  junk
);

/** Values that fit a field's rules, often enough to make valid conditions. */
function valueFor(type: FieldSpec['type']): fc.Arbitrary<unknown> {
  if (type === 'number')
    return fc.oneof(fc.integer({ min: -5, max: 80 }), fc.tuple(fc.nat(40), fc.nat(90)), value);
  if (type === 'date' || type === 'datetime')
    return fc.oneof(
      day,
      period,
      fc.tuple(day, day),
      fc.nat(90),
      fc.tuple(fc.nat(40), fc.nat(90)),
      fc.constantFrom('week', 'month'),
      value
    );
  if (type === 'boolean') return fc.oneof(fc.constant(undefined), value);
  return fc.oneof(
    fc.constantFrom('Liège', 'nam*', 'a|b', 'x+y', 'LIEGE'),
    fc.array(fc.constantFrom('Liège', 'Namur', 'x'), { minLength: 1, maxLength: 3 }),
    value
  );
}

const attribute = fc.constantFrom(...FIELDS).chain((f) =>
  fc.record(
    {
      kind: maybe(fc.constant('attribute')),
      field: maybe(fc.constant(f.name)),
      rule: maybe(fc.constantFrom(...rulesForType(f.type))),
      value: valueFor(f.type),
      caseSensitive: maybe(fc.boolean())
    },
    { requiredKeys: ['kind', 'field', 'rule'] }
  )
);

/** Nodes shaped like the format, each key possibly missing, mistyped or extra. */
const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    // Past maxDepth fast-check takes the first arbitrary: a leaf, so trees end.
    { depthSize: 'small', maxDepth: 4, depthIdentifier: 'node', withCrossShrink: true },
    junk,
    fc.record(
      {
        kind: maybe(fc.constant('group')),
        match: maybe(fc.constantFrom(...GROUP_MATCHES)),
        children: maybe(fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'node' }))
      },
      { requiredKeys: ['kind', 'children'] }
    ),
    attribute,
    fc.record(
      {
        kind: maybe(fc.constant('event')),
        event: maybe(fc.constantFrom('purchase', 'page_view', 'nope')),
        target: maybe(
          fc.record({
            rule: maybe(fc.constantFrom(...TEXT_RULES)),
            value: maybe(fc.constantFrom('sku-1', 'sku*', '/h|/x'))
          })
        ),
        count: maybe(count),
        window: maybe(windowArb),
        first: maybe(fc.boolean()),
        lapsed: maybe(period)
      },
      { requiredKeys: ['kind', 'event'] }
    ),
    fc.record(
      {
        kind: maybe(fc.constant('email')),
        activity: maybe(fc.constantFrom(...EMAIL_ACTIVITY_TYPES)),
        emailing: maybe(fc.constantFrom('em1', 'em2')),
        count: maybe(count),
        window: maybe(windowArb)
      },
      { requiredKeys: ['kind', 'activity'] }
    ),
    fc.record({
      kind: maybe(fc.constant('segment')),
      segment: maybe(fc.constantFrom('sA', 'sZ')),
      member: maybe(fc.boolean())
    }),
    fc.record({
      kind: maybe(fc.constant('sample')),
      buckets: maybe(fc.integer({ min: 1, max: 10 })),
      bucket: maybe(fc.nat(10)),
      seed: maybe(fc.string({ maxLength: 4 }))
    })
  )
}));

const definition = fc.record(
  {
    version: maybe(fc.constant(1)),
    root: maybe(
      fc.record({
        kind: maybe(fc.constant('group')),
        match: maybe(fc.constantFrom(...GROUP_MATCHES)),
        children: fc.array(node, { maxLength: 4 })
      })
    )
  },
  { requiredKeys: ['version', 'root'] }
);

describe('fuzzing the definition validator', () => {
  it('never throws on any JSON value, and says what is wrong', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const errors = validateDefinition(v, SCHEMA);
        expectProblems(errors);
        if (errors.length === 0) expectUsable(v);
      }),
      { seed: 21, numRuns: 1000 }
    );
  });

  it('never throws on objects with prototype keys, getters that throw, or cycles', () => {
    const hostile = fc.oneof(
      fc.constant(
        JSON.parse(
          '{"version":1,"root":{"kind":"group","match":"all","children":[],"__proto__":{"x":1}}}'
        )
      ),
      fc.constant(
        Object.defineProperty({ version: 1 }, 'root', {
          enumerable: true,
          get() {
            throw new Error('boom');
          }
        })
      ),
      fc.constant(
        (() => {
          const g: Record<string, unknown> = { kind: 'group', match: 'all', children: [] };
          (g.children as unknown[]).push(g);
          return { version: 1, root: g };
        })()
      ),
      fc.anything({ maxDepth: 4, withNullPrototype: true, withMap: true, withSet: true })
    );
    fc.assert(
      fc.property(hostile, (v) => {
        expectProblems(validateDefinition(v, SCHEMA));
      }),
      { seed: 22, numRuns: 300 }
    );
  });

  it('accepts only what it can evaluate: random near-valid trees', () => {
    let accepted = 0;
    fc.assert(
      fc.property(definition, (def) => {
        const errors = validateDefinition(def, SCHEMA);
        expectProblems(errors);
        if (errors.length === 0) {
          accepted++;
          expectUsable(def);
        }
      }),
      { seed: 23, numRuns: 1500 }
    );
    // The generator must reach valid definitions, or the second half proves nothing.
    expect(accepted).toBeGreaterThan(100);
  });
});
