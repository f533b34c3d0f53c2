/**
 * Campaigns: list, create (with their default segment), rename, set the time zone, delete
 * (every per-campaign table, db/campaign-tables.ts).
 */
import { canonicalTimeZone, runtimeTimeZone, timeZoneProblem } from '$lib/core/segment/dates';
import {
  getCampaignRow,
  listCampaignRows,
  newCampaignRow,
  toSummary,
  uniqueCampaignName,
  type CampaignRow
} from '$lib/db/campaigns';
import { deleteCampaignRows } from '$lib/db/campaign-tables';
import type { CampaignSummary } from './api';
import { isoAt, type EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';

/** A zone the user chose, canonical; throws a message naming it when it is not a zone. */
export function checkedTimeZone(zone: unknown): string {
  const problem = timeZoneProblem(zone);
  if (problem) throw new Error(problem);
  return canonicalTimeZone(zone as string);
}

export class CampaignService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly segments: SegmentService
  ) {}

  /** The campaign's row; throws a message for the page when it does not exist. */
  async require(id: string): Promise<CampaignRow> {
    await this.ctx.ready;
    const row = await getCampaignRow(this.ctx.db, id);
    if (!row) throw new Error('This campaign does not exist (it may have been deleted).');
    return row;
  }

  async listCampaigns(): Promise<CampaignSummary[]> {
    await this.ctx.ready;
    return (await listCampaignRows(this.ctx.db)).map(toSummary);
  }

  async getCampaign(id: string): Promise<CampaignSummary | null> {
    await this.ctx.ready;
    const row = await getCampaignRow(this.ctx.db, id);
    return row ? toSummary(row) : null;
  }

  async createCampaign(name: string, isDemo = false, timeZone?: string): Promise<CampaignSummary> {
    const { ctx } = this;
    await ctx.ready;
    const zone = timeZone === undefined ? runtimeTimeZone() : checkedTimeZone(timeZone);
    const clean = name.trim() || 'Untitled campaign';
    const row = newCampaignRow(
      ctx.newId(),
      await uniqueCampaignName(ctx.db, clean),
      isoAt(ctx),
      isDemo,
      zone
    );
    await ctx.db.campaigns.add(row);
    await this.segments.ensureDefault(row.id);
    return toSummary(row);
  }

  async renameCampaign(id: string, name: string): Promise<CampaignSummary> {
    await this.require(id);
    const clean = name.trim();
    if (!clean) throw new Error('A campaign needs a name.');
    await this.ctx.db.campaigns.update(id, { name: clean, updatedAt: isoAt(this.ctx) });
    return toSummary(await this.require(id));
  }

  async setCampaignTimeZone(id: string, timeZone: string): Promise<CampaignSummary> {
    await this.require(id);
    const zone = checkedTimeZone(timeZone);
    await this.ctx.db.campaigns.update(id, { timeZone: zone, updatedAt: isoAt(this.ctx) });
    // Memberships of automatic segments depend on the zone (days, windows, ages).
    await this.ctx.afterDataChange(id).catch(() => undefined);
    return toSummary(await this.require(id));
  }

  async deleteCampaign(id: string): Promise<void> {
    await this.ctx.ready;
    this.ctx.cache.drop(id);
    await deleteCampaignRows(this.ctx.db, id);
  }
}
