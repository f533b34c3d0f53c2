import { describe, expect, it } from 'vitest';
import { writeGeneration } from '$lib/db/chunk-store';
import { encodeContactTable } from '$lib/db/column-chunks';
import { INTERRUPTED_MESSAGE, runningImportRow } from '$lib/db/imports';
import type { Engine } from '$lib/engine/engine';
import { csvFile, fields, importText, interceptWrites, trackEngines } from './engine-fixture';

const { setup, forget } = trackEngines();

const BASE = ['email,score', 'a@example.org,1', 'b@example.org,2'].join('\n');
const SPECS = { email: 'email', score: 'number' } as const;

/** About 3 MB: several 1 MiB slices, so a cancel lands between them. */
function bigCsv(rows: number): string {
  const lines = ['email,score'];
  for (let i = 0; i < rows; i++) lines.push(`person${i}@example.org,${i}`);
  return lines.join('\n');
}

async function snapshot(engine: Engine, id: string) {
  const campaign = await engine.getCampaign(id);
  const page = await engine.queryContacts(id, { offset: 0, limit: 100 });
  return { campaign, page };
}

describe('an import that does not finish leaves the campaign unchanged', () => {
  it('cancel: stops between slices, writes nothing, records the import as cancelled', async () => {
    const { engine, db } = setup();
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, BASE, SPECS)).ok).toBe(true);
    const before = await snapshot(engine, c.id);
    const chunksBefore = await db.columnChunks.count();

    let cancelled = false;
    const outcome = await engine.importContacts(
      c.id,
      csvFile(bigCsv(120_000)),
      {
        fields: fields(SPECS),
        identity: 'email',
        policy: 'update',
        encoding: 'utf-8',
        delimiter: ','
      },
      (p) => {
        if (!cancelled && p.rows > 0) {
          cancelled = true;
          void engine.cancelImport(p.importId);
        }
      }
    );
    expect(cancelled).toBe(true);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.cancelled).toBe(true);
    expect(outcome.message).toMatch(/cancelled/i);
    expect(await snapshot(engine, c.id)).toEqual(before);
    expect(await db.columnChunks.count()).toBe(chunksBefore);
    const record = (await engine.listImports(c.id)).find((r) => r.id === outcome.importId);
    expect(record?.status).toBe('cancelled');
  });

  it('quota exceeded: fails with a clear message and removes the partial generation', async () => {
    // The browser refusing a chunk write, as IndexedDB reports it (Dexie wraps it).
    let refuse = false;
    let refused = 0;
    const { engine, db } = setup(
      undefined,
      interceptWrites('refuse-chunk-writes', 'columnChunks', (req, write) => {
        if (refuse && req.type === 'put') {
          refused++;
          return Promise.reject(
            new DOMException('The quota has been exceeded.', 'QuotaExceededError')
          );
        }
        return write(req);
      })
    );
    const c = await engine.createCampaign('A');
    expect((await importText(engine, c.id, BASE, SPECS)).ok).toBe(true);
    const before = await snapshot(engine, c.id);
    const chunksBefore = await db.columnChunks.toArray();
    refuse = true;
    const outcome = await importText(engine, c.id, bigCsv(1000), SPECS);
    expect(refused).toBeGreaterThan(0);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.cancelled).toBe(false);
    expect(outcome.message).toMatch(
      /^Not enough storage space: the browser refused to store about \d+ MB\./
    );
    expect(outcome.message).toMatch(/The campaign is unchanged\.$/);
    expect(await snapshot(engine, c.id)).toEqual(before);
    expect((await db.columnChunks.toArray()).map((r) => [r.generation, r.column, r.chunk])).toEqual(
      chunksBefore.map((r) => [r.generation, r.column, r.chunk])
    );
    const record = (await engine.listImports(c.id)).find((r) => r.id === outcome.importId);
    expect(record).toMatchObject({ status: 'failed', message: outcome.message });
  });

  it('closed tab: the next start marks the import failed and removes its orphan chunks', async () => {
    const first = setup();
    const c = await first.engine.createCampaign('A');
    expect((await importText(first.engine, c.id, BASE, SPECS)).ok).toBe(true);
    const before = await snapshot(first.engine, c.id);
    // What a tab closed mid-import leaves: a running record and chunks of a generation that
    // was never flipped in.
    const row = await first.db.campaigns.get(c.id);
    const orphan = (row?.lastGeneration ?? 0) + 1;
    await first.db.campaigns.update(c.id, { lastGeneration: orphan });
    await first.db.imports.put(
      runningImportRow({
        id: 'interrupted',
        campaignId: c.id,
        kind: 'contacts',
        fileName: 'big.csv',
        startedAt: '2026-06-15T09:00:00.000Z'
      })
    );
    await writeGeneration(
      first.db.columnChunks,
      c.id,
      orphan,
      encodeContactTable({
        rowCount: 1,
        identity: 'email',
        fields: [{ name: 'email', type: 'email' }],
        columns: {
          email: { kind: 'string', codes: Uint32Array.from([1]), dict: ['', 'x@example.org'] }
        }
      })
    );
    await first.engine.close();
    forget();

    const second = setup(first.name);
    const report = await second.engine.recovery();
    expect(report.interruptedImports).toEqual(['interrupted']);
    const record = (await second.engine.listImports(c.id)).find((r) => r.id === 'interrupted');
    expect(record).toMatchObject({ status: 'failed', message: INTERRUPTED_MESSAGE });
    expect(record?.finishedAt).not.toBeNull();
    const generations = new Set((await second.db.columnChunks.toArray()).map((r) => r.generation));
    expect([...generations]).toEqual([row?.contactGeneration]);
    expect(await snapshot(second.engine, c.id)).toEqual(before);
  });

  it('events before contacts: refused with a message saying why', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const outcome = await engine.importEvents(
      c.id,
      csvFile(
        'contact,type,target,at\na@example.org,page_view,/x,2026-01-01T10:00:00Z\n',
        'events.csv'
      ),
      {
        mapping: { contact: 'contact', type: 'type', target: 'target', at: 'at', properties: [] },
        encoding: 'utf-8',
        delimiter: ','
      }
    );
    expect(outcome).toMatchObject({ ok: false, cancelled: false });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/Import contacts first/);
  });
});

describe('imports into one campaign', () => {
  it('run one after the other, each merging into what the previous committed', async () => {
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    const [first, second] = await Promise.all([
      importText(engine, c.id, 'email,score\na@example.org,1\nb@example.org,2\n', SPECS),
      importText(engine, c.id, 'email,score\nc@example.org,3\na@example.org,9\n', SPECS)
    ]);
    expect(first).toMatchObject({ ok: true, added: 2 });
    expect(second).toMatchObject({ ok: true, added: 1, updated: 1 });
    const page = await engine.queryContacts(c.id, { offset: 0, limit: 10 });
    expect(page.rows).toEqual([
      ['a@example.org', 9],
      ['b@example.org', 2],
      ['c@example.org', 3]
    ]);
  });
});
