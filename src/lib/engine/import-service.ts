/**
 * Contact and event imports: stream the file (1 MiB slices, papaparse, no per-row objects)
 * into the core importers, then write the result as a new chunk generation and flip the
 * campaign to it in one small transaction. Until the flip nothing the user sees has changed, so
 * a cancel, a failure, a full disk or a closed tab leaves the campaign exactly as before.
 */
import { bomLengthFor } from '$lib/core/csv/detect-encoding';
import { emptyEventTable, type EventTable } from '$lib/core/columns/types';
import { PhaseTimes, timedChunks } from '$lib/core/csv/phase-times';
import {
  createContactImporter,
  createEventImporter,
  parseCsvChunks,
  readBlobText,
  rejectedRowsToCsv,
  type RejectedRowDetail
} from '$lib/core/csv';
import { timeZoneProblem } from '$lib/core/segment/dates';
import {
  allocateGeneration,
  campaignTimeZone,
  getCampaignRow,
  type CampaignRow
} from '$lib/db/campaigns';
import {
  deleteGeneration,
  piecesBytes,
  writeGeneration,
  type ChunkPiece
} from '$lib/db/chunk-store';
import { encodeContactTable } from '$lib/db/column-chunks';
import { encodeEventTable } from '$lib/db/event-chunks';
import {
  getRejectedCsv,
  listImportRows,
  readRejectedRows,
  reportRows,
  runningImportRow,
  type ImportRow
} from '$lib/db/imports';
import { isQuotaError, quotaMessage } from '$lib/db/quota';
import { campaignImportLockName, failAbandoned, importLockName } from '$lib/db/recovery';
import type {
  ContactImportOptions,
  CsvEncoding,
  EventImportOptions,
  ImportOutcome,
  ImportProgress,
  ImportRecord,
  RejectedRow
} from './api';
import { eventsOf, fitEvents } from './campaign-cache';
import {
  errorMessage,
  isAbortError,
  isoAt,
  withLock,
  withQueuedLock,
  type EngineContext
} from './engine-context';
import { ImportProgressReporter } from './import-progress';

const SLICE_BYTES = 1 << 20;

/**
 * How many times an import builds again on newer data when, at its commit, the campaign is no
 * longer at the generations it read (another import committed meanwhile, which the campaign
 * lock prevents wherever Web Locks exist) before it gives up.
 */
const MAX_BUILDS = 3;

type Kind = 'contacts' | 'events';
type Signal = { cancelled: boolean };
type NamedBlob = Blob & { name?: string };

/** Bytes of the byte-order mark at the start of `file` for `encoding` (0 if none). */
export async function bomLengthOf(file: Blob, encoding: CsvEncoding): Promise<number> {
  return bomLengthFor(new Uint8Array(await file.slice(0, 3).arrayBuffer()), encoding);
}

interface RowSink {
  addRows(rows: string[][], lines: number[]): void;
}

class ImportFailure extends Error {}

/** The zone zone-less times are read in: the one the import names, else the campaign's. */
async function readingZone(
  ctx: EngineContext,
  campaignId: string,
  chosen: string | undefined
): Promise<string> {
  if (chosen !== undefined) {
    const problem = timeZoneProblem(chosen);
    if (problem) throw new ImportFailure(`${problem} Nothing was imported.`);
    return chosen;
  }
  const row = await getCampaignRow(ctx.db, campaignId);
  return row ? campaignTimeZone(row) : 'UTC';
}

/** What an import's build step gets: its cancel flag and its progress reporter. */
interface Job {
  signal: Signal;
  progress: ImportProgressReporter;
  phases: PhaseTimes;
}

/** The campaign generations an import read and merged into. */
interface Base {
  contactGeneration: number;
  eventGeneration: number;
}

function baseOf(loaded: { contactGeneration: number; eventGeneration: number } | null): Base {
  return {
    contactGeneration: loaded?.contactGeneration ?? 0,
    eventGeneration: loaded?.eventGeneration ?? 0
  };
}

/**
 * Reads the whole file into the sink made from its header and returns that sink, or 'cancelled';
 * throws an ImportFailure naming the file problem.
 */
