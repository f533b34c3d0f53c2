/**
 * Importing an email provider's delivery-event export (SendGrid, Mailgun, or the Slice events
 * format) into a campaign's delivery events. The preset is recognised from the header and may
 * be overridden; each row is matched to its contact through the send ledger's message ids, else
 * by email address. Rows that match no contact are still stored (without a contact, so the
 * figures count the whole file) and listed; rows that cannot be read and event types the preset
 * does not know are listed and not stored — nothing is dropped silently. The events, the import
 * record, its report and the suppressions (hard bounces, unsubscribes, complaints) are written
 * in one transaction at the end: cancelled, failed or refused, the import changes nothing.
 * Importing the same file again adds nothing (the store leaves out events it already holds).
 */
import { bomLengthOf } from './import-service';
import {
  DELIVERY_KINDS,
  detectPreset,
  presetLabel,
  readDeliveryCells,
  resolveColumns
} from '$lib/core/analytics';
import type { DeliveryPreset } from '$lib/core/analytics/presets';
import { scanCsvRecords } from '$lib/core/csv/csv-records';
import { normaliseEmail, isValidEmail } from '$lib/core/csv/email';
import { parseDateTime } from '$lib/core/csv/parse-date';
import { previewCsv } from '$lib/core/csv/preview-csv';
import { readBlobText } from '$lib/core/csv/read-blob-text';
import type { RejectedRowDetail } from '$lib/core/csv/import-rows';
import { rejectedRowsToCsv } from '$lib/core/csv/write-csv';
import { timeZoneProblem, zoneClock } from '$lib/core/segment/dates';
import type { ContactTable } from '$lib/core/columns/types';
import { campaignTimeZone, getCampaignRow } from '$lib/db/campaigns';
import { DeliveryStoreChanged } from '$lib/db/delivery-chunks';
import type { SuppressionReason, SuppressionRow } from '$lib/db/emailings';
import { reportRows, runningImportRow, type ImportRow } from '$lib/db/imports';
import { isQuotaError, quotaMessage } from '$lib/db/quota';
import { importLockName } from '$lib/db/recovery';
import type { CsvEncoding, Delimiter, ImportProgress } from './api';
import type {
  DeliveryFilePreview,
  DeliveryImportOptions,
  DeliveryImportOutcome
} from './delivery-api';
import type { DeliveryService, MatchedEvent } from './delivery-service';
import { errorMessage, isoAt, withLock, type EngineContext } from './engine-context';
import { emailField, fieldText } from './emailing-render';
import { ImportProgressReporter } from './import-progress';
import type { SuppressionService } from './suppression-service';

