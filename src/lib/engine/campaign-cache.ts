/**
 * The worker's in-memory copy of one campaign: its ContactTable and EventTable read from the
 * current chunk generations, plus what is derived from them (folded dictionaries, sort
 * permutations, query results, segment memberships). Only one campaign is held at a time, to
 * bound memory; opening another drops it. Every use checks the campaign row's generations, so
 * a write from another tab is never served stale.
 */
import { emptyEventTable, type ContactTable, type EventTable } from '$lib/core/columns/types';
import type { Bitset } from '$lib/core/columns/bitset';
import { EvalCache } from '$lib/core/segment';
import { getCampaignRow, type CampaignRow } from '$lib/db/campaigns';
import { readContactTable } from '$lib/db/column-chunks';
import { readEventTable } from '$lib/db/event-chunks';
import type { SliceDb } from '$lib/db/slice-db';

export interface LoadedCampaign {
  campaign: CampaignRow;
  contactGeneration: number;
  eventGeneration: number;
  contacts: ContactTable | null;
  /**
   * Events once read. They are read only when something needs them, or in the background a
   * moment after the contacts are served, so that the contacts browser's first page and
   * attribute-only counts never wait for (or compete with) them; use eventsOf() to get them.
   */
  events: EventTable | null;
  /** Starts reading the events (once) and resolves to them. */
  loadEvents: () => Promise<EventTable>;
  /** An empty event table (stable object) for evaluations that use no events. */
  noEvents: EventTable;
  derived: Derived;
}

/** The campaign's events, waiting for them to be read if need be. */
export function eventsOf(loaded: LoadedCampaign): Promise<EventTable> {
  return loaded.events ? Promise.resolve(loaded.events) : loaded.loadEvents();
}

/**
 * How long after a campaign is first served its events start loading in the background: long
 * enough for the page to receive and draw the first contacts before decoding them takes the CPU.
 */
export const EVENTS_PREFETCH_DELAY_MS = 300;

/** Things computed from the tables, dropped with them. */
export interface Derived {
  folded: Map<string, string[]>;
  sorts: Map<string, Uint32Array>;
  /** A few recent query results (ordered row ids), by query key. */
  queries: Map<string, Uint32Array>;
  /** Stored memberships sized to the current row count, by segment id; null = none stored. */
  memberships: Map<string, Bitset | null>;
  /** Per-condition results the segment evaluator reuses between live counts. */
  evaluation: EvalCache;
}

export function newDerived(): Derived {
  return {
    folded: new Map(),
    sorts: new Map(),
    queries: new Map(),
    memberships: new Map(),
    evaluation: new EvalCache()
  };
}

/** Events whose offsets cover `rowCount` contacts (appended contacts have none). */
export function fitEvents(events: EventTable, rowCount: number): EventTable {
  const have = events.offsets.length - 1;
  if (have === rowCount) return events;
  const offsets = new Uint32Array(rowCount + 1);
  offsets.set(events.offsets.subarray(0, Math.min(have, rowCount) + 1));
  if (rowCount > have) offsets.fill(events.offsets[have], have + 1);
  return { ...events, offsets };
}

export class CampaignCache {
  private current: LoadedCampaign | null = null;
  private loading: { campaignId: string; key: string; promise: Promise<LoadedCampaign> } | null =
    null;

  constructor(private readonly db: SliceDb) {}

  /** The loaded campaign, reading it from storage when it is not the one held. */
  async get(campaignId: string): Promise<LoadedCampaign | null> {
    const row = await getCampaignRow(this.db, campaignId);
    if (!row) {
      if (this.current?.campaign.id === campaignId) this.current = null;
      return null;
    }
    const cur = this.current;
    if (
      cur &&
      cur.campaign.id === campaignId &&
      cur.contactGeneration === row.contactGeneration &&
      cur.eventGeneration === row.eventGeneration
    ) {
      cur.campaign = row;
      return cur;
    }
    const key = `${campaignId}/${row.contactGeneration}/${row.eventGeneration}`;
    if (this.loading?.key === key) return this.loading.promise;
    // Drop the previous campaign before reading the next: never two in memory.
    this.current = null;
    const promise = this.load(row).then(
      (loaded) => {
        if (this.loading?.key === key) {
          this.loading = null;
          this.current = loaded;
        }
        this.prefetchEvents(loaded);
        return loaded;
      },
      (err) => {
        if (this.loading?.key === key) this.loading = null;
        throw err;
      }
    );
    this.loading = { campaignId, key, promise };
    return promise;
  }

  /** Starts reading the events of a just-served campaign a little later, if still held. */
  private prefetchEvents(loaded: LoadedCampaign): void {
    if (loaded.events) return;
    setTimeout(() => {
      if (this.current !== loaded || loaded.events) return;
      // Whoever needs the events sees a read failure; nobody waiting is not an error.
      console.log('[cold] events start', Math.round(performance.timeOrigin + performance.now()) % 100000);
      loaded.loadEvents().then(() => console.log('[cold] events end', Math.round(performance.timeOrigin + performance.now()) % 100000)).catch(() => undefined);
    }, EVENTS_PREFETCH_DELAY_MS);
  }

  private async load(row: CampaignRow): Promise<LoadedCampaign> {
    const contacts =
      row.contactGeneration > 0
        ? await readContactTable(this.db, row.id, row.contactGeneration)
        : null;
    const rowCount = contacts?.rowCount ?? 0;
    const noEvents = emptyEventTable(rowCount);
    let reading: Promise<EventTable> | null = null;
    const loaded: LoadedCampaign = {
      campaign: row,
      contactGeneration: row.contactGeneration,
      eventGeneration: row.eventGeneration,
      contacts,
      events: row.eventGeneration > 0 ? null : noEvents,
      loadEvents: () => {
        if (loaded.events) return Promise.resolve(loaded.events);
        if (!reading) {
          reading = readEventTable(this.db, row.id, row.eventGeneration, rowCount).then(
            (events) => (loaded.events = events),
            (err: unknown) => {
              // A failed read may be retried by the next caller.
              reading = null;
              throw err;
            }
          );
        }
        return reading;
      },
      noEvents,
      derived: newDerived()
    };
    return loaded;
  }

  /** Installs tables just written (after an import), so the next read needs no storage. */
  replace(row: CampaignRow, contacts: ContactTable | null, events: EventTable): LoadedCampaign {
    const previous = this.current?.campaign.id === row.id ? this.current : null;
    const rowCount = contacts?.rowCount ?? 0;
    const fitted = fitEvents(events, rowCount);
    const loaded: LoadedCampaign = {
      campaign: row,
      contactGeneration: row.contactGeneration,
      eventGeneration: row.eventGeneration,
      contacts,
      events: fitted,
      loadEvents: () => Promise.resolve(fitted),
      noEvents: emptyEventTable(rowCount),
      derived: newDerived()
    };
    // Memberships do not depend on the tables' content, only on their size.
    if (previous && previous.contacts?.rowCount === contacts?.rowCount) {
      loaded.derived.memberships = previous.derived.memberships;
    }
    this.loading = null;
    this.current = loaded;
    return loaded;
  }

  /** The held campaign if it is `campaignId` (no storage access). */
  peek(campaignId: string): LoadedCampaign | null {
    return this.current?.campaign.id === campaignId ? this.current : null;
  }

  drop(campaignId?: string): void {
    if (!campaignId || this.current?.campaign.id === campaignId) this.current = null;
    if (!campaignId || this.loading?.campaignId === campaignId) this.loading = null;
  }
}
