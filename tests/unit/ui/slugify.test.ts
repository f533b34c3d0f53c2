import { describe, expect, it } from 'vitest';
import { slugify } from '$lib/ui/common/download';

describe('slugify', () => {
  it('folds names as search does, then keeps a-z, 0-9 and dashes', () => {
    expect(slugify('Été 2026!')).toBe('ete-2026');
    expect(slugify('Straße Œuvre')).toBe('strasse-oeuvre');
    expect(slugify('ﬁnale²')).toBe('finale2');
    expect(slugify('!!!')).toBe('campaign');
  });
});
