/**
 * The worker's in-memory copy of one campaign: its ContactTable and EventTable read from the
 * current chunk generations, plus what is derived from them (folded dictionaries, sort
 * permutations, query results, segment memberships). Only one campaign is held at a time, to
 * bound memory; opening another drops it. Every use checks the campaign row's generations, so
 * a write from another tab is never served stale.
 */
import { emptyEventTable, type ContactTable, type EventTable } from '$lib/core/columns/types';
import type { Bitset } from '$lib/core/columns/bitset';
import type { CountingColumns, DeliveryColumns } from '$lib/core/analytics/delivery-columns';
import { EvalCache } from '$lib/core/segment';
import { getCampaignRow, type CampaignRow } from '$lib/db/campaigns';
import { readContactTable, readFirstRows, type FirstRows } from '$lib/db/column-chunks';
import { readEventTable } from '$lib/db/event-chunks';
import type { SliceDb } from '$lib/db/slice-db';
import type { ContactPage, ContactQuery } from './api';
import { rowsOf } from './contact-query';

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

/** Rows read ahead of the rest when a campaign is opened: the contacts browser's first pages. */
export const FIRST_ROWS = 2_000;

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
  /**
   * The delivery activity email conditions read (deliveryActivityTable), built from the
   * delivery store at `version`; rebuilt when the store changes.
   */
  deliveryActivity: { version: number; table: EventTable } | null;
}

export function newDerived(): Derived {
  return {
    folded: new Map(),
    sorts: new Map(),
    queries: new Map(),
    deliveryActivity: null,
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
  /**
   * The delivery events of one campaign as stored at `version` (delivery-service.ts owns
   * reading and appending them); held apart from the contacts, which the dashboard does not need.
   * `columns` is null while only what counting needs was read (the dashboard's first read):
   * `counting` is then all that is held, and the whole columns are read when asked for.
   */
  private delivery: {
    campaignId: string;
    version: number;
    columns: DeliveryColumns | null;
    counting: CountingColumns;
  } | null = null;
  /** The first rows of the campaign being opened, until the whole of it is held. */
  private head: { campaignId: string; key: string; promise: Promise<FirstRows> } | null = null;

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
    if (this.delivery?.campaignId !== campaignId) this.delivery = null;
    const promise = this.load(row).then(
      (loaded) => {
        if (this.loading?.key === key) {
          this.loading = null;
          this.current = loaded;
        }
        if (this.head?.campaignId === campaignId) this.head = null;
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

  /**
   * A page of contacts in file order, answered from the campaign's first rows while the campaign
   * is not held yet: opening a campaign then shows its contacts after a few key lookups rather
   * than after every column is read (which starts right behind them). Null when the normal path
   * is to answer: a search, sort or segment, rows past FIRST_ROWS, or the campaign already held.
   */
  async firstPage(campaignId: string, query: ContactQuery): Promise<ContactPage | null> {
    if (query.search?.trim() || query.sort || query.segmentId || query.email) return null;
    const offset = Math.max(0, Math.floor(query.offset || 0));
    const limit = Math.max(0, Math.min(10_000, Math.floor(query.limit || 0)));
    if (offset + limit > FIRST_ROWS) return null;
    const row = await getCampaignRow(this.db, campaignId);
    if (!row || row.contactGeneration === 0) return null;
    const cur = this.current;
    if (cur?.campaign.id === campaignId && cur.contactGeneration === row.contactGeneration) {
      return null;
    }
    const key = `${campaignId}/${row.contactGeneration}`;
    if (this.head?.key !== key) {
      const promise = readFirstRows(this.db, campaignId, row.contactGeneration, FIRST_ROWS);
      this.head = { campaignId, key, promise };
    }
    const pending = this.head.promise;
    let head: FirstRows;
    try {
      head = await pending;
    } catch {
      // The normal path reads again and reports the failure.
      if (this.head?.promise === pending) this.head = null;
      return null;
    }
    // The whole campaign loads behind the first rows; its errors reach whoever needs it.
    this.get(campaignId).catch(() => undefined);
    const end = Math.min(head.rowCount, offset + limit);
    if (end > head.rows) return null;
    const ids: number[] = [];
    for (let i = offset; i < end; i++) ids.push(i);
    return { total: head.rowCount, offset, ids, rows: rowsOf(head.table, ids) };
  }

  /** Starts reading the events of a just-served campaign a little later, if still held. */
  private prefetchEvents(loaded: LoadedCampaign): void {
    if (loaded.events) return;
    setTimeout(() => {
      if (this.current !== loaded || loaded.events) return;
      // Whoever needs the events sees a read failure; nobody waiting is not an error.
      loaded.loadEvents().catch(() => undefined);
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
    if (this.head?.campaignId === row.id) this.head = null;
    this.current = loaded;
    return loaded;
  }

  /** The held campaign if it is `campaignId` (no storage access). */
  peek(campaignId: string): LoadedCampaign | null {
    return this.current?.campaign.id === campaignId ? this.current : null;
  }

  /** The delivery events held for `campaignId`, if they are those of `version`. */
  heldDelivery(campaignId: string, version: number): DeliveryColumns | null {
    const d = this.delivery;
    return d && d.campaignId === campaignId && d.version === version ? d.columns : null;
  }

  /** What counting needs of the delivery events held for `campaignId` at `version`, if held. */
  heldCounting(campaignId: string, version: number): CountingColumns | null {
    const d = this.delivery;
    return d && d.campaignId === campaignId && d.version === version ? d.counting : null;
  }

  /** Holds a campaign's delivery events (dropping another campaign's). */
  holdDelivery(campaignId: string, version: number, columns: DeliveryColumns): void {
    this.delivery = { campaignId, version, columns, counting: columns };
    if (this.current && this.current.campaign.id !== campaignId) this.current = null;
  }

  /** Holds what counting needs of a campaign's delivery events (dropping another campaign's). */
  holdCounting(campaignId: string, version: number, counting: CountingColumns): void {
    this.delivery = { campaignId, version, columns: null, counting };
    if (this.current && this.current.campaign.id !== campaignId) this.current = null;
  }

  dropDelivery(campaignId?: string): void {
    if (!campaignId || this.delivery?.campaignId === campaignId) this.delivery = null;
  }

  drop(campaignId?: string): void {
    this.dropDelivery(campaignId);
    if (!campaignId || this.current?.campaign.id === campaignId) this.current = null;
    if (!campaignId || this.loading?.campaignId === campaignId) this.loading = null;
    if (!campaignId || this.head?.campaignId === campaignId) this.head = null;
  }
}
