import { describe, expect, it } from 'vitest';
import type { Definition } from '$lib/core/segment/definition';
import {
  appendNode,
  attributeFor,
  moveNode,
  nodeAt,
  parsePath,
  pathOf,
  removeNode
} from '$lib/core/segment/edit-tree';

const def: Definition = {
  version: 1,
  root: {
    kind: 'group',
    match: 'all',
    children: [
      { kind: 'attribute', field: 'a', rule: 'is_empty' },
      {
        kind: 'group',
        match: 'any',
        children: [{ kind: 'attribute', field: 'b', rule: 'is_empty' }]
      }
    ]
  }
};

describe('edit-tree', () => {
  it('reads the validator’s paths', () => {
    expect(parsePath('root')).toEqual([]);
    expect(parsePath('root.children[1].children[0]')).toEqual([1, 0]);
    expect(parsePath('options.now')).toBeNull();
    expect(parsePath('root.children[x]')).toBeNull();
    expect(pathOf([1, 0])).toBe('root.children[1].children[0]');
    expect(nodeAt(def, 'root.children[1].children[0]')).toMatchObject({ field: 'b' });
    expect(nodeAt(def, 'root.children[5]')).toBeUndefined();
  });

  it('edits copies, never the input', () => {
    const before = JSON.stringify(def);
    const moved = moveNode(def, 'root.children[1]', -1);
    expect(moved.root.children[0].kind).toBe('group');
    const added = appendNode(def, 'root.children[1]', {
      kind: 'sample',
      buckets: 2,
      bucket: 0,
      seed: 's'
    });
    expect(nodeAt(added, 'root.children[1].children[1]')?.kind).toBe('sample');
    expect(removeNode(def, 'root.children[0]').root.children).toHaveLength(1);
    expect(removeNode(def, 'root')).toBe(def);
    expect(JSON.stringify(def)).toBe(before);
  });

  it('starts a condition with a rule and value that fit the field type', () => {
    expect(attributeFor({ name: 'n', type: 'boolean' })).toEqual({
      kind: 'attribute',
      field: 'n',
      rule: 'is_true'
    });
    expect(attributeFor({ name: 'd', type: 'date' }, 'in_last')).toEqual({
      kind: 'attribute',
      field: 'd',
      rule: 'in_last',
      value: { n: 30, unit: 'days' }
    });
    expect(attributeFor({ name: 'x', type: 'number' }, 'contains')).toMatchObject({
      rule: 'equals'
    });
  });
});
