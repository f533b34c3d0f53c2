import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ContactTable, EventTable } from '$lib/core/columns/types';
import {
  chunkStrings,
  assembleStrings,
  deleteGeneration,
  readGeneration,
  writeGeneration,
  narrowCodes,
  PackedStrings,
  STRINGS_PER_CHUNK,
  type ChunkRow
} from '$lib/db/chunk-store';
import {
  dictEntry,
  encodeContactTable,
  readContactTable,
  readFirstRows
} from '$lib/db/column-chunks';
import { encodeEventTable, readEventTable } from '$lib/db/event-chunks';
import { openSliceDb } from '$lib/db/slice-db';
import { recoverAtStart, importLockName } from '$lib/db/recovery';
import { newCampaignRow } from '$lib/db/campaigns';
import { INTERRUPTED_MESSAGE, runningImportRow } from '$lib/db/imports';

let n = 0;
const freshDb = () => openSliceDb(`chunks-test-${Date.now()}-${n++}`);

function table(rowCount: number): ContactTable {
  const codes = new Uint32Array(rowCount);
  const values = new Float64Array(rowCount);
  const flags = new Uint8Array(rowCount);
  const dict = [''];
  for (let r = 0; r < rowCount; r++) {
    dict.push(`person${r}@example.org`);
    codes[r] = r + 1;
    values[r] = r % 7 === 0 ? NaN : r * 1.5 - 3;
    flags[r] = r % 3;
  }
  return {
    rowCount,
    identity: 'email',
    fields: [
      { name: 'email', type: 'email' },
      { name: 'score', type: 'number', decimal: ',' },
      { name: 'optin', type: 'boolean' }
    ],
    columns: {
      email: { kind: 'string', codes, dict },
      score: { kind: 'number', values },
      optin: { kind: 'boolean', values: flags }
    }
  };
}

describe('packed strings', () => {
  it('round-trip any strings, including empty ones and separators', () => {
    const strings = ['', 'a', '', 'é,"x"\n', '\u0000', 'z'.repeat(1000)];
    const pieces = chunkStrings('dict:x', strings) as ChunkRow[];
    expect(pieces).toHaveLength(1);
    expect(assembleStrings(pieces)).toEqual(strings);
  });

  it('narrows codes to the dictionary size', () => {
    expect(narrowCodes(new Uint32Array([1, 2]), 3)).toBeInstanceOf(Uint8Array);
    expect(narrowCodes(new Uint32Array([1, 300]), 301)).toBeInstanceOf(Uint16Array);
    expect(narrowCodes(new Uint32Array([1, 70000]), 70001)).toBeInstanceOf(Uint32Array);
  });
});

describe('packed dictionaries read lazily', () => {
  const strings = Array.from({ length: STRINGS_PER_CHUNK + 10 }, (_, i) => (i ? `s${i}` : ''));

  it('give single entries across chunks without splitting, and split to the same array', () => {
    const packed = new PackedStrings(chunkStrings('dict:x', strings) as ChunkRow[]);
    expect(packed.length).toBe(strings.length);
    for (const i of [0, 1, STRINGS_PER_CHUNK - 1, STRINGS_PER_CHUNK, strings.length - 1]) {
      expect(packed.get(i)).toBe(strings[i]);
    }
    expect(packed.get(strings.length)).toBe('');
    expect(packed.get(-1)).toBe('');
    expect(packed.toArray()).toEqual(strings);
  });

  it('place sparse chunks by their number', () => {
    const pieces = chunkStrings('dict:x', strings) as ChunkRow[];
    const packed = new PackedStrings([pieces[1]], true);
    expect(packed.get(STRINGS_PER_CHUNK + 3)).toBe(strings[STRINGS_PER_CHUNK + 3]);
    expect(packed.get(5)).toBe('');
  });
});

