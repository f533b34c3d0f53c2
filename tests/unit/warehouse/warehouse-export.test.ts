/**
 * Export for a database, end to end: the demo campaign with dynamic segments (attributes,
 * events, email activity, a segment condition), a manual segment and a list is exported as
 * the app exports it (one zip); the zip is unpacked, loaded into DuckDB with its schema.sql and
 * load.sql, and every segment's SQL is run: each returns exactly the members the engine has.
 * With SLICE_TEST_PG (psql connection arguments) the PostgreSQL files run the same way.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Definition } from '$lib/core/segment/definition';
import { writeDemoFiles } from '../../support/demo';
import { makeEngine } from '../engine/engine-fixture';

let server: Server;
let base = '';
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slice-warehouse-'));
  await writeDemoFiles(join(root, 'demo') + '/');
  server = createServer(async (req, res) => {
    const file = join(root, new URL(req.url ?? '/', 'http://localhost').pathname);
    try {
      await stat(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

const OPTIONS = { now: '2026-06-15T10:00:00.000Z', timeZone: 'Europe/Paris' };

const all = (...children: Definition['root']['children']): Definition => ({
  version: 1,
  root: { kind: 'group', match: 'all', children }
});

/** Each segment's id and its members in the engine, in contact order. */
async function engineMembers(engine: ReturnType<typeof makeEngine>['engine'], campaignId: string) {
  const out = new Map<string, number[]>();
  for (const s of await engine.listSegments(campaignId)) {
    const page = await engine.members(s.id, { offset: 0, limit: 10_000 });
    out.set(s.id, page.ids);
  }
  return out;
}

async function unpack(blob: Blob, dir: string): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  const texts: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
    texts[path] = strFromU8(bytes);
  }
  return texts;
}

function segmentIdOf(sql: string): string {
  return /id ([0-9a-f-]+)\n/.exec(sql)![1];
}

describe('export for a database', () => {
  it('loads into DuckDB (and PostgreSQL) and every segment returns the engine’s members', async () => {
    const { engine } = makeEngine(undefined, { baseUrl: `${base}#/campaigns` });
    const dir = await mkdtemp(join(tmpdir(), 'slice-warehouse-out-'));
    try {
      const demo = await engine.loadDemoCampaign();
      const save = async (name: string, definition: Definition) => {
        const s = await engine.saveSegment({ campaignId: demo.id, name, definition });
        expect(await engine.generate(s.id, OPTIONS)).toMatchObject({ ok: true });
        return s;
      };
      const mrs = await save(
        'Mrs, newsletter, did not win',
        all(
          { kind: 'attribute', field: 'civility', rule: 'equals', value: 'Mrs' },
          { kind: 'attribute', field: 'newsletter', rule: 'is_true' },
          { kind: 'attribute', field: 'won', rule: 'is_false' }
        )
      );
      await save('Buyers or recent carts of Mrs', {
        version: 1,
        root: {
          kind: 'group',
          match: 'any',
          children: [
            { kind: 'event', event: 'purchase', window: { last: { n: 6, unit: 'months' } } },
            {
              kind: 'group',
              match: 'all',
              children: [
                { kind: 'event', event: 'add_to_cart', window: { last: { n: 1, unit: 'months' } } },
                { kind: 'segment', segment: mrs.id, member: true }
              ]
            }
          ]
        }
      });
      await save(
        'Received, never opened',
        all(
          { kind: 'email', activity: 'received' },
          { kind: 'email', activity: 'opened', count: { op: 'exactly', n: 0 } }
        )
      );
      const manual = await engine.saveSegment({ campaignId: demo.id, name: 'VIP', kind: 'manual' });
      const first = await engine.members((await engine.listSegments(demo.id))[0].id, {
        offset: 0,
        limit: 3
      });
      const emails = first.rows.map((r) => String(r[0]));
      expect(
        await engine.editMembers(manual.id, `email\n${emails.join('\n')}\nnobody@x.org\n`, 'add')
      ).toMatchObject({ ok: true, matched: 3, unknown: ['nobody@x.org'], count: 3 });
      await engine.saveAsList(mrs.id, 'Mrs snapshot', OPTIONS);

      const expected = await engineMembers(engine, demo.id);
      expect(expected.size).toBe(6);
      const texts = await unpack(await engine.exportWarehouse(demo.id, OPTIONS), dir);
      expect(Object.keys(texts)).toEqual(
        expect.arrayContaining([
          'contacts.csv',
          'events.csv',
          'segment_members.csv',
          'segments.csv',
          'duckdb/schema.sql',
          'duckdb/load.sql',
          'postgres/schema.sql',
          'postgres/load.sql'
        ])
      );
      const segmentFiles = (d: string) =>
        Object.keys(texts).filter((p) => p.startsWith(`segments/${d}/`));
      expect(segmentFiles('duckdb')).toHaveLength(6);
      expect(segmentFiles('postgres')).toHaveLength(6);

      const instance = await DuckDBInstance.create(':memory:');
      const conn = await instance.connect();
      try {
        await conn.run("SET TimeZone = 'UTC'");
        await conn.run(`SET file_search_path = '${dir}'`);
        await conn.run(texts['duckdb/schema.sql']);
        await conn.run(texts['duckdb/load.sql']);
        const count = await conn.runAndReadAll('SELECT count(*) FROM contacts');
        expect(Number(count.getRows()[0][0])).toBe(3000);
        let nonEmpty = 0;
        for (const path of segmentFiles('duckdb')) {
          const sql = texts[path];
          const rows = (await conn.runAndReadAll(sql)).getRows().map((r) => Number(r[0]));
          const id = segmentIdOf(sql);
          expect(rows, path).toEqual(expected.get(id));
          if (rows.length > 0) nonEmpty++;
        }
        expect(nonEmpty).toBeGreaterThanOrEqual(5);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }

      const pg = process.env.SLICE_TEST_PG;
      if (pg) {
        const args = pg.split(/\s+/).filter(Boolean);
        const db = `slice_wh_${process.pid}`;
        const psql = (extra: string[], cwd = dir) =>
          execFileSync('psql', [...args, '-v', 'ON_ERROR_STOP=1', '-qAt', ...extra], {
            cwd,
            encoding: 'utf8',
            env: { ...process.env, PGTZ: 'UTC' }
          });
        psql(['-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${db}`]);
        psql(['-d', 'postgres', '-c', `CREATE DATABASE ${db}`]);
        try {
          psql(['-d', db, '-f', 'postgres/schema.sql', '-f', 'postgres/load.sql']);
          for (const path of segmentFiles('postgres')) {
            const out = psql(['-d', db, '-f', path]);
            const rows = out
              .split('\n')
              .filter((l) => /^\d+$/.test(l))
              .map(Number);
            expect(rows, path).toEqual(expected.get(segmentIdOf(texts[path])));
          }
        } finally {
          psql(['-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${db}`]);
        }
      }
      // The files are data, not spreadsheet cells: nothing is neutralised.
      expect(await readFile(join(dir, 'contacts.csv'), 'utf8')).not.toMatch(/,"'[=+@-]/);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
