import { describe, expect, it } from 'vitest';
import { popcount } from '../../../src/lib/core/columns/bitset';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import type { Definition } from '../../../src/lib/core/segment/definition';
import { EvalCache } from '../../../src/lib/core/segment/eval-cache';
import { evaluateDefinition } from '../../../src/lib/core/segment/evaluate';
import { buildContacts, buildEvents } from './tables';

const fields: FieldSpec[] = [
  { name: 'email', type: 'email' },
  { name: 'city', type: 'text' }
];
// More distinct emails than a quarter of the rows and over 4096: a lazily tested dictionary.
const rows = Array.from({ length: 5000 }, (_, i) => ({
  email: `person${i}@example.${i % 3 === 0 ? 'fr' : 'com'}`,
  city: i % 2 ? 'Lyon' : 'Paris'
}));
const contacts = buildContacts(fields, rows, 'email');
const data = { contacts, events: buildEvents(contacts.rowCount, []) };

const def = (value: string): Definition => ({
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [
      { kind: 'attribute', field: 'email', rule: 'contains', value },
      { kind: 'attribute', field: 'city', rule: 'equals', value: 'Paris' },
      { kind: 'sample', seed: 's', buckets: 2, bucket: 1 }
    ]
  }
});

const count = (d: Definition, cache?: EvalCache) =>
  popcount(evaluateDefinition(d, data, { now: 0, timeZone: 'UTC', cache }));

describe('EvalCache', () => {
  it('keeps condition results and derived data in the cache given, and only there', () => {
    const a = new EvalCache();
    const b = new EvalCache();
    const expected = count(def('.fr'));
    expect(count(def('.fr'), a)).toBe(expected);
    expect(a.size).toBeGreaterThan(0);
    // Folded email keys, per-entry text results and sample hashes are held as bytes too.
    expect(a.byteSize).toBeGreaterThan(5000 * 8);
    expect(b.size).toBe(0);
    expect(b.byteSize).toBe(0);
    expect(count(def('.fr'), b)).toBe(expected);
    expect(b.hits).toBe(0);
    expect(count(def('.fr'), a)).toBe(expected);
    expect(a.hits).toBeGreaterThan(0);
  });

  it('drops everything on clear(), and stays within its budget', () => {
    const a = new EvalCache();
    count(def('.fr'), a);
    a.clear();
    expect(a.size).toBe(0);
    expect(a.byteSize).toBe(0);
    expect(count(def('.fr'), a)).toBe(count(def('.fr')));
    const small = new EvalCache({ maxBytes: 64 * 1024 });
    for (const v of ['.fr', '.com', 'person1', 'person2']) count(def(v), small);
    expect(small.byteSize).toBeLessThanOrEqual(64 * 1024);
    expect(count(def('.fr'), small)).toBe(count(def('.fr')));
  });
});
