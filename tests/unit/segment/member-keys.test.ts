import { describe, expect, it } from 'vitest';
import { fromIndices, toIndices } from '../../../src/lib/core/columns/bitset';
import type { FieldSpec } from '../../../src/lib/core/columns/types';
import {
  applyMemberKeys,
  contactKeyIndex,
  parseMemberKeys
} from '../../../src/lib/core/segment/member-keys';
import { buildContacts } from './tables';

const FIELDS: FieldSpec[] = [
  { name: 'customer_id', type: 'text' },
  { name: 'email', type: 'email' },
  { name: 'city', type: 'category' }
];

const contacts = buildContacts(
  FIELDS,
  [
    { customer_id: 'C-1', email: 'Ana@Example.com', city: 'Liège' },
    { customer_id: 'C-2', email: 'marc@example.org', city: 'Namur' },
    { customer_id: 'Élo-3', email: '', city: '' },
    { customer_id: 'C-4', email: 'zoe@example.fr', city: 'Namur' }
  ],
  'customer_id'
);

describe('parseMemberKeys', () => {
  it('reads one key per line, skipping empty lines and repeats', () => {
    expect(parseMemberKeys('C-1\r\n\r\n C-2 \nC-1\n', FIELDS, 'customer_id')).toEqual({
      keys: ['C-1', 'C-2'],
      column: null
    });
  });

  it('reads the identity or email column of a CSV with a header, any delimiter', () => {
    expect(parseMemberKeys('name;Email\nAna;ana@example.com\nX;\n', FIELDS, 'customer_id')).toEqual(
      { keys: ['ana@example.com'], column: 'Email' }
    );
    expect(
      parseMemberKeys('\uFEFFemail,customer_id\n,C-2\n"x@y.z",C-4\n', FIELDS, 'customer_id')
    ).toEqual({ keys: ['C-2', 'C-4'], column: 'customer_id' });
  });

  it('takes the first cell of each line when no header names a field', () => {
    expect(parseMemberKeys('C-1,foo\nC-4,bar\n', FIELDS, 'customer_id').keys).toEqual([
      'C-1',
      'C-4'
    ]);
  });
});

describe('applyMemberKeys', () => {
  const index = contactKeyIndex(contacts);

  it('matches identities as imports do and emails case-insensitively', () => {
    expect(index.find(' C-2 ')).toBe(1);
    expect(index.find('E\u0301lo-3'.normalize('NFD'))).toBe(2);
    expect(index.find('ANA@example.COM')).toBe(0);
    expect(index.find('c-2')).toBe(-1);
  });

  it('replaces, adds and removes, and lists unknown keys without creating them', () => {
    const current = fromIndices([0, 1], 4);
    const replaced = applyMemberKeys(current, 4, ['zoe@example.fr', 'ghost'], index, 'replace');
    expect(Array.from(toIndices(replaced.bits))).toEqual([3]);
    expect(replaced).toMatchObject({
      matched: 1,
      unknown: ['ghost'],
      added: 1,
      removed: 2,
      count: 1
    });

    const added = applyMemberKeys(current, 4, ['C-4', 'C-1'], index, 'add');
    expect(Array.from(toIndices(added.bits))).toEqual([0, 1, 3]);
    expect(added).toMatchObject({ added: 1, removed: 0, unknown: [] });

    const removed = applyMemberKeys(
      current,
      4,
      ['marc@example.org', 'C-4', 'nobody'],
      index,
      'remove'
    );
    expect(Array.from(toIndices(removed.bits))).toEqual([0]);
    expect(removed).toMatchObject({ matched: 2, removed: 1, unknown: ['nobody'] });
    // The input is left as it was.
    expect(Array.from(toIndices(current))).toEqual([0, 1]);
  });

  it('starts from no members for a new manual segment', () => {
    const edit = applyMemberKeys(null, 4, ['C-2'], index, 'add');
    expect(Array.from(toIndices(edit.bits))).toEqual([1]);
  });
});
