import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContactsCsv, loadEventsCsv } from '../../../bin/load-csv';
import { FIXTURES } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function slice(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/slice.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8'
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('slice inspect', () => {
  it('prints encoding, delimiter, fields and row count', () => {
    const { code, out } = slice('inspect', FIXTURES + 'contacts-fr-cp1252.csv');
    expect(code).toBe(0);
    expect(out).toContain('encoding: windows-1252 (no BOM)');
    expect(out).toContain('delimiter: semicolon (;)');
    expect(out).toMatch(/date_naissance\s+date \(day\/month\/year\)/);
    expect(out).toMatch(/score\s+number \(decimal comma\)/);
    expect(out).toMatch(/optin\s+boolean/);
    expect(out).toContain('identity: email (suggested)');
    expect(out).toContain('rows: 7 (7 importable, 0 rejected)');
  });

  it('reads every row of mixed line endings and honours a sep= first line', () => {
    const mixed = slice('inspect', FIXTURES + 'mixed-line-endings.csv');
    expect(mixed.code).toBe(0);
    expect(mixed.out).toContain('rows: 6 (6 importable, 0 rejected)');
    const sep = slice('inspect', FIXTURES + 'sep-hint.csv');
    expect(sep.code).toBe(0);
    expect(sep.out).toContain('delimiter: semicolon (;)');
    expect(sep.out).toMatch(/fields \(3\):\n\s+email\s+email/);
    expect(sep.out).toContain('rows: 2 (2 importable, 0 rejected)');
    const events = slice('inspect', FIXTURES + 'events-repeated-mixed.csv', '--kind', 'events');
    expect(events.code).toBe(0);
    expect(events.out).toContain('rows: 6 (6 importable, 0 rejected)');
  });

  it('lists rejected rows with line, column and reason', () => {
    const { code, out } = slice('inspect', FIXTURES + 'bad-rows.csv');
    expect(code).toBe(0);
    expect(out).toContain("line 3, column email: invalid email 'bob@example' in column email");
    expect(out).toContain('line 4: expected 5 fields, found 4');
    expect(out).toContain(
      "line 6, column email: duplicate identity 'ana@example.com', first seen on line 2"
    );
  });

  it('shows the BOM and the events mapping', () => {
    const { code, out } = slice(
      'inspect',
      FIXTURES + 'events.csv',
      '--kind',
      'events',
      '--contacts',
      FIXTURES + 'contacts-utf8-bom.csv'
    );
    expect(code).toBe(0);
    expect(out).toContain(
      'mapping: contact=contact type=type target=target at=at properties=amount'
    );
    expect(out).toContain(
      "line 5, column contact: unknown contact 'zoe@example.com' in column contact"
    );
    expect(slice('inspect', FIXTURES + 'contacts-utf8-bom.csv').out).toContain(
      'encoding: utf-8 with BOM'
    );
  });

  it('exits 1 with the message of a file-level problem', () => {
    const r = slice('inspect', FIXTURES + 'unterminated-quote.csv');
    expect(r.code).toBe(1);
    expect(r.err).toContain('the quote opened on line 3 is never closed');
    const empty = slice('inspect', FIXTURES + 'header-only.csv');
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('the file has a header but no rows');
  });

  it('refuses unknown commands and missing files', () => {
    expect(slice('nope').code).toBe(2);
    expect(slice('inspect').code).toBe(2);
    const missing = slice('inspect', 'no-such-file.csv');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("cannot read 'no-such-file.csv': no such file");
  });
});

describe('loadContactsCsv / loadEventsCsv', () => {
  it('loads contacts then their events', async () => {
    const contacts = await loadContactsCsv(FIXTURES + 'contacts-utf8-bom.csv');
    expect(contacts.problem).toBeUndefined();
    expect(contacts.table.identity).toBe('email');
    expect(contacts.table.rowCount).toBe(4);
    const events = await loadEventsCsv(FIXTURES + 'events.csv', contacts.table);
    expect(events.events.count).toBe(5);
    expect(events.rejected.map((r) => r.line)).toEqual([5, 6, 7]);
  });

  it('uses the first column as identity when there is no email column', async () => {
    const loaded = await loadContactsCsv(FIXTURES + 'duplicate-header.csv');
    expect(loaded.problem?.message).toMatch(/duplicate column name/);
    const byId = await loadContactsCsv(FIXTURES + 'contacts-utf8-bom.csv', { identity: 'id' });
    expect(byId.table.identity).toBe('id');
  });
});
