/**
 * The Slice IndexedDB database: one Dexie class holding every schema version ever shipped.
 * Versions are never edited once released; a new version adds stores/indexes and moves data
 * in its `.upgrade()`. Row types live in the per-table-group modules next to this file.
 */
import Dexie, {
  type DBCore,
  type DexieOptions,
  type EntityTable,
  type Middleware,
  type Table
} from 'dexie';
import { runtimeTimeZone } from '$lib/core/segment/dates';
import type { CampaignRow } from './campaigns';
import type { ChunkRow } from './chunk-store';
import type {
  BatchRow,
  EmailingRow,
  LedgerRow,
  RelayCursorRow,
  RelaySettingsRow,
  SuppressionRow
} from './emailings';
import type { BounceClassRow } from './bounce-classes';
import type { ImportRow, RejectedReportRow } from './imports';
import type { MembershipRow, SegmentRow } from './segments';
import type { TemplateRow } from './templates';

/** Chunk tables are keyed by [campaignId, generation, column, chunk]. */
export type ChunkKey = [string, number, string, number];

/** v1 kept the rejected-rows report inside the import row; v2 moved it to its own table. */
interface ImportRowV1 extends ImportRow {
  rejectedCsv?: string;
}

export class SliceDb extends Dexie {
  campaigns!: EntityTable<CampaignRow, 'id'>;
  columnChunks!: Table<ChunkRow, ChunkKey>;
  eventChunks!: Table<ChunkRow, ChunkKey>;
  imports!: EntityTable<ImportRow, 'id'>;
  rejectedReports!: EntityTable<RejectedReportRow, 'importId'>;
  segments!: EntityTable<SegmentRow, 'id'>;
  memberships!: EntityTable<MembershipRow, 'segmentId'>;
  templates!: EntityTable<TemplateRow, 'id'>;
  emailings!: EntityTable<EmailingRow, 'id'>;
  sendLedger!: Table<LedgerRow, [string, string]>;
  sendBatches!: Table<BatchRow, [string, number]>;
  suppressions!: Table<SuppressionRow, [string, string]>;
  relaySettings!: EntityTable<RelaySettingsRow, 'id'>;
  deliveryChunks!: Table<ChunkRow, ChunkKey>;
  bounceClasses!: Table<BounceClassRow, [string, string]>;
  relayCursors!: EntityTable<RelayCursorRow, 'relay'>;

  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      campaigns: 'id, name',
      columnChunks: '[campaignId+generation+column+chunk], campaignId',
      eventChunks: '[campaignId+generation+column+chunk], campaignId',
      imports: 'id, campaignId, status',
      segments: 'id, campaignId',
      memberships: 'segmentId, campaignId'
    });
    // v2: rejected-row reports can be large; listing imports must not load them.
    this.version(2)
      .stores({
        imports: 'id, campaignId, status, startedAt',
        rejectedReports: 'importId, campaignId'
      })
      .upgrade(async (tx) => {
        const reports: RejectedReportRow[] = [];
        await tx
          .table<ImportRowV1, string>('imports')
          .toCollection()
          .modify((row) => {
            if (row.rejectedCsv !== undefined) {
              reports.push({ importId: row.id, campaignId: row.campaignId, csv: row.rejectedCsv });
              delete row.rejectedCsv;
            }
          });
        await tx.table<RejectedReportRow, string>('rejectedReports').bulkPut(reports);
      });
    // v3: campaigns have a time zone; those stored before get the browser's, the zone their
    // segments were counted in until then (their imported instants are left as they are).
    this.version(3)
      .stores({})
      .upgrade(async (tx) => {
        const zone = runtimeTimeZone();
        await tx
          .table<CampaignRow, string>('campaigns')
          .toCollection()
          .modify((row) => {
            if (typeof row.timeZone !== 'string' || row.timeZone === '') row.timeZone = zone;
          });
      });
    // v4: segment templates, kept apart from campaigns (a template outlives its campaign).
    this.version(4).stores({ templates: 'id, name' });
    // v5: emailings, their send ledger (one row per contact, its state changed in the
    // transaction that records a hand-over) and batches, the suppression list, relay settings.
    this.version(5).stores({
      emailings: 'id, campaignId, status',
      sendLedger:
        '[emailingId+messageId], [emailingId+state], [emailingId+batchNo], campaignId, [campaignId+email]',
      sendBatches: '[emailingId+batchNo], [emailingId+state]',
      suppressions: '[campaignId+email], campaignId',
      relaySettings: 'id'
    });
    // v6: delivery events as column pieces (delivery-chunks.ts), the user's hard/soft class
    // per bounce reason, and the relay events cursor per relay address.
    this.version(6).stores({
      deliveryChunks: '[campaignId+generation+column+chunk], campaignId',
      bounceClasses: '[campaignId+reason], campaignId',
      relayCursors: 'relay'
    });
    // v7: the ledger loses its [emailingId+batchNo] index. Every ledger row is written three
    // times in a send (queued, handed over, result) and each write rewrites every index entry
    // of the row; the rows of a batch are found from its stored body instead (send-service's
    // rowsOfBatch), the only reads that used it.
    this.version(7).stores({
      sendLedger: '[emailingId+messageId], [emailingId+state], campaignId, [campaignId+email]'
    });
  }
}

export const SCHEMA_VERSION = 7;

/**
 * Opens (creating or upgrading) a Slice database. Tests pass fake-indexeddb's `indexedDB` and
 * `IDBKeyRange` through `options`.
 */
export function openSliceDb(name = 'slice', options?: DexieOptions): SliceDb {
  // The query cache clones results for liveQuery, which Slice does not use: with chunk rows of
  // megabytes each it would only cost time and memory.
  const db = new SliceDb(name, {
    cache: 'disabled',
    chromeTransactionDurability: 'relaxed',
    ...options
  });
  db.use(strictCampaignWrites);
  return db;
}

/**
 * Chunk writes are relaxed (fast: a crash before the flip loses only chunks nobody reads), but
 * a write to the campaigns table is what makes data live — the flip of an import to its new
 * generation, a restore, a delete — so it waits for the disk: "Import finished" is never followed
 * by a loss on power cut. Dexie sets durability per database, not per transaction, hence this
 * middleware on its transaction creation.
 */
export const strictCampaignWrites: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'strict-campaign-writes',
  create: (down) => ({
    ...down,
    transaction: (stores, mode, options) =>
      down.transaction(
        stores,
        mode,
        mode === 'readwrite' && stores.includes('campaigns')
          ? { ...options, durability: 'strict' }
          : options
      )
  })
};
