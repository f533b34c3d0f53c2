import { describe, expect, it } from 'vitest';
import { detectEncoding, isValidUtf8, looksBinary } from '$lib/core/csv';
import { fixtureBytes } from './helpers';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('detectEncoding', () => {
  it('recognises a UTF-8 BOM', () => {
    expect(detectEncoding(fixtureBytes('contacts-utf8-bom.csv'))).toEqual({
      encoding: 'utf-8',
      bomLength: 3
    });
  });

  it('recognises UTF-16 LE and BE BOMs', () => {
    expect(detectEncoding(fixtureBytes('contacts-utf16le-tab.csv'))).toEqual({
      encoding: 'utf-16le',
      bomLength: 2
    });
    expect(detectEncoding(bytes(0xfe, 0xff, 0, 0x61))).toEqual({
      encoding: 'utf-16be',
      bomLength: 2
    });
  });

  it('keeps UTF-8 without BOM when the bytes are valid UTF-8', () => {
    expect(detectEncoding(utf8('nom,ville\nÉlodie,Zürich\n'))).toEqual({
      encoding: 'utf-8',
      bomLength: 0
    });
    expect(detectEncoding(utf8('plain ascii\n'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', () => {
    expect(detectEncoding(fixtureBytes('contacts-fr-cp1252.csv'))).toEqual({
      encoding: 'windows-1252',
      bomLength: 0
    });
  });

  it('accepts a UTF-8 character cut by the end of the head', () => {
    const head = utf8('a,é');
    expect(isValidUtf8(head.subarray(0, head.length - 1))).toBe(true);
    expect(isValidUtf8(bytes(0x61, 0xe9, 0x62))).toBe(false);
    expect(isValidUtf8(bytes(0xc0, 0x80))).toBe(false); // overlong
    expect(isValidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(false); // surrogate
  });
});

describe('looksBinary', () => {
  it('flags a PNG renamed .csv', () => {
    expect(looksBinary(fixtureBytes('binary.csv'))).toBe(true);
  });

  it('flags many control characters', () => {
    const b = new Uint8Array(100).fill(0x41);
    for (let i = 0; i < 6; i++) b[10 * i] = 0x01 + i;
    expect(looksBinary(b)).toBe(true);
    // A few in text (a bell, a terminal colour code) are values, not a sign of binary.
    b.fill(0x41).set([0x07, 0x1b, 0x1b], 30);
    expect(looksBinary(b)).toBe(false);
  });

  it('accepts text files, UTF-16 with BOM included', () => {
    expect(looksBinary(fixtureBytes('contacts-fr-cp1252.csv'))).toBe(false);
    expect(looksBinary(fixtureBytes('contacts-utf16le-tab.csv'))).toBe(false);
    expect(looksBinary(utf8('a\tb\r\nc\td\r\n'))).toBe(false);
  });
});
