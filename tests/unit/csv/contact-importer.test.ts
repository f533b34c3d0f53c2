import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactTable, FieldSpec, StringColumn } from '$lib/core/columns/types';
import { createContactImporter, type ContactImportResult } from '$lib/core/csv';
import { fixtureBlob, importBlob, importText } from './helpers';

function str(table: ContactTable, field: string, row: number): string {
  const col = table.columns[field] as StringColumn;
  return col.dict[col.codes[row]];
}

function num(table: ContactTable, field: string, row: number): number {
  const col = table.columns[field];
  if (col.kind === 'string') throw new Error('not a number column');
  return col.values[row];
}

function rowOf(table: ContactTable, email: string): number {
  for (let r = 0; r < table.rowCount; r++) if (str(table, 'email', r) === email) return r;
  return -1;
}

describe('createContactImporter: columns', () => {
  it('builds dictionary-encoded and typed columns from a Windows-1252 file', async () => {
    const { table, added, rejected, newFields } = await importBlob(
      fixtureBlob('contacts-fr-cp1252.csv')
    );
    expect(rejected).toEqual([]);
    expect(added).toBe(7);
    expect(table.rowCount).toBe(7);
    expect(table.identity).toBe('email');
    expect(newFields).toContain('score');
    const prenom = table.columns.prenom as StringColumn;
    expect(prenom.dict[0]).toBe('');
    expect(prenom.codes).toBeInstanceOf(Uint32Array);
    expect(prenom.codes.length).toBe(7);
    expect(str(table, 'prenom', 0)).toBe('Élodie');
    expect(str(table, 'ville', 2)).toBe('Zürich');
    expect(str(table, 'remarque', 0)).toBe('prix 12 €');
    expect(str(table, 'remarque', 1)).toBe('');
    expect(num(table, 'score', 0)).toBe(12.5);
    expect(num(table, 'score', 2)).toBe(1234.5);
    expect(num(table, 'date_naissance', 0)).toBe(Date.UTC(1985, 11, 31));
    const optin = table.columns.optin;
    expect(optin.kind).toBe('boolean');
    expect(Array.from((optin as { values: Uint8Array }).values)).toEqual([2, 1, 2, 1, 2, 1, 2]);
    // Same values share one code.
    const ville = table.columns.ville as StringColumn;
    expect(ville.codes[2]).toBe(ville.codes[6]);
  });

  it('keeps fields in the order given, typed as given, named as given', async () => {
    const fields: FieldSpec[] = [
      { name: 'mail', source: 'email', type: 'email' },
      { name: 'score', type: 'text' }
    ];
    const { table } = await importText('email,score,extra\na@b.fr,12x,zzz\n', {
      fields,
      identity: 'mail'
    });
    expect(table.fields.map((f) => f.name)).toEqual(['mail', 'score']);
    expect(Object.keys(table.columns)).toEqual(['mail', 'score']);
    expect(str(table, 'score', 0)).toBe('12x');
  });
});

