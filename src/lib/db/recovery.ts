/**
 * Start-up repair after a tab closed mid-write: imports still `running` are marked failed, and
 * chunks of generations that are not current (a write that never got flipped in, or an old
 * generation not yet deleted) are removed. Imports still running in another tab hold a Web
 * Lock named importLockName(id); those and their campaigns are left alone. Later on, the
 * History view asks again (failAbandoned) for imports still shown as running.
 */
import { deleteOtherGenerations } from './chunk-store';
import { INTERRUPTED_MESSAGE } from './imports';
import type { SliceDb } from './slice-db';

export function importLockName(importId: string): string {
  return `slice:import:${importId}`;
}

/**
 * The Web Lock an import holds from when it starts reading its file until its commit: one
 * import at a time per campaign across every tab, so that each merges into what the previous
 * one saved instead of overwriting it.
 */
export function campaignImportLockName(campaignId: string): string {
  return `slice:campaign-import:${campaignId}`;
}

export interface RecoveryReport {
  interruptedImports: string[];
  /** Imports another tab was still running (it held their lock) at start. */
  liveImports: string[];
  deletedChunks: number;
}

export async function recoverAtStart(
  db: SliceDb,
  nowIso: string,
  heldLocks: ReadonlySet<string> = new Set()
): Promise<RecoveryReport> {
  const running = await db.imports.where('status').equals('running').toArray();
  const live = running.filter((r) => heldLocks.has(importLockName(r.id)));
  const dead = running.filter((r) => !heldLocks.has(importLockName(r.id)));
  const busyCampaigns = new Set(live.map((r) => r.campaignId));
  if (dead.length > 0) {
    await db.imports.bulkUpdate(
      dead.map((r) => ({
        key: r.id,
        changes: { status: 'failed' as const, finishedAt: nowIso, message: INTERRUPTED_MESSAGE }
      }))
    );
  }

  let deletedChunks = 0;
  const campaigns = new Map((await db.campaigns.toArray()).map((c) => [c.id, c]));
  for (const [table, generationOf] of [
    [db.columnChunks, (c: { contactGeneration: number }) => c.contactGeneration],
    [db.eventChunks, (c: { eventGeneration: number }) => c.eventGeneration]
  ] as const) {
    const campaignIds = (await table.orderBy('campaignId').uniqueKeys()) as string[];
    for (const campaignId of campaignIds) {
      if (busyCampaigns.has(campaignId)) continue;
      const campaign = campaigns.get(campaignId);
      deletedChunks += await deleteOtherGenerations(
        table,
        campaignId,
        campaign ? [generationOf(campaign)] : []
      );
    }
  }
  return {
    interruptedImports: dead.map((r) => r.id),
    liveImports: live.map((r) => r.id),
    deletedChunks
  };
}

/**
 * Waits for the lock of each import another tab was running at start. The running tab writes
 * the import's outcome before it lets go of the lock, so an import still `running` once the
 * lock is granted died with its tab (closed mid-import) and is marked failed; without this it
 * would show as running in this tab until the next start.
 */
export function failWhenReleased(db: SliceDb, importIds: string[], nowIso: () => string): void {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.request) return;
  for (const id of importIds) {
    locks
      .request(importLockName(id), () =>
        db.transaction('rw', db.imports, async () => {
          const row = await db.imports.get(id);
          if (row?.status !== 'running') return;
          await db.imports.update(id, {
            status: 'failed',
            finishedAt: nowIso(),
            message: INTERRUPTED_MESSAGE
          });
        })
      )
      .catch(() => undefined);
  }
}

/**
 * Marks failed each of the `running` imports `importIds` whose lock is free right now, and
 * returns their ids. An import takes its lock before its `running` record is saved and writes
 * its outcome before it lets go, so a free lock means its tab closed mid-import; this catches
 * imports that started after this tab's own start (which failWhenReleased does not watch).
 * The status is read again while holding the lock: an import that has just finished is left
 * as it ended. Where Web Locks do not exist, nothing can be told apart and nothing changes.
 */
export async function failAbandoned(
  db: SliceDb,
  importIds: string[],
  nowIso: () => string
): Promise<string[]> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.request || importIds.length === 0) return [];
  const failed: string[] = [];
  await Promise.all(
    importIds.map((id) =>
      locks
        .request(importLockName(id), { ifAvailable: true }, async (lock) => {
          if (!lock) return;
          await db.transaction('rw', db.imports, async () => {
            const row = await db.imports.get(id);
            if (row?.status !== 'running') return;
            await db.imports.update(id, {
              status: 'failed',
              finishedAt: nowIso(),
              message: INTERRUPTED_MESSAGE
            });
            failed.push(id);
          });
        })
        .catch(() => undefined)
    )
  );
  return failed;
}

/** Names of the Web Locks currently held or requested (empty where Web Locks do not exist). */
export async function heldLockNames(): Promise<Set<string>> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.query) return new Set();
  const snapshot = await locks.query();
  const names = [...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((l) => l.name ?? '');
  return new Set(names);
}
