/**
 * createEngine: the worker side of Slice, composing the pure core (CSV, segments, columns) with
 * storage (Dexie). Everything the page asks goes through the EngineApi returned here, each call
 * handed to the service that holds it; it runs in the Web Worker (engine.worker.ts) and, for
 * tests, in Node over fake-indexeddb.
 */
import { previewCsv } from '$lib/core/csv';
import {
  failWhenReleased,
  heldLockNames,
  recoverAtStart,
  type RecoveryReport
} from '$lib/db/recovery';
import type { SliceDb } from '$lib/db/slice-db';
import type { EngineApi } from './api';
import { AnalyticsService } from './analytics-service';
import { BackupService } from './backup-service';
import { CampaignCache } from './campaign-cache';
import { CampaignService } from './campaign-service';
import { ContactService } from './contact-service';
import { backfillSentEvents } from './sent-events-backfill';
import { DeliveryImportService } from './delivery-import-service';
import { DeliveryService } from './delivery-service';
import { DemoService } from './demo-service';
import { errorMessage, randomId, type EngineContext } from './engine-context';
import { ImportService } from './import-service';
import { SegmentService } from './segment-service';
import { storageInfo } from './storage-info';
import { MemberService } from './member-service';
import { TemplateService } from './template-service';
import { WarehouseService } from './warehouse-service';
import { relayOrigins } from '$lib/core/email/relay-origins';
import { checkSoftBounceLimit, DEFAULT_SOFT_BOUNCE_LIMIT } from '$lib/core/email/soft-bounces';
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
  /** How long one relay request may take before it counts as a network error, ms (tests). */
  relayTimeoutMs?: number;
}

/** What the engine offers beyond EngineApi (the page client and tests use these). */
export interface EngineExtras {
  /** Tells the engine the page's URL, against which static files (the demo) resolve. */
  configure(options: { baseUrl?: string }): Promise<void>;
  /** What start-up recovery did. */
  recovery(): Promise<RecoveryReport>;
  /** Closes the database (tests). */
  close(): Promise<void>;
  /**
   * The delivery-event store (worker side; dashboards and segment conditions call
   * `delivery.deliveryColumns(campaignId)`).
   */
  delivery: DeliveryService;
}

export type Engine = EngineApi & EngineExtras;