describe('createContactImporter: rejected rows', () => {
  it('rejects every bad row with its line, column and reason', async () => {
    const fields: FieldSpec[] = [
      { name: 'email', type: 'email' },
      { name: 'name', type: 'text' },
      { name: 'age', type: 'number', decimal: '.' },
      { name: 'birthdate', type: 'date', dateOrder: 'dmy' },
      { name: 'optin', type: 'boolean' }
    ];
    const result = await importBlob(fixtureBlob('bad-rows.csv'), { fields, identity: 'email' });
    const summary = result.rejected.map((r) => [r.line, r.column ?? null, r.reason]);
    expect(summary).toEqual([
      [3, 'email', "invalid email 'bob@example' in column email"],
      [4, null, 'expected 5 fields, found 4'],
      [5, null, 'expected 5 fields, found 6'],
      [6, 'email', "duplicate identity 'ana@example.com', first seen on line 2"],
      [7, 'age', "'abc' is not a number (decimal point) in column age"],
      [8, 'birthdate', "'31/02/1975' is not a date (day/month/year) in column birthdate"],
      [9, 'email', 'empty identity in column email'],
      [10, 'optin', "'maybe' is not a yes/no value in column optin"],
      [14, 'email', "duplicate identity 'hank@example.com', first seen on line 11"]
    ]);
    expect(result.rejected[1].raw).toBe('carl@example.com,Carl,41,02/02/1981');
    expect(result.added).toBe(23);
    expect(result.table.rowCount).toBe(23);
    expect(rowOf(result.table, 'hank@example.com')).toBeGreaterThan(-1);
    expect(str(result.table, 'name', rowOf(result.table, 'ivy@example.com'))).toBe(
      'Ivy "the vine"'
    );
  });

  it('reports the line of records after quoted newlines', async () => {
    const { rejected, table } = await importBlob(fixtureBlob('quoted-newlines.csv'));
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [8, 'expected 4 fields, found 2'],
      [11, 'expected 4 fields, found 3']
    ]);
    expect(str(table, 'address', 0)).toBe('12 Main St\r\nApt 4');
    expect(str(table, 'name', 1)).toBe('Bo "Bobby" Smith');
  });

  it('rejects a date written in the other order and says which order it expects', async () => {
    const fields: FieldSpec[] = [
      { name: 'email', type: 'email' },
      { name: 'birthdate', type: 'date', dateOrder: 'dmy' }
    ];
    const { rejected } = await importText('email,birthdate\na@b.fr,12/13/2025\n', { fields });
    expect(rejected[0].reason).toBe(
      "'12/13/2025' is not a date (day/month/year) in column birthdate"
    );
  });

  it('writes rejected records back with the file delimiter', async () => {
    const fields: FieldSpec[] = [
      { name: 'email', type: 'email' },
      { name: 'note', type: 'text' }
    ];
    const { rejected } = await importText('email;note\nbad;"a;b"\n', { delimiter: ';', fields });
    expect(rejected[0].raw).toBe('bad;"a;b"');
  });
});

