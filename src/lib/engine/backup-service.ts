/**
 * Campaign backups: one campaign written as a backup file (backup.ts holds the format), and a
 * backup restored as a new campaign. The restore writes the chunk generations first and every
 * record with the campaign row last, in one transaction: until that row exists, what was
 * written are orphans that start-up recovery removes, so a failed restore leaves nothing.
 */
import { canonicalTimeZone, runtimeTimeZone, timeZoneProblem } from '$lib/core/segment/dates';
import { campaignTimeZone, newCampaignRow, toSummary, uniqueCampaignName } from '$lib/db/campaigns';
import { BACKUP_RECORD_TABLES, tablesOf } from '$lib/db/campaign-tables';
import { piecesBytes, writeGeneration } from '$lib/db/chunk-store';
import { encodeContactTable } from '$lib/db/column-chunks';
import { writeWholeDelivery } from '$lib/db/delivery-chunks';
import { encodeEventTable } from '$lib/db/event-chunks';
import { isQuotaError, quotaMessage } from '$lib/db/quota';
import type { CampaignSummary } from './api';
import { BackupError, decodeBackup, encodeBackup, remapSegmentIds } from './backup';
import { eventsOf } from './campaign-cache';
import type { CampaignService } from './campaign-service';
import type { DeliveryService } from './delivery-service';
import { isoAt, type EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';

export class BackupService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly campaigns: CampaignService,
    private readonly segments: SegmentService,
    private readonly delivery: DeliveryService
  ) {}

  async exportBackup(campaignId: string): Promise<Blob> {
    const { ctx } = this;
    const { db } = ctx;
    const row = await this.campaigns.require(campaignId);
    const loaded = await ctx.cache.get(campaignId);
    const segmentRows = await this.segments.listSegments(campaignId);
    const memberships = await db.memberships.where('campaignId').equals(campaignId).toArray();
    const importRows = await db.imports.where('campaignId').equals(campaignId).toArray();
    const reports = await db.rejectedReports.where('campaignId').equals(campaignId).toArray();
    const { columns: delivery } = await this.delivery.storedColumns(campaignId);
    const bounceClasses = await db.bounceClasses.where('campaignId').equals(campaignId).toArray();
    return await encodeBackup(
      {
        campaign: {
          name: row.name,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
          isDemo: row.isDemo,
          eventTypes: row.eventTypes,
          timeZone: campaignTimeZone(row)
        },
        contacts: loaded?.contacts ?? null,
        events: row.eventGeneration > 0 && loaded ? await eventsOf(loaded) : null,
        segments: segmentRows.map((s) =>
          s.isDefault ? { ...s, count: null, generatedAt: null } : s
        ),
        memberships: memberships.map((m) => ({
          segmentId: m.segmentId,
          rowCount: m.rowCount,
          count: m.count,
          generatedAt: m.generatedAt,
          bits: m.bits
        })),
        imports: importRows,
        reports: reports.map((r) => ({ importId: r.importId, csv: r.csv })),
        delivery: delivery.count > 0 ? delivery : null,
        bounceClasses: bounceClasses.map((c) => ({ reason: c.reason, bounce: c.bounce }))
      },
      isoAt(ctx)
    );
  }

  async importBackup(file: Blob): Promise<CampaignSummary> {
    const { ctx } = this;
    const { db } = ctx;
    await ctx.ready;
    let content;
    try {
      content = await decodeBackup(file);
    } catch (err) {
      if (err instanceof BackupError) throw new Error(err.message, { cause: err });
      throw new Error('This file is not a readable Slice backup.', { cause: err });
    }
    const id = ctx.newId();
    const name = await uniqueCampaignName(db, content.campaign.name);
    const saved = content.campaign.timeZone;
    const row = {
      ...newCampaignRow(
        id,
        name,
        content.campaign.createdAt,
        content.campaign.isDemo,
        // Backups from before campaigns had zones restore in the browser's.
        timeZoneProblem(saved) === null ? canonicalTimeZone(saved as string) : runtimeTimeZone()
      ),
      updatedAt: content.campaign.updatedAt
    };
    let bytes = 0;
    try {
      if (content.contacts) {
        const pieces = encodeContactTable(content.contacts);
        row.lastGeneration += 1;
        row.contactGeneration = row.lastGeneration;
        row.contactCount = content.contacts.rowCount;
        row.fields = content.contacts.fields;
        row.identity = content.contacts.identity;
        bytes += piecesBytes(pieces);
        await writeGeneration(db.columnChunks, id, row.contactGeneration, pieces);
      }
      if (content.events) {
        const pieces = encodeEventTable(content.events);
        row.lastGeneration += 1;
        row.eventGeneration = row.lastGeneration;
        row.eventCount = content.events.count;
        row.eventTypes = [...content.events.types];
        bytes += piecesBytes(pieces);
        await writeGeneration(db.eventChunks, id, row.eventGeneration, pieces);
      }
      const segmentIds = new Map(content.segments.map((s) => [s.id, ctx.newId()]));
      const importIds = new Map(content.imports.map((r) => [r.id, ctx.newId()]));
      // The campaign row comes last: until it exists, the chunks above are orphans that
      // start-up recovery removes.
      await db.transaction(
        'rw',
        [db.campaigns, db.deliveryChunks, db.bounceClasses, ...tablesOf(db, BACKUP_RECORD_TABLES)],
        async () => {
          if (content.delivery) await writeWholeDelivery(db, id, content.delivery);
          await db.bounceClasses.bulkPut(
            content.bounceClasses.map((c) => ({
              campaignId: id,
              reason: c.reason,
              bounce: c.bounce
            }))
          );
          await db.segments.bulkPut(
            content.segments.map((s) => ({
              ...s,
              id: segmentIds.get(s.id) as string,
              campaignId: id,
              definition: remapSegmentIds(s.definition, segmentIds)
            }))
          );
          await db.memberships.bulkPut(
            content.memberships
              .filter((m) => segmentIds.has(m.segmentId))
              .map((m) => ({
                ...m,
                segmentId: segmentIds.get(m.segmentId) as string,
                campaignId: id
              }))
          );
          await db.imports.bulkPut(
            content.imports.map((r) => ({
              ...r,
              id: importIds.get(r.id) as string,
              campaignId: id
            }))
          );
          await db.rejectedReports.bulkPut(
            content.reports
              .filter((r) => importIds.has(r.importId))
              .map((r) => ({
                importId: importIds.get(r.importId) as string,
                campaignId: id,
                csv: r.csv
              }))
          );
          await db.campaigns.add(row);
        }
      );
    } catch (err) {
      await this.campaigns.deleteCampaign(id).catch(() => undefined);
      if (isQuotaError(err)) throw new Error(quotaMessage(bytes || file.size), { cause: err });
      throw err;
    }
    await this.segments.ensureDefault(id);
    return toSummary(row);
  }
}
