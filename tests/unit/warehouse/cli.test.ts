/**
 * The command line's members CSV (`segment --output csv`) and its database export
 * (`warehouse`), run as a user would: files on disk, exit codes, output.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function slice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'bin/slice.ts',
      ...args
    ]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir = '';
const file = (name: string) => join(dir, name);
const NOW = ['--now', '2026-11-23T12:00:00Z', '--tz', 'Europe/Brussels'];
const NEWSLETTER = {
  version: 1,
  root: {
    kind: 'group',
    match: 'any',
    children: [
      { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
      { kind: 'event', event: 'purchase', window: { last: { n: 7, unit: 'days' } } }
    ]
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slice-warehouse-cli-'));
  await writeFile(
    file('contacts.csv'),
    [
      'email,first_name,note,newsletter,birth',
      'a@ex.fr,Élodie,=1+1,oui,1990-11-23',
      'b@ex.org,Jean,"Says ""hi"", twice",non,1985-01-02',
      'c@ex.com,Marie,@home,oui,2000-02-29',
      'd@ex.fr,Luc,-5,non,'
    ].join('\n')
  );
  await writeFile(
    file('events.csv'),
    [
      'contact,type,target,at',
      'b@ex.org,purchase,sku-1,2026-11-20T10:00:00Z',
      'd@ex.fr,purchase,sku-2,2026-10-01T10:00:00Z'
    ].join('\n')
  );
  await mkdir(file('defs'));
  await writeFile(file('defs/engaged.json'), JSON.stringify(NEWSLETTER));
  await writeFile(file('d.json'), JSON.stringify(NEWSLETTER));
});

describe('slice segment --output csv', () => {
  it('prints the members as RFC 4180 CSV with a header, formula cells neutralised', async () => {
    const out = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--events',
      file('events.csv'),
      '--definition',
      file('d.json'),
      ...NOW,
      '--output',
      'csv',
      '--columns',
      'email,note,birth'
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout.split('\r\n')[0]).toBe('email,note,birth');
    expect(Papa.parse<string[]>(out.stdout.trimEnd(), { newline: '\r\n' }).data).toEqual([
      ['email', 'note', 'birth'],
      ['a@ex.fr', "'=1+1", '1990-11-23'],
      ['b@ex.org', 'Says "hi", twice', '1985-01-02'],
      ['c@ex.com', "'@home", '2000-02-29']
    ]);
    const every = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('d.json'),
      ...NOW,
      '--output',
      'csv'
    ]);
    expect(every.stdout.split('\r\n')[0]).toBe('email,first_name,note,newsletter,birth');
  });

  it('refuses an unknown column, naming it and the fields there are', async () => {
    const out = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('d.json'),
      '--output',
      'csv',
      '--columns',
      'email,shoe'
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/no field named 'shoe' \(fields: email, first_name/);
    const ids = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('d.json'),
      '--columns',
      'email'
    ]);
    expect(ids.code).toBe(2);
    expect(ids.stderr).toMatch(/--columns goes with --output csv/);
  });
});

describe('slice warehouse', () => {
  it('writes files that load into DuckDB, where each segment gives the command line’s members', async () => {
    const out = file('out');
    const res = await slice([
      'warehouse',
      '--contacts',
      file('contacts.csv'),
      '--events',
      file('events.csv'),
      '--segments',
      file('defs'),
      '--out',
      out,
      ...NOW
    ]);
    expect(res.code).toBe(0);
    const ids = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--events',
      file('events.csv'),
      '--definition',
      file('d.json'),
      ...NOW,
      '--output',
      'ids'
    ]);
    expect(ids.stdout).toBe('a@ex.fr\nb@ex.org\nc@ex.com\n');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await conn.run(`SET file_search_path = '${out}'`);
      await conn.run(await readFile(join(out, 'duckdb/schema.sql'), 'utf8'));
      await conn.run(await readFile(join(out, 'duckdb/load.sql'), 'utf8'));
      const sql = await readFile(join(out, 'segments/duckdb/001-engaged.sql'), 'utf8');
      const rows = (
        await conn.runAndReadAll(
          `SELECT c.email FROM contacts c WHERE contact_id IN (${sql.replace(/;\s*$/, '').replace(/ORDER BY contact_id$/m, '')}) ORDER BY contact_id`
        )
      ).getRows();
      expect(rows.map((r) => r[0])).toEqual(['a@ex.fr', 'b@ex.org', 'c@ex.com']);
      const stored = (
        await conn.runAndReadAll(
          "SELECT contact_id FROM segment_members WHERE segment_id = 'engaged' ORDER BY 1"
        )
      ).getRows();
      expect(stored.map((r) => Number(r[0]))).toEqual([0, 1, 2]);
      const note = (
        await conn.runAndReadAll('SELECT note FROM contacts WHERE contact_id = 0')
      ).getRows();
      // Data for a database is not neutralised.
      expect(note[0][0]).toBe('=1+1');
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('refuses a bad definition before writing anything', async () => {
    await mkdir(file('bad'));
    await writeFile(
      file('bad/x.json'),
      '{"version":1,"root":{"kind":"group","match":"all","children":[{"kind":"attribute","field":"shoe","rule":"is_empty"}]}}'
    );
    const res = await slice([
      'warehouse',
      '--contacts',
      file('contacts.csv'),
      '--segments',
      file('bad'),
      '--out',
      file('bad-out')
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/x\.json: invalid segment definition/);
    await expect(readFile(file('bad-out/contacts.csv'))).rejects.toThrow();
  });
});