describe('createContactImporter: merge', () => {
  const first = 'email,name,city,score\na@x.fr,Ann,Paris,1\nb@x.fr,Bob,,2\nc@x.fr,Cy,Nice,\n';
  const second =
    'email,name,city,score,vip\nB@X.FR,Bobby,Lyon,,yes\nc@x.fr,,Nantes,30,no\nd@x.fr,Di,Metz,4,yes\n';

  async function base(): Promise<ContactTable> {
    return (await importText(first)).table;
  }

  async function merge(policy: 'update' | 'skip' | 'keep_first', existing: ContactTable) {
    return importText(second, { existing, policy });
  }

  function snapshot(t: ContactTable) {
    return JSON.stringify(t, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v));
  }

  it('update: non-blank file values overwrite, blank cells keep', async () => {
    const existing = await base();
    const r: ContactImportResult = await merge('update', existing);
    expect([r.added, r.updated, r.skipped]).toEqual([1, 2, 0]);
    const t = r.table;
    expect(t.rowCount).toBe(4);
    expect(str(t, 'email', 0)).toBe('a@x.fr');
    expect(str(t, 'name', 1)).toBe('Bobby');
    expect(str(t, 'city', 1)).toBe('Lyon');
    expect(num(t, 'score', 1)).toBe(2); // blank cell kept the existing value
    expect(str(t, 'name', 2)).toBe('Cy');
    expect(str(t, 'city', 2)).toBe('Nantes');
    expect(num(t, 'score', 2)).toBe(30);
    expect(str(t, 'email', 3)).toBe('d@x.fr');
  });

  it('skip: existing identities are left untouched and counted', async () => {
    const r = await merge('skip', await base());
    expect([r.added, r.updated, r.skipped]).toEqual([1, 0, 2]);
    expect(str(r.table, 'name', 1)).toBe('Bob');
    expect(str(r.table, 'city', 2)).toBe('Nice');
    expect((r.table.columns.vip as { values: Uint8Array }).values[1]).toBe(0);
    expect(str(r.table, 'name', 3)).toBe('Di');
  });

  it('keep_first: existing values kept, only empty ones filled', async () => {
    const r = await merge('keep_first', await base());
    expect([r.added, r.updated, r.skipped]).toEqual([1, 2, 0]);
    const t = r.table;
    expect(str(t, 'name', 1)).toBe('Bob');
    expect(str(t, 'city', 1)).toBe('Lyon'); // was empty
    expect(str(t, 'city', 2)).toBe('Nice');
    expect(num(t, 'score', 2)).toBe(30); // was empty
    expect((t.columns.vip as { values: Uint8Array }).values[1]).toBe(2);
  });

  it('adds new fields, empty for existing rows, and never moves existing rows', async () => {
    const existing = await base();
    const r = await merge('update', existing);
    expect(r.newFields).toEqual(['vip']);
    expect(r.table.fields.map((f) => f.name)).toEqual(['email', 'name', 'city', 'score', 'vip']);
    const vip = (r.table.columns.vip as { values: Uint8Array }).values;
    expect(Array.from(vip)).toEqual([0, 2, 1, 2]);
    for (let row = 0; row < existing.rowCount; row++) {
      expect(str(r.table, 'email', row)).toBe(str(existing, 'email', row));
    }
  });

  it('does not mutate the existing table', async () => {
    const existing = await base();
    const before = snapshot(existing);
    for (const policy of ['update', 'skip', 'keep_first'] as const) await merge(policy, existing);
    expect(snapshot(existing)).toBe(before);
  });

  it('keeps existing field types and reads the file with them', async () => {
    const existing = await base();
    const fields: FieldSpec[] = [
      { name: 'email', type: 'email' },
      { name: 'score', type: 'text' }
    ];
    const r = await importText('email,score\na@x.fr,"7,5"\nz@x.fr,abc\n', {
      existing,
      fields: fields.map((f) => (f.name === 'score' ? { ...f, decimal: ',' } : f))
    });
    expect(r.table.fields.find((f) => f.name === 'score')?.type).toBe('number');
    expect(num(r.table, 'score', 0)).toBe(7.5);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      "'abc' is not a number (decimal comma) in column score"
    ]);
  });

  it('matches stored identities that were not normalised', async () => {
    const existing: ContactTable = {
      rowCount: 1,
      identity: 'email',
      fields: [{ name: 'email', type: 'email' }],
      columns: { email: { kind: 'string', codes: new Uint32Array([1]), dict: ['', 'Ann@X.fr'] } }
    };
    const r = await importText('email\nann@x.fr\n', { existing });
    expect([r.added, r.updated]).toEqual([0, 1]);
  });

  it('matches an identity however its accents are encoded, but never folds them away', async () => {
    // `José` composed (U+00E9) in the first file, decomposed (e + U+0301) as macOS writes it.
    const composed = 'Jos\u00e9';
    const decomposed = 'Jose\u0301';
    const existing = (await importText(`id,name\n${composed},A\nJose,B\n`, { identity: 'id' }))
      .table;
    const r = await importText(`id,name\n${decomposed},A2\njosé,C\nJOSE,D\n`, {
      identity: 'id',
      existing
    });
    // The decomposed spelling is the same identity; `josé` and `JOSE` are other contacts.
    expect([r.added, r.updated]).toEqual([2, 1]);
    expect(str(r.table, 'name', 0)).toBe('A2');
    expect(str(r.table, 'name', 1)).toBe('B');
    expect(str(r.table, 'id', 0)).toBe(composed);
  });

  it('refuses another identity than the campaign one', () => {
    const existing: ContactTable = {
      rowCount: 1,
      identity: 'email',
      fields: [
        { name: 'email', type: 'email' },
        { name: 'id', type: 'text' }
      ],
      columns: {
        email: { kind: 'string', codes: new Uint32Array([1]), dict: ['', 'a@b.fr'] },
        id: { kind: 'string', codes: new Uint32Array([1]), dict: ['', 'X'] }
      }
    };
    expect(() =>
      createContactImporter({
        fields: [{ name: 'id', type: 'text' }],
        headers: ['id'],
        identity: 'id',
        policy: 'update',
        existing
      })
    ).toThrow(/identified by 'email'/);
  });

  it('merges by a number identity', async () => {
    const existing = (await importText('id,name\n1,Ann\n2,Bob\n', { identity: 'id' })).table;
    expect(existing.columns.id.kind).toBe('number');
    const r = await importText('id,name\n2,Bobby\n3,Cy\n', { identity: 'id', existing });
    expect([r.added, r.updated]).toEqual([1, 1]);
    expect(str(r.table, 'name', 1)).toBe('Bobby');
  });
});

