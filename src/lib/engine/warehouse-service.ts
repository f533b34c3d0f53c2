/**
 * "Export for a database": the campaign's contacts, events and stored memberships in the SQL
 * schema of docs/segments.md, with the schema, the load script and every segment's SQL for
 * DuckDB and PostgreSQL, as one zip (core/warehouse).
 */
import { campaignTimeZone } from '$lib/db/campaigns';
import { listSegmentRows } from '$lib/db/segments';
import { dictEntry } from '$lib/db/column-chunks';
import { warehouseFiles, type WarehouseSegment } from '$lib/core/warehouse/warehouse-files';
import { zipTextFiles } from '$lib/core/warehouse/zip-files';
import type { EvalOptions } from './api';
import { eventsOf } from './campaign-cache';
import type { EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';

export class WarehouseService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly segments: SegmentService
  ) {}

  async exportWarehouse(campaignId: string, options: EvalOptions): Promise<Blob> {
    await this.ctx.ready;
    const loaded = await this.ctx.cache.get(campaignId);
    if (!loaded?.contacts) throw new Error('This campaign has no contacts yet: import some first.');
    const events = await eventsOf(loaded);
    const delivery = (await this.segments.deliveryActivity(loaded)).table;
    const rows = await listSegmentRows(this.ctx.db, campaignId);
    const segments: WarehouseSegment[] = [];
    for (const s of rows) {
      segments.push({
        id: s.id,
        name: s.name,
        kind: s.kind,
        definition: s.definition,
        members: await this.segments.membership(loaded, s.id)
      });
    }
    const parts = zipTextFiles(
      warehouseFiles({
        contacts: loaded.contacts,
        events,
        delivery,
        segments,
        now: Date.parse(options.now),
        timeZone: options.timeZone ?? campaignTimeZone(loaded.campaign),
        dictEntry,
        campaignName: loaded.campaign.name
      })
    );
    return new Blob(parts as BlobPart[], { type: 'application/zip' });
  }
}
