/**
 * Contacts of the loaded campaign: pages of the contacts browser (search, sort, segment) and
 * one contact's detail (attributes, events newest first, segments it is in).
 */
import { and, type Bitset } from '$lib/core/columns/bitset';
import type { ContactDetail, ContactEvent, ContactPage, ContactQuery } from './api';
import { eventsOf } from './campaign-cache';
import { cellValue } from './cell-values';
import { queryContactTable } from './contact-query';
import type { EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';

export class ContactService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly segments: SegmentService
  ) {}

  async queryContacts(campaignId: string, query: ContactQuery): Promise<ContactPage> {
    const { cache } = this.ctx;
    await this.ctx.ready;
    const first = await cache.firstPage(campaignId, query);
    if (first) return first;
    const loaded = await cache.get(campaignId);
    if (!loaded) return { total: 0, offset: query.offset, ids: [], rows: [] };
    let membership: Bitset | null = null;
    if (query.segmentId) {
      membership = await this.segments.membership(loaded, query.segmentId);
      if (!membership) return { total: 0, offset: query.offset, ids: [], rows: [] };
    }
    let filterKey: string | null = null;
    if (query.email) {
      const { bits, key } = await this.segments.emailFilter(loaded, query.email);
      membership = membership ? and(membership, bits) : bits;
      filterKey = key;
    }
    return queryContactTable(loaded.contacts, loaded.derived, query, membership, filterKey);
  }

  async getContact(campaignId: string, id: number): Promise<ContactDetail | null> {
    await this.ctx.ready;
    const loaded = await this.ctx.cache.get(campaignId);
    const table = loaded?.contacts;
    if (!loaded || !table || !Number.isInteger(id) || id < 0 || id >= table.rowCount) return null;
    const attributes = table.fields.map((f) => ({
      field: f.name,
      type: f.type,
      value: cellValue(table.columns[f.name], f.type, id)
    }));
    const ev = await eventsOf(loaded);
    const events: ContactEvent[] = [];
    for (let i = ev.offsets[id + 1] - 1; i >= ev.offsets[id]; i--) {
      const prop = ev.propCodes[i];
      let properties: Record<string, string> | null = null;
      if (prop !== 0) {
        try {
          properties = JSON.parse(ev.props[prop]) as Record<string, string>;
        } catch {
          properties = { value: ev.props[prop] };
        }
      }
      events.push({
        type: ev.types[ev.type[i]],
        target: ev.targets[ev.target[i]],
        at: new Date(ev.at[i]).toISOString(),
        properties
      });
    }
    return { id, attributes, events, segments: await this.segments.segmentsContaining(loaded, id) };
  }
}
