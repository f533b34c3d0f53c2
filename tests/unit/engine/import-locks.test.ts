/**
 * An import's Web Lock is taken before its `running` record is saved and held until its outcome
 * is written (waiting behind another import included), so "running with a free lock" always
 * means the tab that ran it is gone; History (listImports) then marks such an import failed.
 * Imports into one campaign run one at a time across tabs (a Web Lock per campaign), and a
 * commit lands only on the generations its import read, so no import drops another's rows.
 * Node has no Web Locks: these tests give the engines a shared lock manager (web-locks.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERRUPTED_MESSAGE, runningImportRow, type ImportRow } from '$lib/db/imports';
import { campaignImportLockName, failAbandoned, importLockName } from '$lib/db/recovery';
import type { Engine } from '$lib/engine/engine';
import type { ImportOutcome, ImportProgress } from '$lib/engine/api';
import { csvFile, fields, importText, interceptWrites, trackEngines } from './engine-fixture';
import { installWebLocks, type TestLockManager } from './web-locks';

// Registered before the engines' own hook so that it runs after it (after-hooks run in reverse):
// engines close while the lock manager is still installed.
afterEach(() => {
  vi.unstubAllGlobals();
});
const { setup } = trackEngines();

const SPECS = { email: 'email', score: 'number' } as const;

/** A file whose bytes arrive only once `open()` is called: an import paused mid-way. */
function gatedFile(text: string, name: string) {
  const blob = new Blob([text]);
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const file = {
    name,
    size: blob.size,
    type: 'text/csv',
    slice: (from?: number, to?: number) => ({
      arrayBuffer: async () => {
        await gate;
        return blob.slice(from, to).arrayBuffer();
      }
    })
  } as unknown as Blob & { name: string };
  return { file, open };
}

/** Starts a contacts import; `started` resolves with its id at its first progress report. */
function startImport(
  engine: Engine,
  campaignId: string,
  file: Blob & { name: string },
  phases: ImportProgress['phase'][] = []
) {
  let started: (id: string) => void = () => undefined;
  const id = new Promise<string>((resolve) => (started = resolve));
  const outcome: Promise<ImportOutcome> = engine.importContacts(
    campaignId,
    file,
    {
      fields: fields(SPECS),
      identity: 'email',
      policy: 'update',
      encoding: 'utf-8',
      delimiter: ','
    },
    (p: ImportProgress) => {
      phases.push(p.phase);
      started(p.importId);
    }
  );
  return { id, outcome };
}

function runningRow(id: string, campaignId: string): ImportRow {
  return runningImportRow({
    id,
    campaignId,
    kind: 'contacts',
    fileName: `${id}.csv`,
    startedAt: '2026-06-15T09:00:00.000Z'
  });
}

/** Records, for every `running` import record written, whether its lock was held then. */
function watchRunningWrites(locks: TestLockManager, seen: [string, boolean][]) {
  return interceptWrites('watch-running-imports', 'imports', (req, write) => {
    if (req.type === 'put' || req.type === 'add') {
      for (const row of req.values as ImportRow[]) {
        if (row.status === 'running') {
          seen.push([row.id, locks.isHeld(importLockName(row.id))]);
        }
      }
    }
    return write(req);
  });
}

