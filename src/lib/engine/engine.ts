/**
 * createEngine: the worker side of Slice, composing the pure core (CSV, segments, columns) with
 * storage (Dexie). Everything the page asks goes through the EngineApi returned here; it runs
 * in the Web Worker (engine.worker.ts) and, for tests, in Node over fake-indexeddb.
 */
import { previewCsv } from '$lib/core/csv';
import { canonicalTimeZone, runtimeTimeZone, timeZoneProblem } from '$lib/core/segment/dates';
import {
  campaignTimeZone,
  getCampaignRow,
  listCampaignRows,
  newCampaignRow,
  toSummary,
  uniqueCampaignName
} from '$lib/db/campaigns';
import { piecesBytes, writeGeneration } from '$lib/db/chunk-store';
import { encodeContactTable } from '$lib/db/column-chunks';
import { encodeEventTable } from '$lib/db/event-chunks';
import { readRejectedRows } from '$lib/db/imports';
import { isQuotaError, quotaMessage } from '$lib/db/quota';
import {
  failWhenReleased,
  heldLockNames,
  recoverAtStart,
  type RecoveryReport
} from '$lib/db/recovery';
import type { SliceDb } from '$lib/db/slice-db';
import type {
  CampaignSummary,
  ContactDetail,
  ContactEvent,
  ContactPage,
  ContactQuery,
  EngineApi,
  StorageInfo
} from './api';
import { BackupError, decodeBackup, encodeBackup, remapSegmentIds } from './backup';
import { CampaignCache, eventsOf } from './campaign-cache';
import { cellValue } from './cell-values';
import { queryContactTable } from './contact-query';
import { errorMessage, isoAt, randomId, type EngineContext } from './engine-context';
import { ImportService } from './import-service';
import { SegmentService } from './segment-service';
import { MemberService } from './member-service';
import { TemplateService } from './template-service';
import { WarehouseService } from './warehouse-service';
import { relayOrigins } from '$lib/core/email/relay-origins';
import { DEFAULT_RELAY_SETTINGS, type RelaySettingsRow } from '$lib/db/emailings';
import type { RelaySettings } from './emailing-api';
import { EmailingService } from './emailing-service';
import { RelayClient } from './relay-client';
import { SendService, type SendServiceOptions } from './send-service';
import { SuppressionService } from './suppression-service';

export interface EngineOptions {
  db: SliceDb;
  /** Wall clock in epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Used by loadDemoCampaign; default the global fetch. */
  fetch?: typeof fetch;
  /** URL the demo files are resolved against (the page's base); see configure(). */
  baseUrl?: string;
  /** Relay origin patterns allowed (the CSP's connect-src); default the build's. */
  relayOrigins?: string[];
  /** Retry timing and sleeping of the sender (tests). */
  sender?: SendServiceOptions;
}

/** What the engine offers beyond EngineApi (the page client and tests use these). */
export interface EngineExtras {
  /** Tells the engine the page's URL, against which static files (the demo) resolve. */
  configure(options: { baseUrl?: string }): Promise<void>;
  /** What start-up recovery did. */
  recovery(): Promise<RecoveryReport>;
  /** Closes the database (tests). */
  close(): Promise<void>;
}

export type Engine = EngineApi & EngineExtras;

/** A zone the user chose, canonical; throws a message naming it when it is not a zone. */
function checkedTimeZone(zone: unknown): string {
  const problem = timeZoneProblem(zone);
  if (problem) throw new Error(problem);
  return canonicalTimeZone(zone as string);
}

/** Where the app's static files live when only the worker's own URL is known. */
function guessBaseUrl(): string | undefined {
  const href = (globalThis as { location?: { href: string } }).location?.href;
  if (!href) return undefined;
  const at = href.indexOf('/_app/');
  return at >= 0 ? href.slice(0, at + 1) : href;
}