export function createEngine(options: EngineOptions): Engine {
  const { db } = options;
  const now = options.now ?? (() => Date.now());
  const fetchFn =
    options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
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
  const delivery = new DeliveryService(ctx);
  // Emailings sent before version 6 get their send events from the ledger, once.
  delivery.waitAtStart(recoveryPromise.then(() => backfillSentEvents(ctx, delivery)));
  segments = new SegmentService(ctx, delivery);
  const campaigns = new CampaignService(ctx, segments);
  const demo = new DemoService(campaigns, imports, fetchFn, options.baseUrl);
  const contacts = new ContactService(ctx, segments);
  const backups = new BackupService(ctx, campaigns, segments, delivery);
  const members = new MemberService(ctx, segments);
  const templates = new TemplateService(ctx);
  const warehouse = new WarehouseService(ctx, segments);
  const suppressions = new SuppressionService(ctx);
  const analytics = new AnalyticsService(ctx, {
    counting: (id) => delivery.countingColumns(id),
    whole: (id) => delivery.deliveryColumns(id)
  });
  const deliveryImports = new DeliveryImportService(ctx, delivery, suppressions);
  const relay = new RelayClient(
    fetchFn,
    options.relayOrigins ?? relayOrigins(import.meta.env?.VITE_SLICE_RELAY_ORIGINS),
    options.relayTimeoutMs
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
    const base = demo.appBase();
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
  sender = new SendService(ctx, emailings, suppressions, relay, delivery, relayRow, options.sender);

  const engine: Engine = {
    async configure(opts) {
      if (opts.baseUrl) demo.baseUrl = opts.baseUrl;
    },
    recovery: () => recoveryPromise,
    delivery,
    async close() {
      await sender.stop();
      await ctx.ready.catch(() => undefined);
      cache.drop();
      db.close();
    },

    // Campaigns
    listCampaigns: () => campaigns.listCampaigns(),
    getCampaign: (id) => campaigns.getCampaign(id),
    createCampaign: (name, timeZone) => campaigns.createCampaign(name, false, timeZone),
    renameCampaign: (id, name) => campaigns.renameCampaign(id, name),
    setCampaignTimeZone: (id, timeZone) => campaigns.setCampaignTimeZone(id, timeZone),
    deleteCampaign: (id) => campaigns.deleteCampaign(id),
    loadDemoCampaign: () => demo.loadDemoCampaign(),

    // Import
    async previewFile(file, kind, overrides) {
      return previewCsv(file, kind, file.name ?? '', overrides);
    },
    importContacts: (campaignId, file, opts, onProgress) =>
      imports.importContacts(campaignId, file, opts, onProgress),
    importEvents: (campaignId, file, opts, onProgress) =>
      imports.importEvents(campaignId, file, opts, onProgress),
    async cancelImport(importId) {
      await imports.cancelImport(importId);
      await deliveryImports.cancelDeliveryImport(importId);
    },
    previewDelivery: (file, opts) => deliveryImports.previewDelivery(file, opts),
    importDelivery: (campaignId, file, opts, onProgress) =>
      deliveryImports.importDelivery(campaignId, file, opts, onProgress),
    deliveryFigures: (campaignId, emailing) => delivery.deliveryFigures(campaignId, emailing),
    bounceReasons: (campaignId) => delivery.bounceReasons(campaignId),
    setBounceClass: (campaignId, reason, bounce) =>
      delivery.setBounceClass(campaignId, reason, bounce),
    contactMessages: (campaignId, contactId) => delivery.contactMessages(campaignId, contactId),
    listImports: (campaignId) => imports.listImports(campaignId),
    rejectedReport: (importId) => imports.rejectedReport(importId),
    rejectedRows: (importId, page) => imports.rejectedRows(importId, page),

    // Contacts
    queryContacts: (campaignId, query) => contacts.queryContacts(campaignId, query),
    getContact: (campaignId, id) => contacts.getContact(campaignId, id),

    // Backup
    exportBackup: (campaignId) => backups.exportBackup(campaignId),
    importBackup: (file) => backups.importBackup(file),

    // Storage
    storageInfo,

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
    async updateEmailing(id, draft) {
      // A change to an emailing the relay holds takes it back first (it is handed over again).
      if (await emailings.changes(id, draft)) await sender.withdraw(id, 'requeue');
      return emailings.update(id, draft);
    },
    emailingProblems: (id) => emailings.problems(id),
    async emailingAction(id, action, opts) {
      const taken =
        action === 'cancel' || action === 'delete'
          ? await sender.withdraw(id, 'cancel')
          : action === 'reschedule' || action === 'send'
            ? await sender.withdraw(id, 'requeue')
            : null;
      // Cancelled too late: the relay had sent every message, so it is finished, not cancelled.
      if (
        action === 'cancel' &&
        taken &&
        taken.withdrawn === 0 &&
        (await emailings.finishIfSent(id))
      )
        return emailings.get(id);
      return emailings.action(id, action, opts);
    },
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
      const saved = await db.relaySettings.get('relay');
      await db.relaySettings.put({
        id: 'relay',
        url,
        token: settings.token.trim(),
        batchSize,
        perSecond: limit(settings.perSecond, 'The rate'),
        perHour: limit(settings.perHour, 'The hourly cap'),
        perDay: limit(settings.perDay, 'The daily cap'),
        confirmOverdue: settings.confirmOverdue === true,
        handOver: settings.handOver !== false,
        softBounceLimit: checkSoftBounceLimit(
          settings.softBounceLimit ?? saved?.softBounceLimit ?? DEFAULT_SOFT_BOUNCE_LIMIT
        ),
        // The same relay's events are not read again from the start.
        ...(saved && saved.url === url && saved.eventsCursor !== undefined
          ? { eventsCursor: saved.eventsCursor }
          : {})
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
    },

    // Analytics
    campaignDashboard: (campaignId, query) => analytics.dashboard(campaignId, query),
    campaignComplaints: (campaignId) => analytics.complaints(campaignId)
  };
  return engine;
}