describe('createContactImporter: batches', () => {
  const fields: FieldSpec[] = [
    { name: 'email', type: 'email' },
    { name: 'name', type: 'text' },
    { name: 'score', type: 'number', decimal: '.' },
    { name: 'day', type: 'date', dateOrder: 'dmy' },
    { name: 'optin', type: 'boolean' }
  ];
  const headers = fields.map((f) => f.name);
  const cell = {
    email: fc.constantFrom('a@x.fr', 'B@X.FR', ' c@x.fr ', 'd@x.fr', 'bad', ''),
    name: fc.constantFrom('Ann', ' Bob ', '', 'Cy'),
    score: fc.constantFrom('1', '2.5', '', 'x'),
    day: fc.constantFrom('01/02/2000', '', '31/02/2000'),
    optin: fc.constantFrom('yes', 'no', '', 'maybe')
  };
  const record: fc.Arbitrary<string[]> = fc.oneof(
    { weight: 9, arbitrary: fc.tuple(cell.email, cell.name, cell.score, cell.day, cell.optin) },
    { weight: 1, arbitrary: fc.constant<string[]>(['short']) }
  );

  function run(
    records: string[][],
    cuts: number[],
    policy: 'update' | 'skip' | 'keep_first',
    existing?: ContactTable
  ): ContactImportResult {
    const importer = createContactImporter({
      fields,
      headers,
      identity: 'email',
      policy,
      existing
    });
    const lines = records.map((_, i) => i + 2);
    let from = 0;
    for (const cut of [
      ...cuts.filter((c) => c < records.length).sort((a, b) => a - b),
      records.length
    ]) {
      importer.addRows(records.slice(from, cut), lines.slice(from, cut));
      from = cut;
    }
    return importer.finish();
  }

  it('gives the same table and rejections however the records are batched', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 14 }),
        fc.array(record, { maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 4 }),
        fc.constantFrom('update' as const, 'skip' as const, 'keep_first' as const),
        (firstFile, secondFile, cuts, policy) => {
          const existing = run(firstFile, [], 'update').table;
          // One record per batch is the reference: rows are taken in file order.
          const single = secondFile.map((_, i) => i);
          const expected = run(secondFile, single, policy, existing);
          const actual = run(secondFile, cuts, policy, existing);
          expect(actual).toEqual(expected);
          expect(actual.added + actual.updated + actual.skipped + actual.rejected.length).toBe(
            secondFile.length
          );
          expect(actual.rejected.map((r) => r.line)).toEqual(
            [...actual.rejected.map((r) => r.line)].sort((a, b) => a - b)
          );
        }
      ),
      { numRuns: 300 }
    );
  });

  it('rejects the first failing field of a record, in field order', async () => {
    const { rejected } = await importText(
      'email,name,score,day,optin\nbad,x,y,z,w\na@x.fr,x,y,z,w\nb@x.fr,x,1,z,w\nc@x.fr,x,1,,w\n',
      { fields }
    );
    expect(rejected.map((r) => [r.line, r.column])).toEqual([
      [2, 'email'],
      [3, 'score'],
      [4, 'day'],
      [5, 'optin']
    ]);
  });
});
