/**
 * The tables whose rows belong to one campaign (each indexed by `campaignId`), written once:
 * deleting a campaign clears them all, a backup carries their records, a restore writes them.
 * A new per-campaign table is added here, and to the backup format if it should travel.
 */
import type { Table } from 'dexie';
import type { SliceDb } from './slice-db';

/** Every table with rows of a campaign, besides `campaigns` itself. */
export const CAMPAIGN_TABLES = [
  'columnChunks',
  'eventChunks',
  'imports',
  'rejectedReports',
  'segments',
  'memberships',
  'emailings',
  'sendLedger',
  'suppressions',
  'deliveryChunks',
  'bounceClasses'
] as const satisfies readonly (keyof SliceDb)[];

/** Those a backup carries as records (the chunk tables travel as contact and event tables). */
export const BACKUP_RECORD_TABLES = [
  'segments',
  'memberships',
  'imports',
  'rejectedReports'
] as const satisfies readonly (typeof CAMPAIGN_TABLES)[number][];

export function tablesOf(
  db: SliceDb,
  names: readonly (typeof CAMPAIGN_TABLES)[number][]
): Table<{ campaignId: string }, unknown>[] {
  return names.map((name) => db[name] as unknown as Table<{ campaignId: string }, unknown>);
}

/** Deletes a campaign and every row of it, in one transaction. */
export async function deleteCampaignRows(db: SliceDb, campaignId: string): Promise<void> {
  const tables = tablesOf(db, CAMPAIGN_TABLES);
  await db.transaction('rw', [db.campaigns, db.sendBatches, ...tables], async () => {
    // Send batches are keyed by emailing, not campaign: found through the emailings first.
    const emailingIds = await db.emailings.where('campaignId').equals(campaignId).primaryKeys();
    for (const e of emailingIds)
      await db.sendBatches.where('[emailingId+state]').between([e, ''], [e, '\uffff']).delete();
    await db.campaigns.delete(campaignId);
    for (const table of tables) await table.where('campaignId').equals(campaignId).delete();
  });
}
