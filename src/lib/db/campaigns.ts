/**
 * Campaign rows: the summary the UI lists plus which generation of contact and event chunks is
 * current. Flipping a generation is one small transaction, which is what makes imports
 * all-or-nothing: chunks of a generation that is not current are never read.
 */
import { isValidTimeZone, runtimeTimeZone } from '$lib/core/segment/dates';
import type { CampaignSummary } from '$lib/engine/api';
import type { SliceDb } from './slice-db';

export interface CampaignRow extends CampaignSummary {
  /** Generation of the current contact chunks; 0 = no contacts yet. */
  contactGeneration: number;
  /** Generation of the current event chunks; 0 = no events yet. */
  eventGeneration: number;
  /** Last generation number handed out for this campaign (contacts and events share it). */
  lastGeneration: number;
}

export function toSummary(row: CampaignRow): CampaignSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    contactCount: row.contactCount,
    eventCount: row.eventCount,
    fields: row.fields.map((f) => ({ ...f })),
    identity: row.identity,
    eventTypes: [...row.eventTypes],
    isDemo: row.isDemo,
    timeZone: campaignTimeZone(row)
  };
}

/**
 * The campaign's zone. Rows from before zones existed get the browser's at the v3 upgrade;
 * this read-time default covers a row written by an older tab still open during the upgrade.
 */
export function campaignTimeZone(row: Pick<CampaignRow, 'timeZone'>): string {
  return isValidTimeZone(row.timeZone) ? row.timeZone : runtimeTimeZone();
}

export function newCampaignRow(
  id: string,
  name: string,
  at: string,
  isDemo = false,
  timeZone = runtimeTimeZone()
): CampaignRow {
  return {
    id,
    name,
    createdAt: at,
    updatedAt: at,
    contactCount: 0,
    eventCount: 0,
    fields: [],
    identity: null,
    eventTypes: [],
    isDemo,
    timeZone,
    contactGeneration: 0,
    eventGeneration: 0,
    lastGeneration: 0
  };
}

export async function listCampaignRows(db: SliceDb): Promise<CampaignRow[]> {
  const rows = await db.campaigns.toArray();
  return rows.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name)
  );
}

export function getCampaignRow(db: SliceDb, id: string): Promise<CampaignRow | undefined> {
  return db.campaigns.get(id);
}

/** Hands out a fresh generation number for a write that is about to start. */
export function allocateGeneration(db: SliceDb, campaignId: string): Promise<number> {
  return db.transaction('rw', db.campaigns, async () => {
    const row = await db.campaigns.get(campaignId);
    if (!row) throw new Error(`Campaign ${campaignId} does not exist.`);
    const generation = row.lastGeneration + 1;
    await db.campaigns.update(campaignId, { lastGeneration: generation });
    return generation;
  });
}

/** A name not used by any other campaign: `name`, else `name (2)`, `name (3)`... */
export async function uniqueCampaignName(db: SliceDb, name: string): Promise<string> {
  const taken = new Set((await db.campaigns.toArray()).map((c) => c.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`;
    if (!taken.has(candidate)) return candidate;
  }
}
