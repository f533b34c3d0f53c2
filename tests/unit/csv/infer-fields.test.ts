import { describe, expect, it } from 'vitest';
import { inferFields, suggestEventMapping, suggestIdentity } from '$lib/core/csv';

function infer(header: string, values: string[]) {
  return inferFields(
    [header],
    values.map((v) => [v])
  )[0];
}

describe('inferFields', () => {
  it('infers numbers and their decimal mark', () => {
    expect(infer('score', ['12,5', '7', '1 234,5'])).toMatchObject({
      type: 'number',
      decimal: ','
    });
    expect(infer('amount', ['12.5', '7', '1,234.50'])).toMatchObject({
      type: 'number',
      decimal: '.'
    });
    expect(infer('n', ['1', '2', '30'])).toMatchObject({ type: 'number' });
  });

  it('keeps codes with leading zeros as text', () => {
    expect(infer('zip', ['01000', '75001', '06000']).type).not.toBe('number');
  });

  it('infers dates and their order', () => {
    expect(infer('birthdate', ['31/12/1985', '01/02/1970', '15.07.1992'])).toMatchObject({
      type: 'date',
      dateOrder: 'dmy'
    });
    expect(infer('d', ['12/31/2025', '01/02/2025'])).toMatchObject({
      type: 'date',
      dateOrder: 'mdy'
    });
    expect(infer('d', ['01/02/2025', '03/04/2025'])).toMatchObject({
      type: 'date',
      dateOrder: 'dmy'
    });
    expect(infer('d', ['2025-12-31', '2024-01-01'])).toMatchObject({
      type: 'date',
      dateOrder: 'ymd'
    });
  });

  it('infers datetimes', () => {
    expect(infer('at', ['2025-12-31T10:00:00Z', '2025-01-01T00:00:00Z'])).toMatchObject({
      type: 'datetime',
      dateOrder: 'ymd'
    });
    expect(infer('at', ['31/12/2025 14:30', '01/01/2025 09:00'])).toMatchObject({
      type: 'datetime',
      dateOrder: 'dmy'
    });
  });

  it('infers booleans, 0/1 included', () => {
    expect(infer('optin', ['oui', 'non', 'Oui']).type).toBe('boolean');
    expect(infer('b', ['yes', 'no']).type).toBe('boolean');
    expect(infer('b', ['true', 'false', 'true']).type).toBe('boolean');
    expect(infer('b', ['vrai', 'faux']).type).toBe('boolean');
    expect(infer('b', ['ja', 'nee']).type).toBe('boolean');
    expect(infer('b', ['1', '0', '1', '1']).type).toBe('boolean');
    expect(infer('b', ['1', '1', '1']).type).toBe('number');
    expect(infer('gender', ['F', 'F', 'F', 'F']).type).not.toBe('boolean');
  });

  it('infers emails, phones, categories and text', () => {
    expect(infer('email', ['a@b.fr', 'c@d.com']).type).toBe('email');
    expect(infer('mobile', ['0612345678', '0698765432']).type).toBe('phone');
    expect(infer('tel', ['+32 475 12 34 56', '+33 6 12 34 56 78']).type).toBe('phone');
    const civility = Array.from({ length: 30 }, (_, i) => ['M', 'Mme', 'Mlle'][i % 3]);
    expect(infer('civility', civility).type).toBe('category');
    const names = Array.from({ length: 30 }, (_, i) => `Name ${i}`);
    expect(infer('name', names).type).toBe('text');
  });

  it('tolerates a few unreadable values in a large sample and counts them', () => {
    const values = Array.from({ length: 40 }, (_, i) => `${i},5`);
    values[3] = 'n/a';
    expect(infer('score', values)).toMatchObject({ type: 'number', decimal: ',', unreadable: 1 });
    const emails = Array.from({ length: 20 }, (_, i) => `p${i}@example.com`);
    emails[0] = 'broken@';
    expect(infer('email', emails)).toMatchObject({ type: 'email', unreadable: 1 });
  });

  it('names fields after the trimmed header, includes them, keeps samples', () => {
    const [f] = inferFields([' City '], [['Paris'], ['Lyon'], ['Paris'], ['']]);
    expect(f).toMatchObject({ name: 'City', source: ' City ', include: true, unreadable: 0 });
    expect(f.samples).toEqual(['Paris', 'Lyon']);
    expect(infer('empty', ['', ' ']).type).toBe('text');
  });
});

describe('suggestIdentity', () => {
  it('prefers an email column, else an id-like unique column', () => {
    const headers = ['customer_id', 'name', 'email'];
    const rows = [
      ['C1', 'Ann', 'a@b.fr'],
      ['C2', 'Bob', 'b@b.fr']
    ];
    expect(suggestIdentity(inferFields(headers, rows), rows)).toBe('email');
    const noEmail = rows.map((r) => r.slice(0, 2));
    expect(suggestIdentity(inferFields(headers.slice(0, 2), noEmail), noEmail)).toBe('customer_id');
  });

  it('suggests nothing when no column is unique', () => {
    const rows = [
      ['x', '1'],
      ['x', '1']
    ];
    expect(suggestIdentity(inferFields(['a', 'b'], rows), rows)).toBeNull();
  });
});

describe('suggestEventMapping', () => {
  it('maps columns by their names', () => {
    const headers = ['email', 'event', 'url', 'timestamp', 'amount'];
    const rows = [['a@b.fr', 'page_view', '/home', '2025-01-01T10:00:00Z', '']];
    expect(suggestEventMapping(inferFields(headers, rows))).toEqual({
      contact: 'email',
      type: 'event',
      target: 'url',
      at: 'timestamp',
      properties: ['amount'],
      id: null,
      dateOrder: 'ymd'
    });
  });

  it('suggests an event id column only when its name says so', () => {
    const headers = ['event_id', 'id', 'contact', 'type', 'at'];
    const rows = [['e1', '7', 'a@b.fr', 'page_view', '2025-01-01T10:00:00Z']];
    const mapping = suggestEventMapping(inferFields(headers, rows));
    expect(mapping).toMatchObject({ id: 'event_id', contact: 'contact' });
    expect(mapping?.properties).toEqual(['id']);
    const plain = suggestEventMapping(inferFields(headers.slice(1), [rows[0].slice(1)]));
    expect(plain?.id).toBeNull();
  });

  it('gives nothing without contact, type and timestamp columns', () => {
    expect(suggestEventMapping(inferFields(['a', 'b'], [['1', '2']]))).toBeUndefined();
  });
});