describe('import locks', () => {
  it('are held before the running record is saved, while waiting, and until the outcome', async () => {
    const locks = installWebLocks();
    const seen: [string, boolean][] = [];
    const { engine, db, name } = setup(undefined, watchRunningWrites(locks, seen));
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, 'email,score\na@example.org,1\n', SPECS)).ok).toBe(true);

    const first = gatedFile('email,score\nb@example.org,2\n', 'first.csv');
    const second = gatedFile('email,score\nc@example.org,3\n', 'second.csv');
    const a = startImport(engine, c.id, first.file);
    const b = startImport(engine, c.id, second.file);
    const [idA, idB] = await Promise.all([a.id, b.id]);
    second.open();
    // A is paused reading its file; B waits for its turn behind A. Both hold their locks.
    expect(locks.isHeld(importLockName(idA))).toBe(true);
    expect(locks.isHeld(importLockName(idB))).toBe(true);
    expect((await db.imports.get(idA))?.status).toBe('running');
    expect((await db.imports.get(idB))?.status).toBe('running');

    // Another tab, opened now, sees both as live, in its start-up recovery and in History.
    const other = setup(name);
    expect((await other.engine.recovery()).liveImports.sort()).toEqual([idA, idB].sort());
    const listed = await other.engine.listImports(c.id);
    expect(listed.filter((r) => r.status === 'running').map((r) => r.id)).toEqual(
      expect.arrayContaining([idA, idB])
    );
    expect(await engine.listImports(c.id)).toEqual(listed);

    first.open();
    const [outA, outB] = await Promise.all([a.outcome, b.outcome]);
    expect(outA).toMatchObject({ ok: true, added: 1 });
    expect(outB).toMatchObject({ ok: true, added: 1 });
    // The other tab was waiting for these locks (failWhenReleased): it gets them, finds the
    // imports done, and lets go.
    await vi.waitFor(() => {
      expect(locks.isHeld(importLockName(idA))).toBe(false);
      expect(locks.isHeld(importLockName(idB))).toBe(false);
    });
    const statuses = (await other.engine.listImports(c.id)).map((r) => r.status);
    expect(statuses).toEqual(['done', 'done', 'done']);

    // Every running record, the first import's included, was saved under its lock.
    expect(seen.length).toBe(3);
    expect(seen.every(([, held]) => held)).toBe(true);
  });

  it('a cancelled import that waited its turn lets go of its lock too', async () => {
    const locks = installWebLocks();
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const first = gatedFile('email,score\nb@example.org,2\n', 'first.csv');
    const a = startImport(engine, c.id, first.file);
    const b = startImport(engine, c.id, gatedFile('email,score\nc@example.org,3\n', 'b.csv').file);
    const idB = await b.id;
    await a.id;
    await engine.cancelImport(idB);
    first.open();
    expect(await b.outcome).toMatchObject({ ok: false, cancelled: true });
    expect((await a.outcome).ok).toBe(true);
    expect(locks.isHeld(importLockName(idB))).toBe(false);
    const record = (await engine.listImports(c.id)).find((r) => r.id === idB);
    expect(record?.status).toBe('cancelled');
  });

  it('History marks failed a running import whose lock is free, even one started later', async () => {
    const locks = installWebLocks();
    // This tab opened before the other tab started its imports: its start-up saw none.
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    expect((await engine.recovery()).liveImports).toEqual([]);
    // The other tab: one import still runs (its lock is held), one died with its worker.
    const letGo = await locks.hold(importLockName('alive'));
    await db.imports.bulkPut([runningRow('alive', c.id), runningRow('dead', c.id)]);

    const listed = await engine.listImports(c.id);
    const byId = Object.fromEntries(listed.map((r) => [r.id, r]));
    expect(byId.dead).toMatchObject({ status: 'failed', message: INTERRUPTED_MESSAGE });
    expect(byId.dead.finishedAt).not.toBeNull();
    expect(byId.alive).toMatchObject({ status: 'running', message: null });

    // The other tab closes: its lock goes without an outcome being written.
    letGo();
    const later = (await engine.listImports(c.id)).find((r) => r.id === 'alive');
    expect(later).toMatchObject({ status: 'failed', message: INTERRUPTED_MESSAGE });
    expect(locks.isHeld(importLockName('alive'))).toBe(false);
  });

  it('leaves an import alone once it has ended (the status is read again under the lock)', async () => {
    installWebLocks();
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    await db.imports.put({ ...runningRow('ended', c.id), status: 'done' });
    const failed = await failAbandoned(db, ['ended', 'missing'], () => '2026-06-15T11:00:00.000Z');
    expect(failed).toEqual([]);
    expect((await db.imports.get('ended'))?.status).toBe('done');
  });
});

describe('without Web Locks (Node)', () => {
  it('imports still work and History cannot tell a dead import: it is left as running', async () => {
    expect((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeUndefined();
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, 'email,score\na@example.org,1\n', SPECS)).ok).toBe(true);
    await db.imports.put(runningRow('unknown', c.id));
    const record = (await engine.listImports(c.id)).find((r) => r.id === 'unknown');
    expect(record?.status).toBe('running');
    expect(await failAbandoned(db, ['unknown'], () => '2026-06-15T11:00:00.000Z')).toEqual([]);
  });
});

/** The emails of a campaign's contacts, sorted, and its stored contact count. */
async function contactsOf(engine: Engine, campaignId: string) {
  const page = await engine.queryContacts(campaignId, { offset: 0, limit: 100 });
  const emails = page.rows.map((r) => String(r[0])).sort();
  return { emails, count: (await engine.getCampaign(campaignId))?.contactCount };
}