describe('contact and event chunks', () => {
  it('read string columns whose dictionary splits only when used', async () => {
    const db = freshDb();
    const t = table(70_000);
    await writeGeneration(db.columnChunks, 'c1', 1, encodeContactTable(t));
    const back = await readContactTable(db, 'c1', 1);
    const email = back.columns.email;
    if (email.kind !== 'string') throw new Error('email is not a string column');
    // A single entry, then the whole dictionary, then an entry again: always the same values.
    expect(dictEntry(email, 69_999)).toBe('person69998@example.org');
    expect(email.dict).toBe(email.dict);
    expect(email.dict).toHaveLength(70_001);
    expect(dictEntry(email, 2)).toBe('person1@example.org');
    // Import code may append to or replace a dictionary.
    email.dict.push('new@example.org');
    expect(dictEntry(email, 70_001)).toBe('new@example.org');
    email.dict = ['', 'only@example.org'];
    expect(dictEntry(email, 1)).toBe('only@example.org');
    db.close();
  });

  it('read the first rows of a generation on their own', async () => {
    const db = freshDb();
    const t = table(70_000);
    await writeGeneration(db.columnChunks, 'c1', 2, encodeContactTable(t));
    const first = await readFirstRows(db, 'c1', 2, 100);
    expect(first.rowCount).toBe(70_000);
    expect(first.rows).toBe(100);
    expect(first.table.rowCount).toBe(100);
    const email = first.table.columns.email;
    if (email.kind !== 'string') throw new Error('email is not a string column');
    expect(dictEntry(email, email.codes[99])).toBe('person99@example.org');
    const score = first.table.columns.score as { values: Float64Array };
    expect(Array.from(score.values)).toEqual(
      Array.from((t.columns.score as { values: Float64Array }).values.subarray(0, 100))
    );
    const optin = first.table.columns.optin as { values: Uint8Array };
    expect(Array.from(optin.values)).toEqual([...Array(100).keys()].map((r) => r % 3));
    // Fewer rows than asked for: all of them.
    await writeGeneration(db.columnChunks, 'c2', 1, encodeContactTable(table(3)));
    expect((await readFirstRows(db, 'c2', 1, 100)).rows).toBe(3);
    await expect(readFirstRows(db, 'c3', 1, 100)).rejects.toThrow(/incomplete/);
    db.close();
  });

  it('write a generation and read back every value (several chunks)', async () => {
    const db = freshDb();
    const t = table(70_000);
    await writeGeneration(db.columnChunks, 'c1', 3, encodeContactTable(t));
    const back = await readContactTable(db, 'c1', 3);
    expect(back.rowCount).toBe(70_000);
    expect(back.fields).toEqual(t.fields);
    expect(back.identity).toBe('email');
    const email = back.columns.email;
    expect(email.kind === 'string' && email.dict).toEqual(
      (t.columns.email as { dict: string[] }).dict
    );
    expect(email.kind === 'string' && Array.from(email.codes)).toEqual(
      Array.from((t.columns.email as { codes: Uint32Array }).codes)
    );
    const score = back.columns.score;
    expect(score.kind).toBe('number');
    expect(Object.is((score as { values: Float64Array }).values[0], NaN)).toBe(true);
    expect(Array.from((score as { values: Float64Array }).values)).toEqual(
      Array.from((t.columns.score as { values: Float64Array }).values)
    );
    expect(Array.from((back.columns.optin as { values: Uint8Array }).values)).toEqual(
      Array.from((t.columns.optin as { values: Uint8Array }).values)
    );
    const rows = await db.columnChunks.where('campaignId').equals('c1').toArray();
    // Two row chunks of codes: every stored piece owns a small buffer, not the whole column.
    const codeChunks = rows.filter((r) => r.column === 'codes:email');
    expect(codeChunks).toHaveLength(2);
    expect(codeChunks[1].array?.buffer.byteLength).toBe((70_000 - 65_536) * 4);
    expect(await deleteGeneration(db.columnChunks, 'c1', 3)).toBe(rows.length);
    expect((await readGeneration(db.columnChunks, 'c1', 3)).size).toBe(0);
    db.close();
  });

  it('pads event offsets for contacts appended after the events were stored', async () => {
    const db = freshDb();
    const events: EventTable = {
      count: 3,
      types: ['page_view', 'purchase'],
      targets: ['', '/offer'],
      offsets: Uint32Array.from([0, 2, 3]),
      type: Uint16Array.from([0, 1, 0]),
      target: Uint32Array.from([1, 0, 1]),
      at: Float64Array.from([1000, 2000, 3000]),
      propCodes: Uint32Array.from([0, 1, 0]),
      props: ['', '{"amount":"12"}']
    };
    await writeGeneration(db.eventChunks, 'c1', 1, encodeEventTable(events));
    const back = await readEventTable(db, 'c1', 1, 4);
    expect(Array.from(back.offsets)).toEqual([0, 2, 3, 3, 3]);
    expect(back.types).toEqual(events.types);
    expect(back.targets).toEqual(events.targets);
    expect(back.props).toEqual(events.props);
    expect(Array.from(back.at)).toEqual([1000, 2000, 3000]);
    expect(Array.from(back.type)).toEqual([0, 1, 0]);
    expect(Array.from(back.target)).toEqual([1, 0, 1]);
    expect(Array.from(back.propCodes)).toEqual([0, 1, 0]);
    db.close();
  });
});

