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
});
