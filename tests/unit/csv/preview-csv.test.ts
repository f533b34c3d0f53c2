import { describe, expect, it } from 'vitest';
import { previewCsv } from '$lib/core/csv';
import { fixtureBlob } from './helpers';

describe('previewCsv', () => {
  it('reads a Windows-1252 semicolon file with French formats', async () => {
    const p = await previewCsv(fixtureBlob('contacts-fr-cp1252.csv'), 'contacts', 'fr.csv');
    expect(p.problem).toBeUndefined();
    expect(p).toMatchObject({
      fileName: 'fr.csv',
      encoding: 'windows-1252',
      hasBom: false,
      delimiter: ';'
    });
    expect(p.headers[0]).toBe('email');
    expect(p.sampleRows[0][2]).toBe('Élodie');
    expect(p.sampleRows[2][9]).toBe('Zürich');
    const byName = Object.fromEntries(p.fields.map((f) => [f.name, f]));
    expect(byName.date_naissance).toMatchObject({ type: 'date', dateOrder: 'dmy' });
    expect(byName.score).toMatchObject({ type: 'number', decimal: ',' });
    expect(byName.optin.type).toBe('boolean');
    expect(byName.email.type).toBe('email');
    expect(p.suggestedIdentity).toBe('email');
  });

  it('reads a UTF-8 BOM comma file and a UTF-16LE tab file', async () => {
    const bom = await previewCsv(fixtureBlob('contacts-utf8-bom.csv'), 'contacts');
    expect(bom).toMatchObject({ encoding: 'utf-8', hasBom: true, delimiter: ',' });
    expect(bom.headers).toEqual(['id', 'email', 'first_name', 'signup_date', 'amount', 'vip']);
    expect(bom.fields.find((f) => f.name === 'amount')).toMatchObject({
      type: 'number',
      decimal: '.'
    });
    const utf16 = await previewCsv(fixtureBlob('contacts-utf16le-tab.csv'), 'contacts');
    expect(utf16).toMatchObject({ encoding: 'utf-16le', hasBom: true, delimiter: '\t' });
    expect(utf16.headers).toEqual(['email', 'name', 'city', 'score']);
    expect(utf16.sampleRows[1]).toEqual(['marie@example.be', 'Marie Dubois', 'Liège', '8']);
  });

  it('names the file-level problems', async () => {
    const cases: [string, RegExp, number | undefined][] = [
      ['empty.csv', /is empty/, undefined],
      ['header-only.csv', /the file has a header but no rows/, 1],
      ['binary.csv', /not a CSV text file: it contains binary data/, undefined],
      ['duplicate-header.csv', /duplicate column name 'name' in the header: columns 2 and 4/, 1],
      ['empty-header.csv', /column 2 has no name/, 1],
      ['unterminated-quote.csv', /quote opened on line 3 is never closed/, 3]
    ];
    for (const [name, message, line] of cases) {
      const p = await previewCsv(fixtureBlob(name), 'contacts', name);
      expect(p.problem?.message, name).toMatch(message);
      expect(p.problem?.line, name).toBe(line);
    }
  });

  it('suggests an event mapping for an events file', async () => {
    const p = await previewCsv(fixtureBlob('events.csv'), 'events');
    expect(p.suggestedMapping).toMatchObject({
      contact: 'contact',
      type: 'type',
      target: 'target',
      at: 'at',
      properties: ['amount']
    });
    expect(p.suggestedIdentity).toBeNull();
  });

  it('reads only the head of a large file and keeps complete records', async () => {
    const line = 'user@example.com,"a long note, with a comma",12.5\n';
    const text = 'email,note,score\n' + line.repeat(60_000); // ~3 MB
    const p = await previewCsv(new Blob([text]), 'contacts');
    expect(p.problem).toBeUndefined();
    expect(p.sampleRows.length).toBe(20);
    expect(p.fields.map((f) => f.type)).toEqual(['email', 'category', 'number']);
  });

  it('reads the file with the delimiter the user chose and infers again', async () => {
    const blob = fixtureBlob('contacts-fr-cp1252.csv');
    const asComma = await previewCsv(blob, 'contacts', 'fr.csv', { delimiter: ',' });
    expect(asComma.problem).toBeUndefined();
    expect(asComma.delimiter).toBe(',');
    expect(asComma.encoding).toBe('windows-1252');
    expect(asComma.detected).toEqual({ encoding: 'windows-1252', delimiter: ';' });
    // Split on commas, the header is one column and '12,5' cuts rows in two.
    expect(asComma.headers).toEqual([
      'email;civilite;prenom;nom;date_naissance;pays;langue;score;optin;ville;remarque'
    ]);
    expect(asComma.fields.map((f) => f.name)).toEqual(asComma.headers);
    expect(asComma.sampleRows[0]).toEqual([
      'elodie.martin@example.fr;Mme;Élodie;Martin;31/12/1985;FR;fr;12',
      '5;oui;Paris;prix 12 €'
    ]);

    const back = await previewCsv(blob, 'contacts', 'fr.csv', { delimiter: ';' });
    expect(back.detected).toBeUndefined();
    expect(back.headers.length).toBe(11);
    expect(back.suggestedIdentity).toBe('email');
  });

  it('decodes the file with the encoding the user chose', async () => {
    const cp1252 = fixtureBlob('contacts-fr-cp1252.csv');
    const asLatin = await previewCsv(cp1252, 'contacts', '', { encoding: 'windows-1252' });
    expect(asLatin.detected).toBeUndefined();
    expect(asLatin.sampleRows[0][2]).toBe('Élodie');

    // A UTF-8 file read as Windows-1252 shows its BOM and accents as Excel would.
    const text = 'name,city\nChloé,Liège\n';
    const utf8 = new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), text]);
    const asCp = await previewCsv(utf8, 'contacts', '', { encoding: 'windows-1252' });
    expect(asCp).toMatchObject({ encoding: 'windows-1252', hasBom: false, delimiter: ',' });
    expect(asCp.detected).toEqual({ encoding: 'utf-8', delimiter: ',' });
    expect(asCp.headers).toEqual(['\u00ef\u00bb\u00bfname', 'city']);
    expect(asCp.sampleRows[0]).toEqual(['ChloÃ©', 'LiÃ¨ge']);
  });

  it('reads UTF-16 without a BOM, detected from its zero bytes or chosen by the user', async () => {
    const text = 'email|score\nzoé@example.fr|3\nluc@example.fr|4\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) bytes[2 * i] = text.charCodeAt(i);
    const blob = new Blob([bytes]);
    const found = await previewCsv(blob, 'contacts');
    expect(found.problem).toBeUndefined();
    expect(found).toMatchObject({ encoding: 'utf-16le', hasBom: false, delimiter: '|' });
    const p = await previewCsv(blob, 'contacts', '', { encoding: 'utf-16le', delimiter: '|' });
    expect(p.problem).toBeUndefined();
    expect(p).toMatchObject({ encoding: 'utf-16le', hasBom: false, delimiter: '|' });
    expect(p.headers).toEqual(['email', 'score']);
    expect(p.sampleRows).toEqual([
      ['zoé@example.fr', '3'],
      ['luc@example.fr', '4']
    ]);
    expect(p.fields.map((f) => f.type)).toEqual(['email', 'number']);

    // Binary data is still refused once decoded.
    const junk = new Uint8Array(4096);
    for (let i = 0; i < junk.length; i += 2) junk[i] = 1 + ((i / 2) % 8); // U+0001..U+0008
    const bad = await previewCsv(new Blob([junk]), 'contacts', 'x.bin', { encoding: 'utf-16le' });
    expect(bad.problem?.message).toMatch(/not a CSV text file/);
  });
});
