import { describe, expect, it } from 'vitest';
import { CsvReadError, decodeWindows1252, readBlobText, type CsvEncoding } from '$lib/core/csv';
import { fixtureBlob } from './helpers';

async function readAll(
  blob: Blob,
  encoding: CsvEncoding,
  bom: number,
  chunk?: number
): Promise<string> {
  let text = '';
  for await (const piece of readBlobText(blob, encoding, bom, chunk)) text += piece;
  return text;
}

describe('readBlobText', () => {
  it('decodes Windows-1252, the euro sign included', async () => {
    const text = await readAll(fixtureBlob('contacts-fr-cp1252.csv'), 'windows-1252', 0, 7);
    expect(text).toContain('Élodie');
    expect(text).toContain('François');
    expect(text).toContain('Zürich');
    expect(text).toContain('prix 12 €');
    expect(text.startsWith('email;civilite')).toBe(true);
  });

  it('maps every Windows-1252 byte of 0x80-0x9F like a browser does', () => {
    expect(decodeWindows1252(new Uint8Array([0x80, 0x8a, 0x91, 0x92, 0x9c, 0x9f]))).toBe('€Š‘’œŸ');
  });

  it('decodes UTF-16 LE without its BOM, whatever the slice size', async () => {
    for (const chunk of [1, 3, 64, 1 << 20]) {
      const text = await readAll(fixtureBlob('contacts-utf16le-tab.csv'), 'utf-16le', 2, chunk);
      expect(text.startsWith('email\tname')).toBe(true);
      expect(text).toContain('Liège');
      expect(text).toContain('Sven Müller\tKöln');
    }
  });

  it('skips the UTF-8 BOM and joins characters split between slices', async () => {
    const text = await readAll(fixtureBlob('contacts-utf8-bom.csv'), 'utf-8', 3, 5);
    expect(text.charCodeAt(0)).toBe('i'.charCodeAt(0));
    expect(text).toContain('Chloé');
  });

  it('reports bytes read as it goes', async () => {
    const blob = new Blob(['x'.repeat(1000)]);
    const seen: number[] = [];
    for await (const piece of readBlobText(blob, 'utf-8', 0, 300, (n) => seen.push(n))) {
      expect(piece.length).toBeGreaterThan(0);
    }
    expect(seen).toEqual([300, 600, 900, 1000]);
  });

  it('switches to Windows-1252 when a UTF-8 guess meets accents after an ASCII head', async () => {
    const ascii = new TextEncoder().encode('name,city\nJean,Paris\n');
    const latin = new Uint8Array([
      0x49, 0x72, 0xe8, 0x6e, 0x65, 0x2c, 0x4e, 0x69, 0x63, 0x65, 0x0a
    ]); // Irène,Nice
    const text = await readAll(new Blob([ascii, latin]), 'utf-8', 0, ascii.length);
    expect(text).toBe('name,city\nJean,Paris\nIrène,Nice\n');
  });

  it('refuses a file mixing UTF-8 and other bytes', async () => {
    const blob = new Blob([new TextEncoder().encode('é,a\n'), new Uint8Array([0x41, 0xe8, 0x41])]);
    await expect(readAll(blob, 'utf-8', 0, 4)).rejects.toBeInstanceOf(CsvReadError);
  });
});