/** Two tabs (engines on one database) and a campaign holding a@example.org. */
async function twoTabs() {
  const tab1 = setup();
  const c = await tab1.engine.createCampaign('A');
  expect((await importText(tab1.engine, c.id, 'email,score\na@example.org,1\n', SPECS)).ok).toBe(
    true
  );
  return { tab1, tab2: setup(tab1.name), c };
}

describe('one import at a time per campaign, across tabs', () => {
  it('a second tab waits for the first one and merges into what it saved', async () => {
    const locks = installWebLocks();
    const { tab1, tab2, c } = await twoTabs();
    const first = gatedFile('email,score\nb@example.org,2\n', 'first.csv');
    const second = gatedFile('email,score\nc@example.org,3\n', 'second.csv');
    const phasesA: ImportProgress['phase'][] = [];
    const phasesB: ImportProgress['phase'][] = [];
    const a = startImport(tab1.engine, c.id, first.file, phasesA);
    await vi.waitFor(() => expect(locks.isHeld(campaignImportLockName(c.id))).toBe(true));
    const b = startImport(tab2.engine, c.id, second.file, phasesB);
    second.open();
    // B's file is readable, yet B waits: A holds the campaign, paused mid-file.
    await vi.waitFor(() => expect(phasesB).toContain('waiting'));
    expect(phasesB).not.toContain('writing');
    expect(phasesA).not.toContain('waiting');

    first.open();
    const [outA, outB] = await Promise.all([a.outcome, b.outcome]);
    expect(outA).toMatchObject({ ok: true, added: 1 });
    expect(outB).toMatchObject({ ok: true, added: 1 });
    const want = ['a@example.org', 'b@example.org', 'c@example.org'];
    expect(await contactsOf(tab1.engine, c.id)).toEqual({ emails: want, count: 3 });
    expect(await contactsOf(tab2.engine, c.id)).toEqual({ emails: want, count: 3 });
    expect(locks.isHeld(campaignImportLockName(c.id))).toBe(false);
  });

  it('an import waiting for another tab can be cancelled at once, leaving the campaign as is', async () => {
    const locks = installWebLocks();
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, 'email,score\na@example.org,1\n', SPECS)).ok).toBe(true);
    // Another tab's import holds the campaign (and never ends during this test).
    const letGo = await locks.hold(campaignImportLockName(c.id));
    const phases: ImportProgress['phase'][] = [];
    const b = startImport(engine, c.id, csvFile('email,score\nz@example.org,9\n'), phases);
    const idB = await b.id;
    await vi.waitFor(() => expect(phases).toContain('waiting'));
    await engine.cancelImport(idB);
    expect(await b.outcome).toMatchObject({ ok: false, cancelled: true });
    expect(locks.isHeld(importLockName(idB))).toBe(false);
    expect((await engine.listImports(c.id)).find((r) => r.id === idB)?.status).toBe('cancelled');
    expect(await contactsOf(engine, c.id)).toEqual({ emails: ['a@example.org'], count: 1 });
    // Its place in the queue is gone: the other tab's release hands the lock to nobody.
    letGo();
    await vi.waitFor(() => expect(locks.isHeld(campaignImportLockName(c.id))).toBe(false));
  });
});

describe('without Web Locks (Node): the commit guard', () => {
  it('two tabs importing at once keep both files: the later commit builds again on the new data', async () => {
    expect((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeUndefined();
    const { tab1, tab2, c } = await twoTabs();
    const first = gatedFile('email,score\nb@example.org,2\n', 'first.csv');
    const second = gatedFile('email,score\nc@example.org,3\na@example.org,7\n', 'second.csv');
    const phasesB: ImportProgress['phase'][] = [];
    const a = startImport(tab1.engine, c.id, first.file);
    const b = startImport(tab2.engine, c.id, second.file, phasesB);
    await Promise.all([a.id, b.id]);
    // Both have read the campaign as it was; A commits first, then B's file arrives.
    first.open();
    expect(await a.outcome).toMatchObject({ ok: true, added: 1 });
    second.open();
    expect(await b.outcome).toMatchObject({ ok: true, added: 1, updated: 1 });
    // B found the campaign moved on at its commit, said so, and merged into A's rows.
    expect(phasesB).toContain('waiting');
    const want = ['a@example.org', 'b@example.org', 'c@example.org'];
    expect(await contactsOf(tab1.engine, c.id)).toEqual({ emails: want, count: 3 });
    const page = await tab2.engine.queryContacts(c.id, { offset: 0, limit: 10, search: 'a@' });
    expect(page.rows).toEqual([['a@example.org', 7]]);
  });
});
