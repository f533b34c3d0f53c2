import { describe, expect, it } from 'vitest';
import { emptyEventTable, FIELD_TYPES } from '$lib/core/columns/types';

describe('column types', () => {
  it('an empty event table has one offset per contact plus one, and the empty target first', () => {
    const t = emptyEventTable(3);
    expect(t.offsets.length).toBe(4);
    expect(t.targets[0]).toBe('');
    expect(FIELD_TYPES).toContain('category');
  });
});
