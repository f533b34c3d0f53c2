import { describe, expect, it } from 'vitest';
import { ownCopy, StringDictionary } from '$lib/core/csv/string-dictionary';

describe('StringDictionary', () => {
  it('gives code 0 to the empty value and stable codes to others', () => {
    const d = new StringDictionary();
    expect(d.codeOf('')).toBe(0);
    expect(d.codeOf('Paris')).toBe(1);
    expect(d.codeOf('Lyon')).toBe(2);
    expect(d.codeOf('Paris')).toBe(1);
    expect(d.values).toEqual(['', 'Paris', 'Lyon']);
    expect(d.lookup('Nice')).toBe(-1);
    expect(d.size).toBe(3);
  });

  it('keeps finding every value while it grows', () => {
    const d = new StringDictionary();
    for (let i = 0; i < 50_000; i++) expect(d.codeOf(`value-${i}@example.com`)).toBe(i + 1);
    for (let i = 0; i < 50_000; i += 997) expect(d.lookup(`value-${i}@example.com`)).toBe(i + 1);
    expect(d.lookup('value-50000@example.com')).toBe(-1);
    expect(d.values[12_346]).toBe('value-12345@example.com');
  });

  it('starts from a stored dictionary without changing it', () => {
    const stored = ['', 'a', 'b', 'a'];
    const d = new StringDictionary(stored);
    expect(d.lookup('a')).toBe(1); // the first of two equal stored values
    expect(d.codeOf('c')).toBe(4);
    expect(stored).toEqual(['', 'a', 'b', 'a']);
    expect(new StringDictionary(['x']).values).toEqual(['', 'x']);
  });

  it('finds aliases, never over a real value', () => {
    const d = new StringDictionary(['', 'Ann@X.fr', 'bob@x.fr']);
    d.alias('ann@x.fr', 1);
    d.alias('bob@x.fr', 1);
    expect(d.lookup('ann@x.fr')).toBe(1);
    expect(d.lookup('bob@x.fr')).toBe(2);
  });

  it('appends a value known to be absent', () => {
    const d = new StringDictionary();
    expect(d.append('x'.repeat(40))).toBe(1);
    expect(d.lookup('x'.repeat(40))).toBe(1);
  });

  it('keeps values sliced from a larger text as equal copies of their own', () => {
    const text = 'first.value@example.com,second.value@example.com,x';
    const d = new StringDictionary();
    const a = d.codeOf(text.slice(0, 23));
    const b = d.codeOf(text.slice(24, 48));
    d.codeOf(text.slice(49));
    expect(d.values).toEqual(['', 'first.value@example.com', 'second.value@example.com', 'x']);
    expect(d.lookup('second.value@example.com')).toBe(b);
    expect(d.codeOf('first.value@example.com')).toBe(a);
  });

  it('gives an alias spelling a code of its own when it is added as a value', () => {
    const d = new StringDictionary(['', 'Ann@X.fr']);
    d.alias('ann@x.fr', 1);
    expect(d.lookup('ann@x.fr')).toBe(1);
    expect(d.codeOf('ann@x.fr')).toBe(2);
    expect(d.lookup('ann@x.fr')).toBe(2);
    expect(d.values).toEqual(['', 'Ann@X.fr', 'ann@x.fr']);
  });

  it('copies a long value exactly, whatever its characters', () => {
    for (const v of [
      'short',
      'josé.müller@exämple.fr',
      'x'.repeat(13),
      '😀 emoji cell value',
      'a\u0000b'.repeat(7)
    ]) {
      expect(ownCopy(v)).toBe(v);
    }
  });
});