async function streamFile<S extends RowSink>(
  file: Blob,
  options: { encoding: CsvEncoding; delimiter: ContactImportOptions['delimiter'] },
  job: Job,
  makeSink: (headers: string[]) => S
): Promise<S | 'cancelled'> {
  const { signal, progress, phases } = job;
  const bomLength = await bomLengthOf(file, options.encoding);
  // Set in the parse callback: the cast keeps TypeScript from narrowing it to null for good.
  let sink = null as S | null;
  const chunks = readBlobText(file, options.encoding, bomLength, SLICE_BYTES, (bytes) => {
    progress.bytesRead = bytes;
  });
  const result = await parseCsvChunks(
    timedChunks(chunks, phases, 'read'),
    { delimiter: options.delimiter, signal, phases },
    (rows, lines) => {
      let from = 0;
      if (!sink) {
        sink = makeSink(rows[0]);
        from = 1;
      }
      if (rows.length > from) {
        const t0 = performance.now();
        sink.addRows(from ? rows.slice(from) : rows, from ? lines.slice(from) : lines);
        phases.add('columns', performance.now() - t0);
        progress.rows += rows.length - from;
      }
      progress.report('reading');
    }
  );
  if (result.cancelled || signal.cancelled) return 'cancelled';
  if (result.problem) {
    const where = result.problem.line ? ` (line ${result.problem.line})` : '';
    const message = result.problem.message;
    throw new ImportFailure(
      `The file cannot be imported: ${message}${message.includes(`line ${result.problem.line}`) ? '' : where}.`
    );
  }
  if (!sink) throw new ImportFailure('The file cannot be imported: it is empty (no header row).');
  return sink;
}

