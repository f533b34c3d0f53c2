/**
 * The `segment` and `sql` commands, run as a user would: files on disk, exit codes, output.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function slice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'bin/slice.ts', ...args],
      {
        cwd: process.cwd()
      }
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir = '';
const file = (name: string) => join(dir, name);
const NOW = ['--now', '2026-11-23T12:00:00Z', '--tz', 'Europe/Brussels'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slice-segment-'));
  await writeFile(
    file('contacts.csv'),
    [
      'email,first_name,civility,newsletter,birth',
      'a@ex.fr,Élodie,Mrs,oui,1990-11-23',
      'b@ex.org,Jean,Mr,non,1985-01-02',
      'c@ex.com,Marie,mrs,oui,2000-02-29',
      'd@ex.fr,Luc,MRS,non,'
    ].join('\n')
  );
  await writeFile(
    file('events.csv'),
    [
      'contact,type,target,at',
      'a@ex.fr,page_view,/offer-42,2026-11-20T10:00:00Z',
      'c@ex.com,page_view,/Offer-42/x,2026-11-22T10:00:00Z',
      'c@ex.com,purchase,offer-42,2026-11-22T11:00:00Z'
    ].join('\n')
  );
  const def = {
    version: 1,
    root: {
      kind: 'group',
      match: 'all',
      children: [
        { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' },
        { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
        {
          kind: 'event',
          event: 'page_view',
          target: { rule: 'contains', value: '/offer-42' },
          window: { last: { n: 7, unit: 'days' } }
        },
        { kind: 'event', event: 'purchase', count: { op: 'exactly', n: 0 } }
      ]
    }
  };
  await writeFile(file('def.json'), JSON.stringify(def));
  await writeFile(
    file('bad.json'),
    JSON.stringify({
      version: 1,
      root: {
        kind: 'group',
        match: 'all',
        children: [{ kind: 'attribute', field: 'city', rule: 'equals', value: 'x' }]
      }
    })
  );
});

describe('slice segment / slice sql', () => {
  it('prints the count and the members in file order', async () => {
    const base = [
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--events',
      file('events.csv'),
      ...NOW
    ];
    const count = await slice([...base, '--definition', file('def.json')]);
    expect(count).toMatchObject({ code: 0, stdout: '1\n' });
    const ids = await slice([...base, '--definition', file('def.json'), '--output', 'ids']);
    expect(ids).toMatchObject({ code: 0, stdout: 'a@ex.fr\n' });
  });

  it('prints the SQL of a definition', async () => {
    const res = await slice([
      'sql',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('def.json'),
      '--dialect',
      'postgres',
      ...NOW
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^-- Slice segment \(PostgreSQL\)/);
    expect(res.stdout).toContain(`e."at" >= '2026-11-16 12:00:00.000+00'`);
    expect(res.stdout.trim().endsWith('ORDER BY contact_id;')).toBe(true);
  });

  it('exits non-zero with the validator messages for a bad definition or options', async () => {
    const bad = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('bad.json')
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('root.children[0] (city): Unknown field "city".');
    const sql = await slice([
      'sql',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('bad.json')
    ]);
    expect(sql.code).toBe(1);
    const tz = await slice([
      'segment',
      '--contacts',
      file('contacts.csv'),
      '--definition',
      file('def.json'),
      '--tz',
      'Mars/Base'
    ]);
    expect(tz.code).toBe(2);
    expect(tz.stderr).toContain('not an IANA time zone');
  });

  it('refuses a definition with a misspelt or forbidden key with one message', async () => {
    const cases: [string, string][] = [
      [
        '{"version":1,"root":{"kind":"group","match":"all","children":[{"kind":"attribute","feild":"civility","rule":"equals","value":"Mrs"}]}}',
        '  root.children[0]: Unknown key "feild": it is not a key of an attribute condition; did you mean "field"?'
      ],
      [
        '{"version":1,"root":{"kind":"group","match":"all","children":[{"kind":"event","event":"page_view","windw":{"last":{"n":7,"unit":"days"}}}]}}',
        '  root.children[0]: Unknown key "windw": it is not a key of an event condition; did you mean "window"?'
      ],
      [
        '{"version":1,"root":{"kind":"group","match":"all","children":[],"__proto__":{"match":"none"}}}',
        '  root: The key "__proto__" is not allowed in a definition.'
      ]
    ];
    for (const [i, [json, message]] of cases.entries()) {
      await writeFile(file(`keys-${i}.json`), json);
      for (const command of ['segment', 'sql']) {
        const res = await slice([
          command,
          '--contacts',
          file('contacts.csv'),
          '--definition',
          file(`keys-${i}.json`),
          ...NOW
        ]);
        expect(res.code).toBe(1);
        expect(res.stdout).toBe('');
        expect(res.stderr.trim().split('\n')).toEqual([
          `slice ${command}: ${file(`keys-${i}.json`)}: invalid segment definition:`,
          message
        ]);
      }
    }
  });
});
