/**
 * A finished import is on disk: the transaction that flips a campaign to its new generation is
 * created with strict durability, while chunk writes stay relaxed. Observed on the IndexedDB
 * transactions themselves (fake-indexeddb keeps the durability each was created with).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csvFile, EVENT_OPTIONS, importText, trackEngines } from '../engine/engine-fixture';

const { setup } = trackEngines();

interface Seen {
  stores: string[];
  mode: IDBTransactionMode;
  durability: IDBTransactionDurability;
}

function watchTransactions(): Seen[] {
  const seen: Seen[] = [];
  const original = IDBDatabase.prototype.transaction;
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    const tx = original.apply(this, args);
    seen.push({ stores: [...tx.objectStoreNames], mode: tx.mode, durability: tx.durability });
    return tx;
  });
  return seen;
}

afterEach(() => vi.restoreAllMocks());

describe('transaction durability', () => {
  it('commits the flip of an import strictly, writes chunks relaxed', async () => {
    // Dexie binds IDBDatabase.transaction when it opens: watch before the engine starts.
    const seen = watchTransactions();
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    expect(
      (await importText(engine, c.id, 'email,name\nana@example.com,Ana', { email: 'email' })).ok
    ).toBe(true);
    seen.length = 0;
    const file = csvFile(
      'contact,type,target,at,amount\nana@example.com,page_view,/x,2026-06-01T10:00:00Z,',
      'events.csv'
    );
    expect(await engine.importEvents(c.id, file, EVENT_OPTIONS)).toMatchObject({ ok: true });
    const writes = seen.filter((t) => t.mode === 'readwrite');
    const flip = writes.filter(
      (t) => t.stores.includes('campaigns') && t.stores.includes('imports')
    );
    expect(flip).toHaveLength(1);
    expect(flip[0].durability).toBe('strict');
    const chunks = writes.filter((t) => t.stores.includes('eventChunks'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const t of chunks) expect(t.durability).toBe('relaxed');
  });

  it('commits a contacts import strictly too', async () => {
    const seen = watchTransactions();
    const { engine } = setup();
    const c = await engine.createCampaign('A');
    seen.length = 0;
    expect(
      (await importText(engine, c.id, 'email,name\nana@example.com,Ana', { email: 'email' })).ok
    ).toBe(true);
    const flip = seen.filter(
      (t) =>
        t.mode === 'readwrite' && t.stores.includes('campaigns') && t.stores.includes('imports')
    );
    expect(flip.map((t) => t.durability)).toEqual(['strict']);
    const chunks = seen.filter((t) => t.mode === 'readwrite' && t.stores.includes('columnChunks'));
    expect(chunks.every((t) => t.durability === 'relaxed')).toBe(true);
  });
});