export class ImportService {
  private readonly signals = new Map<string, Signal>();
  /** Aborts an import's wait for its turn (see campaignTurn). */
  private readonly waits = new Map<string, AbortController>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly ctx: EngineContext) {}

  async cancelImport(importId: string): Promise<void> {
    const signal = this.signals.get(importId);
    if (signal) signal.cancelled = true;
    this.waits.get(importId)?.abort();
  }

  /**
   * The campaign's imports, newest first. One still `running` whose lock nobody holds died with
   * the tab that ran it (even one that started after this tab opened): it is marked failed first.
   */
  async listImports(campaignId: string): Promise<ImportRecord[]> {
    const { ctx } = this;
    await ctx.ready;
    const rows = await listImportRows(ctx.db, campaignId);
    const running = rows.filter((r) => r.status === 'running').map((r) => r.id);
    if (running.length === 0) return rows;
    const failed = await failAbandoned(ctx.db, running, () => isoAt(ctx));
    return failed.length > 0 ? listImportRows(ctx.db, campaignId) : rows;
  }

  /** A page of an import's rejected rows as data (line, column, reason). */
  async rejectedRows(
    importId: string,
    page: { offset: number; limit: number }
  ): Promise<{ total: number; rows: RejectedRow[] }> {
    await this.ctx.ready;
    return readRejectedRows(this.ctx.db, importId, page);
  }

  async rejectedReport(importId: string): Promise<string> {
    await this.ctx.ready;
    return (await getRejectedCsv(this.ctx.db, importId)) ?? rejectedRowsToCsv([]);
  }

  importContacts(
    campaignId: string,
    file: NamedBlob,
    options: ContactImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<ImportOutcome> {
    return this.run(campaignId, 'contacts', file, onProgress, async (job) => {
      const timeZone = await readingZone(this.ctx, campaignId, options.timeZone);
      const loaded = await this.ctx.cache.get(campaignId);
      const existing = loaded?.contacts ?? null;
      const importer = await streamFile(file, options, job, (headers) =>
        createContactImporter({
          fields: options.fields,
          headers,
          identity: options.identity,
          policy: options.policy,
          existing: existing ?? undefined,
          delimiter: options.delimiter,
          timeZone
        })
      );
      if (importer === 'cancelled') return 'cancelled';
      const out = importer.finish();
      const base = baseOf(loaded);
      const events = fitEvents(
        loaded ? await eventsOf(loaded) : emptyEventTable(out.table.rowCount),
        out.table.rowCount
      );
      return {
        base,
        pieces: encodeContactTable(out.table),
        table: 'contacts' as const,
        rejected: out.rejected,
        counts: {
          added: out.added,
          updated: out.updated,
          skipped: out.skipped,
          repeatedIds: 0,
          rejected: out.rejected.length,
          newFields: out.newFields
        },
        apply: (row: CampaignRow, generation: number) => ({
          ...row,
          contactGeneration: generation,
          contactCount: out.table.rowCount,
          fields: out.table.fields.map((f) => ({ ...f })),
          identity: out.table.identity
        }),
        install: (row: CampaignRow) => this.ctx.cache.replace(row, out.table, events)
      };
    });
  }

  importEvents(
    campaignId: string,
    file: NamedBlob,
    options: EventImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<ImportOutcome> {
    return this.run(campaignId, 'events', file, onProgress, async (job) => {
      const timeZone = await readingZone(this.ctx, campaignId, options.timeZone);
      const loaded = await this.ctx.cache.get(campaignId);
      const contacts = loaded?.contacts;
      if (!loaded || !contacts || contacts.rowCount === 0) {
        throw new ImportFailure(
          'Import contacts first: events are matched to contacts by their identity, and this campaign has none.'
        );
      }
      const existing = await eventsOf(loaded);
      const importer = await streamFile(file, options, job, (headers) =>
        createEventImporter({ mapping: options.mapping, headers, contacts, existing, timeZone })
      );
      if (importer === 'cancelled') return 'cancelled';
      const out = importer.finish();
      const events: EventTable = out.events;
      return {
        base: baseOf(loaded),
        pieces: encodeEventTable(events),
        table: 'events' as const,
        rejected: out.rejected,
        counts: {
          added: out.added,
          updated: 0,
          skipped: out.skipped,
          repeatedIds: out.repeatedIds,
          rejected: out.rejected.length,
          newFields: []
        },
        apply: (row: CampaignRow, generation: number) => ({
          ...row,
          eventGeneration: generation,
          eventCount: events.count,
          eventTypes: [...events.types]
        }),
        install: (row: CampaignRow) => this.ctx.cache.replace(row, contacts, events)
      };
    });
  }

  /** The shared life of an import: record, lock, stream, write, flip, clean up. */
  private async run(
    campaignId: string,
    kind: Kind,
    file: NamedBlob,
    onProgress: ((p: ImportProgress) => void) | undefined,
    build: (job: Job) => Promise<
      | 'cancelled'
      | {
          /** The generations the build read: the commit refuses to land on any other. */
          base: Base;
          pieces: ChunkPiece[];
          table: Kind;
          /** Rejected records, stored as a report (CSV and rows) when there are any. */
          rejected: RejectedRowDetail[];
          counts: {
            added: number;
            updated: number;
            skipped: number;
            repeatedIds: number;
            rejected: number;
            newFields: string[];
          };
          apply: (row: CampaignRow, generation: number) => CampaignRow;
          install: (row: CampaignRow) => unknown;
        }
    >
  ): Promise<ImportOutcome> {
    const { ctx } = this;
    await ctx.ready;
    const importId = ctx.newId();
    const t0 = ctx.tick();
    const signal: Signal = { cancelled: false };
    const progress = new ImportProgressReporter(importId, file.size, ctx.tick, onProgress);
    const record = runningImportRow({
      id: importId,
      campaignId,
      kind,
      fileName: file.name ?? (kind === 'contacts' ? 'contacts.csv' : 'events.csv'),
      startedAt: isoAt(ctx)
    });
    const fail = async (
      message: string,
      cancelled: boolean,
      rejected = 0
    ): Promise<ImportOutcome> => {
      await ctx.db.imports.put({
        ...record,
        status: cancelled ? 'cancelled' : 'failed',
        finishedAt: isoAt(ctx),
        message,
        rowsRead: progress.rows
      });
      return { ok: false, importId, kind, cancelled, message, rejected };
    };

    if (!(await getCampaignRow(ctx.db, campaignId))) {
      return {
        ok: false,
        importId,
        kind,
        cancelled: false,
        message: 'This campaign does not exist (it may have been deleted).',
        rejected: 0
      };
    }
    const cancelled = () => fail('Import cancelled; the campaign is unchanged.', true);
    /**
     * One build and commit: 'stale' when, at the commit, the campaign is no longer at the
     * generations the build read (nothing is committed then and the new chunks are removed).
     */
    const attempt = async (): Promise<ImportOutcome | 'stale'> => {
      if (signal.cancelled) return cancelled();
      let generation = 0;
      let bytes = 0;
      try {
        const phases = new PhaseTimes();
        const buildStart = performance.now();
        const built = await build({ signal, progress, phases });
        // What the build did after the last row: merging with stored data, finishing columns.
        const streamed = (phases.ms.read ?? 0) + (phases.ms.parse ?? 0) + (phases.ms.columns ?? 0);
        phases.add('finish', Math.max(0, performance.now() - buildStart - streamed));
        if (built === 'cancelled' || signal.cancelled) return await cancelled();
        progress.bytesRead = file.size;
        progress.report('writing', true);
        const table = built.table === 'contacts' ? ctx.db.columnChunks : ctx.db.eventChunks;
        // A file whose every row was rejected, skipped or already imported changes no contact
        // and no event: only its record (and rejected rows) is stored; the campaign, its
        // generation and its segments stay as they were (not "changed since generation").
        const unchanged = built.counts.added === 0 && built.counts.updated === 0;
        bytes = unchanged ? 0 : piecesBytes(built.pieces);
        if (!unchanged) {
          generation = await allocateGeneration(ctx.db, campaignId);
          await phases.timeAsync('write', () =>
            writeGeneration(table, campaignId, generation, built.pieces)
          );
        }
        if (signal.cancelled) {
          await deleteGeneration(table, campaignId, generation);
          return await cancelled();
        }
        const finishedAt = isoAt(ctx);
        const done: ImportRow = {
          ...record,
          status: 'done',
          finishedAt,
          rowsRead: progress.rows,
          added: built.counts.added,
          updated: built.counts.updated,
          skipped: built.counts.skipped,
          rejected: built.counts.rejected
        };
        if (built.counts.repeatedIds > 0) done.repeatedIds = built.counts.repeatedIds;
        const report =
          built.rejected.length > 0
            ? {
                importId,
                campaignId,
                csv: rejectedRowsToCsv(built.rejected),
                rows: reportRows(built.rejected)
              }
            : null;
        let previous = 0;
        let flipped: CampaignRow | null = null;
        let kept = false;
        let stale = false;
        const commitStart = performance.now();
        await ctx.db.transaction(
          'rw',
          [ctx.db.campaigns, ctx.db.imports, ctx.db.rejectedReports],
          async () => {
            const row = await ctx.db.campaigns.get(campaignId);
            if (!row) return;
            // The guard that keeps rows even where no lock could keep imports apart: the
            // build merged into these generations; committing over newer ones would drop
            // whatever the import that wrote them added.
            if (
              row.contactGeneration !== built.base.contactGeneration ||
              row.eventGeneration !== built.base.eventGeneration
            ) {
              stale = true;
              return;
            }
            if (unchanged) {
              kept = true;
            } else {
              previous = built.table === 'contacts' ? row.contactGeneration : row.eventGeneration;
              flipped = { ...built.apply(row, generation), updatedAt: finishedAt };
              await ctx.db.campaigns.put(flipped);
            }
            await ctx.db.imports.put(done);
            if (report !== null) await ctx.db.rejectedReports.put(report);
          }
        );
        if (stale) {
          await deleteGeneration(table, campaignId, generation);
          generation = 0;
          return 'stale';
        }
        if (!flipped && !kept) {
          if (generation > 0) await deleteGeneration(table, campaignId, generation);
          return await fail('The campaign was deleted during the import.', false);
        }
        // Committed: from here on nothing may undo the new generation.
        generation = 0;
        phases.add('commit', performance.now() - commitStart);
        // Recorded after the commit it times; losing it would lose only the explanation.
        await ctx.db.imports
          .update(importId, { phasesMs: phases.rounded() })
          .catch(() => undefined);
        if (flipped) {
          built.install(flipped);
          // An old generation left behind by a failure here is removed at the next start.
          if (previous > 0)
            await deleteGeneration(table, campaignId, previous).catch(() => undefined);
        }
        progress.report('done', true);
        // In the background: the import's result is shown while segments update (their
        // progress and failures are reported by autoUpdateStatus and on each segment).
        if (flipped) void ctx.afterDataChange(campaignId).catch(() => undefined);
        return {
          ok: true,
          importId,
          kind,
          rowsRead: progress.rows,
          added: built.counts.added,
          updated: built.counts.updated,
          skipped: built.counts.skipped,
          repeatedIds: built.counts.repeatedIds,
          rejected: built.counts.rejected,
          newFields: built.counts.newFields,
          durationMs: Math.round(ctx.tick() - t0)
        };
      } catch (err) {
        if (generation > 0) {
          const table = kind === 'contacts' ? ctx.db.columnChunks : ctx.db.eventChunks;
          await deleteGeneration(table, campaignId, generation).catch(() => undefined);
        }
        if (isQuotaError(err)) return await fail(quotaMessage(bytes), false);
        if (err instanceof ImportFailure) return await fail(err.message, false);
        return await fail(
          `The import failed: ${errorMessage(err)}. The campaign is unchanged.`,
          false
        );
      }
    };

    /** The import proper, once its turn has come: built again on newer data if need be. */
    const work = async (): Promise<ImportOutcome> => {
      for (let builds = 1; ; builds++) {
        const outcome = await attempt();
        if (outcome !== 'stale') return outcome;
        if (builds >= MAX_BUILDS) {
          return fail(
            `Other imports into this campaign were saved while this one ran (${builds} times); ` +
              'nothing from this file was saved. Import it again.',
            false
          );
        }
        // Read the file again, merging into what the other import saved.
        progress.rows = 0;
        progress.bytesRead = 0;
        progress.report('waiting', true);
      }
    };

    // The import's Web Lock is taken before its `running` record is saved and let go only
    // after its outcome is written, waiting included: an import `running` while its lock is
    // free died with its tab, which start-up recovery and listImports rely on.
    return withLock(importLockName(importId), async (): Promise<ImportOutcome> => {
      this.signals.set(importId, signal);
      const wait = new AbortController();
      this.waits.set(importId, wait);
      try {
        await ctx.db.imports.put(record);
        // The page learns the import id (to cancel) from this first report.
        progress.report('reading', true);
        return await this.campaignTurn(
          campaignId,
          wait.signal,
          () => progress.report('waiting', true),
          work
        );
      } catch (err) {
        if (isAbortError(err) && signal.cancelled) return cancelled();
        throw err;
      } finally {
        this.waits.delete(importId);
        this.signals.delete(importId);
      }
    });
  }

  /**
   * Runs `work` once no other import into the campaign runs, in this tab or in another, so each
   * import merges into what the previous one committed, never into a stale copy. In this tab a
   * queue keeps them in order; across tabs a Web Lock per campaign does. `onWait` is called
   * when the turn does not come at once; aborting `signal` gives up the wait (AbortError).
   */
  private async campaignTurn<T>(
    campaignId: string,
    signal: AbortSignal,
    onWait: () => void,
    work: () => Promise<T>
  ): Promise<T> {
    const previous = this.queues.get(campaignId);
    let release: () => void = () => undefined;
    const turn = new Promise<void>((resolve) => (release = resolve));
    // Ours resolves once both the previous import and this one are over.
    const queue = (previous ?? Promise.resolve()).then(() => turn);
    this.queues.set(campaignId, queue);
    try {
      let waited = false;
      if (previous) {
        waited = true;
        onWait();
        await untilAborted(previous, signal);
      }
      return await withQueuedLock(
        campaignImportLockName(campaignId),
        { signal, onWait: () => (waited ? undefined : onWait()) },
        work
      );
    } finally {
      release();
      if (this.queues.get(campaignId) === queue) this.queues.delete(campaignId);
    }
  }
}

/** `promise`, or a rejection with an AbortError as soon as `signal` is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortError(): Error {
  const err = new Error('The wait was aborted.');
  err.name = 'AbortError';
  return err;
}
