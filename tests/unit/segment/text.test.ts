import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchMatcher,
  compilePattern,
  keyMatcher,
  matchParsed,
  parsePattern,
  textKey
} from '../../../src/lib/core/segment/text';

describe('compilePattern', () => {
  it('a|b matches either alternative', () => {
    const p = compilePattern('.fr|.org', false);
    expect(p('jean@ex.fr')).toBe(true);
    expect(p('marie@EX.ORG')).toBe(true);
    expect(p('x@ex.com')).toBe(false);
  });

  it('a+b needs every part, in any order', () => {
    const p = compilePattern('gold+vip', false);
    expect(p('VIP Gold')).toBe(true);
    expect(p('gold member')).toBe(false);
  });

  it('* matches any run, in order', () => {
    const p = compilePattern('shoe*red', false);
    expect(p('Shoe, bright red')).toBe(true);
    expect(p('shoered')).toBe(true);
    expect(p('red shoe')).toBe(false);
    // Leftmost matching leaves room for the later pieces.
    expect(compilePattern('ab*ba', false)('aba')).toBe(false);
    expect(compilePattern('ab*ba', false)('abba')).toBe(true);
    expect(compilePattern('ab*ba', false)('abxba')).toBe(true);
    expect(compilePattern('a*a', false)('aa')).toBe(true);
    expect(compilePattern('a*a', false)('a')).toBe(false);
  });

  it('folds the pattern and the text unless case-sensitive', () => {
    expect(compilePattern('ELODIE', false)('élodie')).toBe(true);
    expect(compilePattern('ELODIE', true)('élodie')).toBe(false);
    expect(compilePattern('Élo', true)(' Élodie ')).toBe(true);
    expect(compilePattern('strasse', false)('Hauptstraße')).toBe(true);
  });

  it('treats % _ \\ and quotes as plain characters', () => {
    expect(compilePattern('a%b', false)('xa%by')).toBe(true);
    expect(compilePattern('a%b', false)('axxb')).toBe(false);
    expect(compilePattern('_', false)('a_b')).toBe(true);
    expect(compilePattern('_', false)('ab')).toBe(false);
    expect(compilePattern("o'b", false)("O'Brien")).toBe(true);
  });

  it('drops empty parts and trims them', () => {
    expect(parsePattern(' vip + gold |', false)).toEqual([[['vip'], ['gold']]]);
    expect(parsePattern('*|+', false)).toEqual([]);
    expect(compilePattern('*', false)('anything')).toBe(false);
  });

  it('is linear on adversarial input', () => {
    const text = 'a'.repeat(200_000);
    const p = compilePattern('a*a*a*a*a*a*a*a*b', false);
    expect(p(text)).toBe(false);
    expect(compilePattern('a*a*a*a*a*a*a*a*a', false)(text)).toBe(true);
  });
});

describe('keyMatcher', () => {
  const alphabet = ['a', 'b', '.', '*', '+', '|', '(', ')', '[', '\\', '$', '?', 'é', ' '];
  const plain = alphabet.filter((c) => !'*+|'.includes(c));
  const chars = (from: string[], maxLength: number) =>
    fc.array(fc.constantFrom(...from), { maxLength }).map((c) => c.join(''));
  const text = chars(alphabet, 12);
  // Mostly plain alternatives (the RegExp path needs three or more), some with * and +.
  const pattern = fc
    .array(fc.oneof({ weight: 3, arbitrary: chars(plain, 3) }, { weight: 1, arbitrary: text }), {
      minLength: 1,
      maxLength: 6
    })
    .map((alternatives) => alternatives.join('|'));

  it('means what matchParsed means, RegExp characters in the pieces included', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { maxLength: 8 }), (pattern, values) => {
        const parsed = parsePattern(pattern, false);
        const matches = keyMatcher(parsed);
        for (const v of values) {
          const key = textKey(v, false);
          expect(matches(key)).toBe(matchParsed(key, parsed));
        }
      }),
      { numRuns: 2000, seed: 20261204 }
    );
  });

  it('tests many plain alternatives together, beside the ones with * and +', () => {
    const matches = keyMatcher(parsePattern('gmail|yahoo|a.b|x*y|p+q', false));
    expect(['me@gmail.com', 'yahoo.fr', 'a.b', 'x-y', 'q p'].map(matches)).toEqual([
      true,
      true,
      true,
      true,
      true
    ]);
    expect(['axb', 'y x', 'p only', 'mail'].map(matches)).toEqual([false, false, false, false]);
  });
});

describe('batchMatcher', () => {
  // Characters whose folding changes or makes ASCII letters, trimmed ones, RegExp ones.
  const alphabet = ['a', 'B', 'k', 'S', '.', 'f', 'R', 'o', '\n', ' ', '\t', '\u00a0', '(', '$'];
  const folding = ['é', 'É', 'ß', '\u0301', '\u212a', 'İ', 'ﬁ', 'Œ', '😀'];
  const chars = (from: string[], maxLength: number) =>
    fc.array(fc.constantFrom(...from), { maxLength }).map((c) => c.join(''));
  const text = fc.oneof(chars(alphabet, 12), chars([...alphabet, ...folding], 12));
  const literal = chars(['a', 'b', 'k', 's', '.', 'f', 'r', 'o', '(', '$', 'A', 'ss'], 3);
  const pattern = fc
    .array(literal, { minLength: 1, maxLength: 4 })
    .map((alternatives) => alternatives.join('|'));

  it('decides what folding then matching decides, or leaves the text undecided', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { maxLength: 10 }), (pattern, values) => {
        const parsed = parsePattern(pattern, false);
        const batch = batchMatcher(parsed);
        if (batch === null) return;
        // Slices of a larger string, as an imported dictionary holds them.
        const arena = values.join('');
        let at = 0;
        const texts = values.map((v) => arena.slice(at, (at += v.length)));
        const found = batch(texts);
        expect(found.length).toBe(values.length);
        texts.forEach((v, i) => {
          const expected = matchParsed(textKey(v, false), parsed);
          if (found[i] >= 0) expect(found[i] === 1).toBe(expected);
          // Only texts with characters outside ASCII are left undecided.
          else expect([...v].some((c) => c.charCodeAt(0) >= 128)).toBe(true);
        });
      }),
      { numRuns: 3000, seed: 20261206 }
    );
  });

  it('takes only ASCII literal alternatives without trimmed characters', () => {
    expect(batchMatcher(parsePattern('.fr|.org', false))).not.toBeNull();
    for (const p of ['ø', 'gold+vip', 'shoe*red', 'a b', '|'])
      expect(batchMatcher(parsePattern(p, false))).toBeNull();
  });

  it('finds each text of a batch, a match at the end or start of one included', () => {
    const batch = batchMatcher(parsePattern('.fr|.org', false))!;
    const texts = ['x@a.FR', '.org', '', '  ', 'a.f\nr', 'é.fr', 'é.com', 'plain', 'x.Org.fr'];
    expect(Array.from(batch(texts))).toEqual([1, 1, 0, 0, 0, 1, -1, 0, 1]);
  });
});

describe('patterns too long for one RegExp', () => {
  it('fall back to the indexOf walk instead of failing the count', () => {
    const huge = 'x'.repeat(10_000_000);
    expect(batchMatcher(parsePattern(huge, false))).toBeNull();
    const three = parsePattern(`${huge}|a${huge}|b${huge}`, false);
    expect(keyMatcher(three)('y' + huge)).toBe(true);
    expect(keyMatcher(three)('short')).toBe(false);
  });
});
