import { describe, expect, it } from 'vitest';
import { foldText, isAscii, isBlank, trimText } from '../../../src/lib/core/text/fold';

describe('foldText', () => {
  it('ignores case, accents and surrounding spaces', () => {
    expect(foldText('  Élodie ')).toBe('elodie');
    expect(foldText('e\u0301lodie')).toBe('elodie');
    expect(foldText('ÇA VA\u00a0')).toBe('ca va');
    expect(foldText('Nguyễn')).toBe('nguyen');
  });

  it('expands ß, œ and æ (and their capitals)', () => {
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('STRAẞE')).toBe('strasse');
    expect(foldText('Œuvre')).toBe('oeuvre');
    expect(foldText('Æther')).toBe('aether');
  });

  it('lowercases code point by code point like databases do', () => {
    expect(foldText('ΣΟΦΙΑΣ')).toBe('σοφιασ');
    expect(foldText('İstanbul')).toBe('istanbul');
  });

  it('keeps letters that are not accented forms', () => {
    expect(foldText('Ørsted')).toBe('ørsted');
    expect(foldText('가나')).toBe('가나');
  });

  it('trims only the documented characters', () => {
    expect(trimText(' \t\n\r\u00a0\u202fa b\u00a0')).toBe('a b');
    expect(trimText('\u2003a')).toBe('\u2003a');
    expect(isBlank('  \t')).toBe(true);
    expect(isBlank('')).toBe(true);
    expect(isBlank(undefined)).toBe(true);
    expect(isBlank(' x ')).toBe(false);
  });
});

describe('isAscii', () => {
  it('tells texts with nothing to fold', () => {
    expect(isAscii('jean.dupont@example.org')).toBe(true);
    expect(isAscii('')).toBe(true);
    expect(isAscii('José')).toBe(false);
  });
});