describe('start-up recovery', () => {
  it('fails running imports and deletes chunks of generations that are not current', async () => {
    const db = freshDb();
    const campaign = {
      ...newCampaignRow('c1', 'A', '2026-01-01T00:00:00.000Z'),
      contactGeneration: 2,
      lastGeneration: 3
    };
    await db.campaigns.put(campaign);
    const t = table(10);
    for (const g of [1, 2, 3])
      await writeGeneration(db.columnChunks, 'c1', g, encodeContactTable(t));
    await writeGeneration(db.columnChunks, 'gone', 1, encodeContactTable(t));
    const base = {
      campaignId: 'c1',
      kind: 'contacts' as const,
      fileName: 'a.csv',
      startedAt: '2026-01-01T00:00:00.000Z'
    };
    await db.imports.bulkPut([
      runningImportRow({ ...base, id: 'run' }),
      { ...runningImportRow({ ...base, id: 'ok' }), status: 'done' }
    ]);
    const report = await recoverAtStart(db, '2026-01-02T00:00:00.000Z');
    expect(report.interruptedImports).toEqual(['run']);
    const run = await db.imports.get('run');
    expect(run?.status).toBe('failed');
    expect(run?.message).toBe(INTERRUPTED_MESSAGE);
    expect((await db.imports.get('ok'))?.status).toBe('done');
    const gens = new Set(
      (await db.columnChunks.toArray()).map((r) => `${r.campaignId}/${r.generation}`)
    );
    expect([...gens]).toEqual(['c1/2']);
    expect((await readContactTable(db, 'c1', 2)).rowCount).toBe(10);
    db.close();
  });

  it('leaves imports that another tab still runs (their lock is held)', async () => {
    const db = freshDb();
    await db.campaigns.put({
      ...newCampaignRow('c1', 'A', '2026-01-01T00:00:00.000Z'),
      contactGeneration: 1,
      lastGeneration: 2
    });
    await writeGeneration(db.columnChunks, 'c1', 2, encodeContactTable(table(5)));
    await db.imports.put(
      runningImportRow({
        id: 'live',
        campaignId: 'c1',
        kind: 'contacts',
        fileName: 'a.csv',
        startedAt: '2026-01-01T00:00:00.000Z'
      })
    );
    const report = await recoverAtStart(
      db,
      '2026-01-02T00:00:00.000Z',
      new Set([importLockName('live')])
    );
    expect(report.interruptedImports).toEqual([]);
    expect((await db.imports.get('live'))?.status).toBe('running');
    expect(await db.columnChunks.count()).toBeGreaterThan(0);
    db.close();
  });
});