export function createEngine(options: EngineOptions): Engine {
  const { db } = options;
  const now = options.now ?? (() => Date.now());
  const fetchFn =
    options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  let baseUrl = options.baseUrl;
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  const cache = new CampaignCache(db);

  // Assigned below; afterDataChange runs only after an import, long after construction.
  // eslint-disable-next-line prefer-const
  let segments: SegmentService;
  const ctx: EngineContext = {
    db,
    cache,
    now,
    tick: perf ? () => perf.now() : () => Date.now(),
    ready: Promise.resolve(),
    newId: randomId,
    // No zone given: each segment is evaluated in its campaign's zone.
    afterDataChange: (campaignId) =>
      segments.regenerateAutomatic(campaignId, { now: new Date(now()).toISOString() })
  };
  const recoveryPromise = db
    .open()
    .then(async () => {
      const report = await recoverAtStart(db, new Date(now()).toISOString(), await heldLockNames());
      failWhenReleased(db, report.liveImports, () => new Date(now()).toISOString());
      return report;
    })
    .catch((err: unknown) => {
      throw new Error(
        `Slice cannot open its local database (${errorMessage(err)}). Some browsers refuse ` +
          'storage in private windows; open Slice in a normal window.',
        { cause: err }
      );
    });
  // Every call awaits ctx.ready and reports the failure; none pending is not an error.
  recoveryPromise.catch(() => undefined);
  ctx.ready = recoveryPromise;
  const imports = new ImportService(ctx);
  segments = new SegmentService(ctx);
  const members = new MemberService(ctx, segments);
  const templates = new TemplateService(ctx);
  const warehouse = new WarehouseService(ctx, segments);
  const suppressions = new SuppressionService(ctx);
  const relay = new RelayClient(
    fetchFn,
    options.relayOrigins ?? relayOrigins(import.meta.env?.VITE_SLICE_RELAY_ORIGINS)
  );
  // Settings saved by the user win; else relay.json next to index.html (written by npm start).
  const relaySettings = async (): Promise<RelaySettings> => {
    await ctx.ready;
    const saved = await db.relaySettings.get('relay');
    if (saved) {
      const { id: _id, ...rest } = { ...DEFAULT_RELAY_SETTINGS, ...saved };
      return { ...rest, source: 'saved' };
    }
    const { id: _id, ...defaults } = DEFAULT_RELAY_SETTINGS;
    const base = baseUrl ?? guessBaseUrl();
    if (base) {
      try {
        const r = await fetchFn(new URL('relay.json', base).href, { cache: 'no-store' });
        if (r.ok) {
          const j = (await r.json()) as { url?: unknown; token?: unknown };
          if (typeof j.url === 'string' && j.url) {
            return {
              ...defaults,
              url: j.url,
              token: typeof j.token === 'string' ? j.token : '',
              source: 'relay.json'
            };
          }
        }
      } catch {
        // No relay.json: the app was not started by npm start.
      }
    }
    return { ...defaults, source: 'default' };
  };
  const relayRow = async (): Promise<RelaySettingsRow> => {
    const { source: _s, ...rest } = await relaySettings();
    return { id: 'relay', ...rest };
  };
  // eslint-disable-next-line prefer-const
  let sender: SendService;
  const emailings = new EmailingService(ctx, segments, suppressions, () => sender.wake());
  sender = new SendService(ctx, emailings, suppressions, relay, relayRow, options.sender);

  const requireCampaign = async (id: string) => {
    await ctx.ready;
    const row = await getCampaignRow(db, id);
    if (!row) throw new Error('This campaign does not exist (it may have been deleted).');
    return row;
  };

  const createCampaign = async (
    name: string,
    isDemo = false,
    timeZone?: string
  ): Promise<CampaignSummary> => {
    await ctx.ready;
    const zone = timeZone === undefined ? runtimeTimeZone() : checkedTimeZone(timeZone);
    const clean = name.trim() || 'Untitled campaign';
    const row = newCampaignRow(
      ctx.newId(),
      await uniqueCampaignName(db, clean),
      isoAt(ctx),
      isDemo,
      zone
    );
    await db.campaigns.add(row);
    await segments.ensureDefault(row.id);
    return toSummary(row);
  };

  const deleteCampaign = async (id: string): Promise<void> => {
    await ctx.ready;
    cache.drop(id);
    await db.transaction(
      'rw',
      [
        db.campaigns,
        db.columnChunks,
        db.eventChunks,
        db.imports,
        db.rejectedReports,
        db.segments,
        db.memberships,
        db.emailings,
        db.sendLedger,
        db.sendBatches,
        db.suppressions
      ],
      async () => {
        const emailingIds = await db.emailings.where('campaignId').equals(id).primaryKeys();
        await db.emailings.where('campaignId').equals(id).delete();
        await db.sendLedger.where('campaignId').equals(id).delete();
        for (const e of emailingIds) {
          await db.sendBatches.where('[emailingId+state]').between([e, ''], [e, '\uffff']).delete();
        }
        await db.suppressions.where('campaignId').equals(id).delete();
        await db.campaigns.delete(id);
        await db.columnChunks.where('campaignId').equals(id).delete();
        await db.eventChunks.where('campaignId').equals(id).delete();
        await db.imports.where('campaignId').equals(id).delete();
        await db.rejectedReports.where('campaignId').equals(id).delete();
        await db.segments.where('campaignId').equals(id).delete();
        await db.memberships.where('campaignId').equals(id).delete();
      }
    );
  };

  const fetchBlob = async (path: string): Promise<Blob & { name: string }> => {
    const base = baseUrl ?? guessBaseUrl();
    if (!base) throw new Error('The demo files cannot be located (no page address is known).');
    const url = new URL(path, base).href;
    const response = await fetchFn(url);
    if (!response.ok)
      throw new Error(`The demo file ${path} could not be loaded (HTTP ${response.status}).`);
    const blob = await response.blob();
    return Object.assign(blob, { name: path.split('/').pop() ?? path });
  };

  const engine: Engine = {
    async configure(opts) {
      if (opts.baseUrl) baseUrl = opts.baseUrl;
    },
    recovery: () => recoveryPromise,
    async close() {
      await sender.stop();
      await ctx.ready.catch(() => undefined);
      cache.drop();
      db.close();
    },

    // Campaigns
    async listCampaigns() {
      await ctx.ready;
      return (await listCampaignRows(db)).map(toSummary);
    },
    async getCampaign(id) {
      await ctx.ready;
      const row = await getCampaignRow(db, id);
      return row ? toSummary(row) : null;
    },
    createCampaign: (name, timeZone) => createCampaign(name, false, timeZone),
    async renameCampaign(id, name) {
      await requireCampaign(id);
      const clean = name.trim();
      if (!clean) throw new Error('A campaign needs a name.');
      await db.campaigns.update(id, { name: clean, updatedAt: isoAt(ctx) });
      return toSummary(await requireCampaign(id));
    },
    async setCampaignTimeZone(id, timeZone) {
      await requireCampaign(id);
      const zone = checkedTimeZone(timeZone);
      await db.campaigns.update(id, { timeZone: zone, updatedAt: isoAt(ctx) });
      // Memberships of automatic segments depend on the zone (days, windows, ages).
      await ctx.afterDataChange(id).catch(() => undefined);
      return toSummary(await requireCampaign(id));
    },
    deleteCampaign,
    async loadDemoCampaign() {
      const contactsFile = await fetchBlob('demo/contacts.csv');
      const eventsFile = await fetchBlob('demo/events.csv');
      const campaign = await createCampaign('Demo campaign', true);
      try {
        const preview = await previewCsv(contactsFile, 'contacts', contactsFile.name);
        if (preview.problem)
          throw new Error(`The demo contacts cannot be read: ${preview.problem.message}.`);
        const contacts = await imports.importContacts(campaign.id, contactsFile, {
          fields: preview.fields.map((f) => ({ ...f, include: true })),
          identity: preview.suggestedIdentity ?? preview.fields[0].name,
          policy: 'update',
          encoding: preview.encoding,
          delimiter: preview.delimiter
        });
        if (!contacts.ok)
          throw new Error(`The demo contacts could not be imported: ${contacts.message}`);
        const eventsPreview = await previewCsv(eventsFile, 'events', eventsFile.name);
        if (eventsPreview.problem)
          throw new Error(`The demo events cannot be read: ${eventsPreview.problem.message}.`);
        const headers = eventsPreview.headers;
        const mapping = eventsPreview.suggestedMapping ?? {
          contact: 'contact',
          type: 'type',
          target: headers.includes('target') ? 'target' : null,
          at: 'at',
          properties: headers.filter((h) => !['contact', 'type', 'target', 'at'].includes(h))
        };
        const events = await imports.importEvents(campaign.id, eventsFile, {
          mapping,
          encoding: eventsPreview.encoding,
          delimiter: eventsPreview.delimiter
        });
        if (!events.ok) throw new Error(`The demo events could not be imported: ${events.message}`);
      } catch (err) {
        await deleteCampaign(campaign.id).catch(() => undefined);
        throw err;
      }
      return toSummary(await requireCampaign(campaign.id));
    },

    // Import
    async previewFile(file, kind, overrides) {
      return previewCsv(file, kind, file.name ?? '', overrides);
    },
    importContacts: (campaignId, file, opts, onProgress) =>
      imports.importContacts(campaignId, file, opts, onProgress),
    importEvents: (campaignId, file, opts, onProgress) =>
      imports.importEvents(campaignId, file, opts, onProgress),
    cancelImport: (importId) => imports.cancelImport(importId),
    listImports: (campaignId) => imports.listImports(campaignId),
    rejectedReport: (importId) => imports.rejectedReport(importId),
    async rejectedRows(importId, page) {
      await ctx.ready;
      return readRejectedRows(db, importId, page);
    },

    // Contacts
    async queryContacts(campaignId: string, query: ContactQuery): Promise<ContactPage> {
      await ctx.ready;
      const first = await cache.firstPage(campaignId, query);
      if (first) return first;
      const loaded = await cache.get(campaignId);
      if (!loaded) return { total: 0, offset: query.offset, ids: [], rows: [] };
      let membership = null;
      if (query.segmentId) {
        membership = await segments.membership(loaded, query.segmentId);
        if (!membership) return { total: 0, offset: query.offset, ids: [], rows: [] };
      }
      return queryContactTable(loaded.contacts, loaded.derived, query, membership);
    },
    async getContact(campaignId: string, id: number): Promise<ContactDetail | null> {
      await ctx.ready;
      const loaded = await cache.get(campaignId);
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
      return { id, attributes, events, segments: await segments.segmentsContaining(loaded, id) };
    },

    // Backup
    async exportBackup(campaignId) {
      const row = await requireCampaign(campaignId);
      const loaded = await cache.get(campaignId);
      const segmentRows = await segments.listSegments(campaignId);
      const memberships = await db.memberships.where('campaignId').equals(campaignId).toArray();
      const importRows = await db.imports.where('campaignId').equals(campaignId).toArray();
      const reports = await db.rejectedReports.where('campaignId').equals(campaignId).toArray();
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
          reports: reports.map((r) => ({ importId: r.importId, csv: r.csv }))
        },
        isoAt(ctx)
      );
    },
    async importBackup(file) {
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
          [db.campaigns, db.segments, db.memberships, db.imports, db.rejectedReports],
          async () => {
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
        await deleteCampaign(id).catch(() => undefined);
        if (isQuotaError(err)) throw new Error(quotaMessage(bytes || file.size), { cause: err });
        throw err;
      }
      await segments.ensureDefault(id);
      return toSummary(row);
    },

    // Storage
    async storageInfo(): Promise<StorageInfo> {
      const storage = (globalThis.navigator as Navigator | undefined)?.storage;
      let usage: number | null = null;
      let quota: number | null = null;
      let persisted: boolean | null = null;
      try {
        if (storage?.estimate) {
          const estimate = await storage.estimate();
          usage = estimate.usage ?? null;
          quota = estimate.quota ?? null;
        }
        if (storage?.persisted) persisted = await storage.persisted();
      } catch {
        // Some browsers refuse in private windows; unknown is the honest answer.
      }
      return { usage, quota, persisted };
    },

    // Segments
    listSegments: (campaignId) => segments.listSegments(campaignId),
    saveSegment: (segment) => segments.saveSegment(segment),
    deleteSegment: (id) => segments.deleteSegment(id),
    duplicateSegment: (id) => segments.duplicateSegment(id),
    segmentUsers: (id) => segments.segmentUsers(id),
    autoUpdateStatus: (campaignId) => segments.autoUpdateStatus(campaignId),
    countParts: (campaignId, definition, opts, channel) =>
      segments.countParts(campaignId, definition, opts, channel),
    fieldValues: (campaignId, field, opts) => segments.fieldValues(campaignId, field, opts),
    eventTargets: (campaignId, types, opts) => segments.eventTargets(campaignId, types, opts),
    validate: (campaignId, definition) => segments.validate(campaignId, definition),
    count: (campaignId, definition, opts, channel) =>
      segments.count(campaignId, definition, opts, channel),
    generate: (segmentId, opts, onProgress) => segments.generate(segmentId, opts, onProgress),
    members: (segmentId, page) => segments.members(segmentId, page),
    editMembers: (segmentId, text, mode) => members.editMembers(segmentId, text, mode),
    addShownContacts: (campaignId, query, segmentId) =>
      members.addShownContacts(campaignId, query, segmentId),
    saveAsList: (segmentId, name, opts) => members.saveAsList(segmentId, name, opts),
    exportMembersCsv: (segmentId, columns) => members.exportMembersCsv(segmentId, columns),
    exportWarehouse: (campaignId, opts) => warehouse.exportWarehouse(campaignId, opts),
    saveTemplate: (campaignId, template) => templates.saveTemplate(campaignId, template),
    listTemplates: () => templates.listTemplates(),
    deleteTemplate: (id) => templates.deleteTemplate(id),
    fitTemplate: (templateId, campaignId) => templates.fitTemplate(templateId, campaignId),
    exportSql: (campaignId, definition, dialect, opts) =>
      segments.exportSql(campaignId, definition, dialect, opts),

    // Emailings
    listEmailings: (campaignId) => emailings.list(campaignId),
    getEmailing: (id) => emailings.get(id),
    createEmailing: (campaignId, draft) => emailings.create(campaignId, draft),
    updateEmailing: (id, draft) => emailings.update(id, draft),
    emailingProblems: (id) => emailings.problems(id),
    emailingAction: (id, action, opts) => emailings.action(id, action, opts),
    emailingAudience: (campaignId, targets, capDays) =>
      emailings.audience(campaignId, targets, capDays),
    previewEmailing: (id, contactId) => emailings.preview(id, contactId),
    async sendTestEmailing(id, address, contactId) {
      const settings = await relayRow();
      return sender.sendTest(id, address, contactId, settings);
    },
    contactMailings: (campaignId, contactId) => emailings.contactMailings(campaignId, contactId),
    listSuppressions: (campaignId) => suppressions.list(campaignId),
    addSuppression: (campaignId, email) => suppressions.add(campaignId, email),
    removeSuppression: (campaignId, email) => suppressions.remove(campaignId, email),
    importSuppressions: (campaignId, csv) => suppressions.importCsv(campaignId, csv),
    exportSuppressions: (campaignId) => suppressions.exportCsv(campaignId),
    relaySettings,
    async saveRelaySettings(settings) {
      await ctx.ready;
      const url = settings.url.trim();
      const problem = url ? relay.targetProblem({ url, token: settings.token }) : null;
      if (problem) throw new Error(problem);
      const batchSize = Math.floor(Number(settings.batchSize));
      if (!(batchSize >= 1))
        throw new Error('The batch size must be a whole number of at least 1.');
      const limit = (v: number | null, name: string) => {
        if (v === null || v === undefined || (v as unknown) === '') return null;
        const n = Number(v);
        if (!(n > 0)) throw new Error(`${name} must be a positive number, or empty for no limit.`);
        return n;
      };
      await db.relaySettings.put({
        id: 'relay',
        url,
        token: settings.token.trim(),
        batchSize,
        perSecond: limit(settings.perSecond, 'The rate'),
        perHour: limit(settings.perHour, 'The hourly cap'),
        perDay: limit(settings.perDay, 'The daily cap'),
        confirmOverdue: settings.confirmOverdue === true
      });
      sender.reset();
      sender.wake();
      return relaySettings();
    },
    async testRelay(target) {
      const t = target ?? (await relayRow());
      const outcome = await relay.capabilities({ url: t.url, token: t.token });
      return outcome.ok
        ? outcome
        : { ok: false, problem: outcome.problem, message: outcome.message };
    },
    async startSender() {
      sender.start();
    },
    async senderStatus() {
      return sender.status();
    }
  };
  return engine;
}