const SLICE_BYTES = 1 << 20;
const KIND = {
  bounced: DELIVERY_KINDS.indexOf('bounced'),
  unsubscribed: DELIVERY_KINDS.indexOf('unsubscribed'),
  complained: DELIVERY_KINDS.indexOf('complained')
};
/** Rows listed in detail in an import's report; the rest are counted. */
const MAX_LISTED = 10_000;
const HAS_ZONE = /(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$/i;

/** The role each preset column plays, in words the mapping step shows. */
const ROLE_LABELS: Record<string, string> = {
  contact: 'Recipient (email)',
  type: 'Event type',
  at: 'Time',
  emailing: 'Emailing / campaign',
  messageId: 'Message id',
  bounce: 'Bounce class',
  reason: 'Reason',
  url: 'Clicked URL',
  machine: 'Machine flag',
  userAgent: 'User agent',
  eventId: 'Event id'
};

type NamedBlob = Blob & { name?: string };

class DeliveryImportFailure extends Error {}

/** Contact rows by normalised email (the first row of an address wins). */
function contactsByEmail(table: ContactTable | null): Map<string, number> {
  const map = new Map<string, number>();
  const field = emailField(table);
  if (!table || !field) return map;
  const column = table.columns[field];
  if (column.kind === 'string') {
    const byCode = new Int32Array(column.dict.length).fill(-1);
    for (let r = 0; r < table.rowCount; r++) {
      const c = column.codes[r];
      if (byCode[c] === -1) byCode[c] = r;
    }
    for (let c = 1; c < column.dict.length; c++) {
      if (byCode[c] === -1) continue;
      const email = normaliseEmail(column.dict[c]);
      if (!map.has(email)) map.set(email, byCode[c]);
    }
    return map;
  }
  for (let r = 0; r < table.rowCount; r++) {
    const email = normaliseEmail(fieldText(table, r, field));
    if (email && !map.has(email)) map.set(email, r);
  }
  return map;
}

export class DeliveryImportService {
  private readonly signals = new Map<string, AbortController>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly delivery: DeliveryService,
    private readonly suppressions: SuppressionService
  ) {}

  /** The file's encoding, delimiter, first rows, the preset recognised and the columns it maps. */
  async previewDelivery(
    file: NamedBlob,
    overrides: { encoding?: CsvEncoding; delimiter?: Delimiter; preset?: DeliveryPreset } = {}
  ): Promise<DeliveryFilePreview> {
    const preview = await previewCsv(file, 'events', file.name ?? '', overrides);
    const base = {
      fileName: preview.fileName,
      size: preview.size,
      encoding: preview.encoding,
      delimiter: preview.delimiter,
      headers: preview.headers,
      sampleRows: preview.sampleRows
    };
    if (preview.problem)
      return { ...base, detected: null, preset: null, mapped: [], problem: preview.problem };
    const detected = detectPreset(preview.headers);
    const preset = overrides.preset ?? detected;
    if (!preset) {
      return {
        ...base,
        detected,
        preset: null,
        mapped: [],
        problem: {
          line: 1,
          message:
            'the header is not one of a Slice events file (contact, type, at), a SendGrid event export (email, event, timestamp) or a Mailgun event export (recipient, event, timestamp)'
        }
      };
    }
    const resolved = resolveColumns(preset, preview.headers);
    if ('missing' in resolved) {
      return {
        ...base,
        detected,
        preset,
        mapped: [],
        problem: {
          line: 1,
          message: `a ${presetLabel(preset)} needs the column(s) ${resolved.missing.join(', ')}`
        }
      };
    }
    const mapped = Object.entries(resolved.columns)
      .filter(([, at]) => at >= 0)
      .map(([role, at]) => ({
        role,
        label: ROLE_LABELS[role] ?? role,
        column: preview.headers[at]
      }));
    return { ...base, detected, preset, mapped };
  }

  async cancelDeliveryImport(importId: string): Promise<void> {
    this.signals.get(importId)?.abort();
  }

  async importDelivery(
    campaignId: string,
    file: NamedBlob,
    options: DeliveryImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<DeliveryImportOutcome> {
    const { ctx } = this;
    await ctx.ready;
    const importId = ctx.newId();
    const controller = new AbortController();
    this.signals.set(importId, controller);
    const progress = new ImportProgressReporter(importId, file.size, ctx.tick, onProgress);
    const record = runningImportRow({
      id: importId,
      campaignId,
      kind: 'delivery',
      fileName: file.name ?? 'delivery-events.csv',
      startedAt: isoAt(ctx)
    });
    const t0 = ctx.tick();
    const fail = async (message: string, cancelled: boolean): Promise<DeliveryImportOutcome> => {
      await ctx.db.imports
        .put({
          ...record,
          status: cancelled ? 'cancelled' : 'failed',
          finishedAt: isoAt(ctx),
          message,
          rowsRead: progress.rows
        })
        .catch(() => undefined);
      return { ok: false, importId, cancelled, message };
    };
    try {
      const row = await getCampaignRow(ctx.db, campaignId);
      if (!row)
        return { ok: false, importId, cancelled: false, message: 'This campaign does not exist.' };
      await ctx.db.imports.put(record);
      return await withLock(importLockName(importId), async () => {
        try {
          return await this.run(campaignId, file, options, record, progress, controller.signal, t0);
        } catch (err) {
          if (controller.signal.aborted)
            return fail('Import cancelled; the campaign is unchanged.', true);
          if (err instanceof DeliveryImportFailure) return fail(err.message, false);
          if (isQuotaError(err)) return fail(quotaMessage(file.size), false);
          return fail(`The import failed: ${errorMessage(err)}. The campaign is unchanged.`, false);
        }
      });
    } finally {
      this.signals.delete(importId);
    }
  }

  private async run(
    campaignId: string,
    file: NamedBlob,
    options: DeliveryImportOptions,
    record: ImportRow,
    progress: ImportProgressReporter,
    signal: AbortSignal,
    t0: number
  ): Promise<DeliveryImportOutcome> {
    const { ctx } = this;
    const row = await getCampaignRow(ctx.db, campaignId);
    const zone = options.timeZone ?? (row ? campaignTimeZone(row) : 'UTC');
    const zoneProblem = timeZoneProblem(zone);
    if (zoneProblem) throw new DeliveryImportFailure(`${zoneProblem} Nothing was imported.`);
    const clock = zoneClock(zone);
    const parseTime = (raw: string) => {
      const t = parseDateTime(raw, 'ymd');
      if (Number.isNaN(t) || HAS_ZONE.test(raw)) return t;
      return clock.wallToInstant(t);
    };
    const loaded = await ctx.cache.get(campaignId);
    const byEmail = contactsByEmail(loaded?.contacts ?? null);
    // This campaign's sent messages: provider ids that are Slice's own match exactly.
    const ledger = new Map<string, { contactId: number; emailingId: string }>();
    await ctx.db.sendLedger
      .where('campaignId')
      .equals(campaignId)
      .each((r) => {
        if (r.state !== 'skipped')
          ledger.set(r.messageId, { contactId: r.contactId, emailingId: r.emailingId });
      });

    const events: MatchedEvent[] = [];
    // Opens and clicks carrying a provider event id seen earlier in the file are one event
    // (as slice report counts them).
    const seenIds = new Set<string>();
    let repeated = 0;
    const listed: RejectedRowDetail[] = [];
    const unknownTypes: Record<string, number> = {};
    let unreadable = 0;
    let unmatched = 0;
    let headers: string[] | null = null;
    let preset: DeliveryPreset | null = null;
    let columns: Record<string, number> = {};
    let fileProblem: string | null = null;
    const rowOptions = { parseTime };
    const list = (detail: RejectedRowDetail) => {
      if (listed.length < MAX_LISTED) listed.push(detail);
    };

    const chunks = readBlobText(
      file,
      options.encoding,
      await bomLengthOf(file, options.encoding),
      SLICE_BYTES,
      (bytes) => {
        progress.bytesRead = bytes;
        progress.report('reading');
      }
    );
    const cancellable = async function* () {
      for await (const chunk of chunks) {
        if (signal.aborted) return;
        yield chunk;
        // Let the cancel message in between chunks.
        await new Promise((r) => setTimeout(r, 0));
      }
    };
    const scanned = await scanCsvRecords(cancellable(), options.delimiter, (rec) => {
      if (headers === null) {
        headers = rec.cells();
        preset = options.preset ?? detectPreset(headers);
        if (!preset) {
          fileProblem = `The file cannot be imported (line ${rec.line}): its header is not one of a Slice events file, a SendGrid or a Mailgun event export. Nothing was imported.`;
          return false;
        }
        const resolved = resolveColumns(preset, headers);
        if ('missing' in resolved) {
          fileProblem = `The file cannot be imported (line ${rec.line}): a ${presetLabel(preset)} needs the column(s) ${resolved.missing.join(', ')}. Nothing was imported.`;
          return false;
        }
        columns = resolved.columns;
        return true;
      }
      progress.rows++;
      const read = readDeliveryCells(preset!, columns, headers, rec, rowOptions);
      if ('problem' in read) {
        const p = read.problem;
        if (p.unknownType !== undefined)
          unknownTypes[p.unknownType] = (unknownTypes[p.unknownType] ?? 0) + 1;
        else unreadable++;
        list({ line: rec.line, column: p.column, reason: p.reason, raw: rec.cells().join(',') });
        return true;
      }
      if (read.eventId !== undefined) {
        if (seenIds.has(read.eventId)) {
          repeated++;
          return true;
        }
        seenIds.add(read.eventId);
      }
      const sent = read.messageId !== '' ? ledger.get(read.messageId) : undefined;
      let contact = sent?.contactId ?? -1;
      if (contact === -1 && read.recipient !== '') contact = byEmail.get(read.recipient) ?? -1;
      if (contact === -1) {
        unmatched++;
        list({
          line: rec.line,
          column: headers[columns.contact],
          reason: `stored without a contact: no contact has the address '${read.recipient}' and no message sent from this campaign has the id '${read.messageId}'`,
          raw: rec.cells().join(',')
        });
      }
      events.push({
        ...read,
        emailing: sent ? sent.emailingId : read.emailing,
        contact
      });
      return true;
    });
    if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
    if (fileProblem) throw new DeliveryImportFailure(fileProblem);
    if (scanned.problem) {
      const p = scanned.problem;
      throw new DeliveryImportFailure(
        `The file cannot be imported${p.line ? ` (line ${p.line})` : ''}: ${p.message}. Nothing was imported.`
      );
    }
    if (headers === null)
      throw new DeliveryImportFailure(
        'The file is empty: it has no header row. Nothing was imported.'
      );
    const usedPreset = preset as DeliveryPreset | null;
    progress.report('writing', true);

    const classes = await this.delivery.bounceClasses(campaignId);
    const unknownCount = Object.values(unknownTypes).reduce((a, b) => a + b, 0);
    for (let attempt = 0; ; attempt++) {
      const plan = await this.delivery.plan(campaignId, events, { dedupe: true, signal });
      // Suppressions from the events this import adds (a duplicate was already counted).
      const suppressed = new Map<string, SuppressionRow>();
      const added = plan.addition;
      for (let i = 0; i < added.count; i++) {
        const kind = added.arrays.kind[i];
        const email = plan.merged.messages[added.arrays.message[i]].split('\u0000')[1] ?? '';
        if (!isValidEmail(email)) continue;
        const reasonText = plan.merged.reasons[added.arrays.reason[i]];
        let reason: SuppressionReason | null = null;
        if (kind === KIND.bounced) {
          const cls = classes.get(reasonText) ?? (added.arrays.bounce[i] === 2 ? 'soft' : 'hard');
          if (cls === 'hard') reason = 'hard_bounce';
        } else if (kind === KIND.unsubscribed) reason = 'unsubscribed';
        else if (kind === KIND.complained) reason = 'complained';
        // One row per address: the first reason the file gives stands.
        if (reason && !suppressed.has(email))
          suppressed.set(
            email,
            this.suppressions.row(
              campaignId,
              email,
              reason,
              reasonText || `import ${record.fileName}`
            )
          );
      }
      const finishedAt = isoAt(ctx);
      const done: ImportRow = {
        ...record,
        status: 'done',
        finishedAt,
        rowsRead: progress.rows,
        added: plan.added,
        updated: 0,
        skipped: plan.duplicates + repeated,
        rejected: unreadable + unknownCount
      };
      let meta;
      try {
        meta = await ctx.db.transaction(
          'rw',
          [ctx.db.deliveryChunks, ctx.db.imports, ctx.db.rejectedReports, ctx.db.suppressions],
          async () => {
            if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
            const written = await this.delivery.writePlan(plan);
            await ctx.db.imports.put(done);
            if (listed.length > 0)
              await ctx.db.rejectedReports.put({
                importId: record.id,
                campaignId,
                csv: rejectedRowsToCsv(listed),
                rows: reportRows(listed)
              });
            if (suppressed.size > 0) await ctx.db.suppressions.bulkPut([...suppressed.values()]);
            return written;
          }
        );
      } catch (err) {
        if (err instanceof DeliveryStoreChanged && attempt < 2) continue;
        throw err;
      }
      this.delivery.committed(plan, meta);
      progress.report('done', true);
      return {
        ok: true,
        importId: record.id,
        preset: usedPreset ?? 'slice',
        rowsRead: progress.rows,
        added: plan.added,
        duplicates: plan.duplicates + repeated,
        unmatched,
        unreadable,
        unknownTypes,
        suppressed: suppressed.size,
        listed: listed.length,
        durationMs: Math.round(ctx.tick() - t0)
      };
    }
  }
}
