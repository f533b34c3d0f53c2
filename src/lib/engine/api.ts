/**
 * EngineApi: the one typed contract between the page and the worker.
 * The page never parses files or scans contacts; it asks the engine, which runs in a Web Worker
 * (and, for tests, in Node with fake-indexeddb). Every user-caused error comes back as data.
 */
import type { EmailCondition } from '$lib/core/segment/definition';
import type { FieldSpec, FieldType } from '$lib/core/columns/types';
import type { ImportPhase } from '$lib/core/csv/phase-times';
import type { AnalyticsApi } from './analytics-api';
import type { DeliveryApi } from './delivery-api';
import type { EmailingApi } from './emailing-api';
import type { Definition } from '$lib/core/segment/definition';
import type { ValidationError } from '$lib/core/segment/validate';
import type {
  CsvEncoding,
  Delimiter,
  EventMapping,
  FieldProposal,
  FilePreview,
  MergePolicy,
  RejectedRow
} from '$lib/core/csv/types';

export type {
  CsvEncoding,
  Delimiter,
  EventMapping,
  FieldProposal,
  FilePreview,
  FileProblem,
  MergePolicy,
  RejectedRow
} from '$lib/core/csv/types';

export interface CampaignSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  contactCount: number;
  eventCount: number;
  fields: FieldSpec[];
  /** Identity field name; null before the first contacts import. */
  identity: string | null;
  eventTypes: string[];
  isDemo: boolean;
  /**
   * IANA time zone of the campaign (e.g. Europe/Paris): date-times without a zone in its files
   * are read in it, segments count calendar days in it, and its dates are shown in it.
   */
  timeZone: string;
}

export interface ContactImportOptions {
  fields: FieldProposal[];
  identity: string;
  policy: MergePolicy;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  /** IANA zone in which date-times without a zone are read; default the campaign's. */
  timeZone?: string;
}

export interface EventImportOptions {
  mapping: EventMapping;
  encoding: CsvEncoding;
  delimiter: Delimiter;
  /** IANA zone in which timestamps without a zone are read; default the campaign's. */
  timeZone?: string;
}

export interface ImportProgress {
  importId: string;
  /**
   * `waiting`: another import into this campaign (in this tab or another) is running; this one
   * starts, on the data that one saved, when it ends.
   */
  phase: 'waiting' | 'reading' | 'writing' | 'done';
  rows: number;
  bytesRead: number;
  totalBytes: number;
  rowsPerSecond: number;
  /** Seconds left, or null while unknown. */
  etaSeconds: number | null;
}

export type ImportOutcome =
  | {
      ok: true;
      importId: string;
      kind: 'contacts' | 'events';
      rowsRead: number;
      added: number;
      updated: number;
      /** Contacts: known contacts left as they were; events: records already imported. */
      skipped: number;
      /** Events with an event id column: records whose id came earlier in the file. */
      repeatedIds: number;
      rejected: number;
      newFields: string[];
      durationMs: number;
    }
  | {
      ok: false;
      importId: string;
      kind: 'contacts' | 'events';
      cancelled: boolean;
      message: string;
      rejected: number;
    };

export interface ImportRecord {
  id: string;
  campaignId: string;
  /** `delivery`: an email provider's delivery-event export (delivery-import-service.ts). */
  kind: 'contacts' | 'events' | 'delivery';
  fileName: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  message: string | null;
  rowsRead: number;
  added: number;
  updated: number;
  skipped: number;
  rejected: number;
  /** Events with an event id column: records whose id came earlier in the file (if any). */
  repeatedIds?: number;
  /** Where a finished import's time went, in ms per phase (read, parse, columns, …). */
  phasesMs?: Partial<Record<ImportPhase, number>>;
}

export interface ContactQuery {
  search?: string;
  /** Field name to sort by; omitted = file order. */
  sort?: string;
  direction?: 'asc' | 'desc';
  offset: number;
  limit: number;
  /** Restrict to the members of a segment. */
  segmentId?: string;
  /**
   * Restrict to contacts with this email activity ("opened emailing X"; people only unless
   * the condition says otherwise), evaluated as a segment condition at `now`.
   */
  email?: { condition: EmailCondition; now: string };
}

export type CellValue = string | number | boolean | null;

export interface ContactPage {
  total: number;
  offset: number;
  /** Row ids (stable contact ids within the campaign). */
  ids: number[];
  /** rows[i][j] = value of fields[j] for ids[i]; dates as ISO strings. */
  rows: CellValue[][];
}

export interface ContactEvent {
  type: string;
  target: string;
  at: string;
  properties: Record<string, string> | null;
}

export interface ContactDetail {
  id: number;
  attributes: { field: string; type: FieldType; value: CellValue }[];
  events: ContactEvent[];
  segments: { id: string; name: string }[];
}

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export interface EvalOptions {
  /** ISO instant used for relative dates; default: the page's clock at call time. */
  now: string;
  /** IANA time zone, e.g. Europe/Brussels; default the campaign's (CampaignSummary.timeZone). */
  timeZone?: string;
}

export type CountOutcome =
  | { ok: true; count: number; total: number; ms: number }
  | { ok: false; errors: ValidationError[] }
  | { ok: false; cancelled: true };

export type SegmentKind = 'dynamic' | 'manual' | 'list';

export interface SegmentRecord {
  id: string;
  campaignId: string;
  name: string;
  description: string;
  kind: SegmentKind;
  definition: Definition | null;
  autoUpdate: boolean;
  count: number | null;
  generatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  isDefault: boolean;
  /**
   * The campaign data (contact and event generations) the stored membership was computed on;
   * absent before the first generation and on rows written before this key existed.
   */
  dataVersion?: string | null;
  /** Why the last automatic update of this segment failed; null once one succeeds. */
  updateError?: string | null;
  /** Every generation's time (ISO) and member count, oldest first; absent before the first. */
  sizeHistory?: { at: string; size: number }[];
  /** Filled by listSegments: the campaign's data changed since the membership was generated. */
  stale?: boolean;
}

/** Something that uses a segment and so keeps it from being deleted. */
export interface SegmentUser {
  kind: 'segment' | 'emailing';
  id: string;
  name: string;
}

/** The automatic update of a campaign's segments that follows an import, while it runs. */
export interface AutoUpdateStatus {
  campaignId: string;
  running: boolean;
  done: number;
  total: number;
  /** Name of the segment being updated now. */
  current: string | null;
  /** Segments whose update failed in this run, with the reason. */
  failures: { id: string; name: string; message: string }[];
}

/** Per top-level condition counts of a definition (index = the root group's child). */
export type PartCountsOutcome =
  | { ok: true; counts: (number | null)[]; total: number }
  | { ok: false; errors: ValidationError[] }
  | { ok: false; cancelled: true };

/** A distinct value of a field (or event target) and how many contacts (events) have it. */
export interface ValueCount {
  value: string;
  count: number;
}

export interface WorkProgress {
  done: number;
  total: number;
  label: string;
}

/** What a manual segment edit did (keys read, matched, unknown ones listed, not created). */
export type MemberEditOutcome =
  | {
      ok: true;
      /** Distinct keys read. */
      keys: number;
      /** The CSV column they were read from, or null for one key per line. */
      column: string | null;
      matched: number;
      unknown: string[];
      added: number;
      removed: number;
      count: number;
    }
  | { ok: false; message: string };

export type MemberEditMode = 'replace' | 'add' | 'remove';

/** Saved criteria, independent of any campaign. */
export interface TemplateRecord {
  id: string;
  name: string;
  description: string;
  definition: Definition;
  fieldTypes: Record<string, FieldType>;
  segmentNames: Record<string, string>;
  fromCampaign: string;
  createdAt: string;
}

export interface TemplateFitOutcome {
  template: TemplateRecord;
  /** The template's definition with fields and segments matched to the campaign's. */
  definition: Definition;
  /** Conditions whose field or segment the campaign lacks (left as they were, to fix). */
  problems: { path: string; name: string; kind: 'field' | 'segment'; message: string }[];
  renamed: { from: string; to: string }[];
}

export interface EngineApi extends EmailingApi, AnalyticsApi, DeliveryApi {
  // Campaigns
  listCampaigns(): Promise<CampaignSummary[]>;
  getCampaign(id: string): Promise<CampaignSummary | null>;
  /** `timeZone`: IANA zone of the campaign, default the browser's; an unknown zone is refused. */
  createCampaign(name: string, timeZone?: string): Promise<CampaignSummary>;
  renameCampaign(id: string, name: string): Promise<CampaignSummary>;
  /**
   * Changes the campaign's time zone (an unknown zone is refused with a message). Times already
   * imported keep their instant; segments and displays use the new zone from now on.
   */
  setCampaignTimeZone(id: string, timeZone: string): Promise<CampaignSummary>;
  deleteCampaign(id: string): Promise<void>;
  /** Creates the demo campaign (a few thousand participants with events) and returns it. */
  loadDemoCampaign(): Promise<CampaignSummary>;

  // Import
  /** `options` re-reads the file with an encoding or delimiter the user chose over the detected one. */
  previewFile(
    file: Blob & { name?: string },
    kind: 'contacts' | 'events',
    options?: { encoding?: CsvEncoding; delimiter?: Delimiter }
  ): Promise<FilePreview>;
  importContacts(
    campaignId: string,
    file: Blob & { name?: string },
    options: ContactImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<ImportOutcome>;
  importEvents(
    campaignId: string,
    file: Blob & { name?: string },
    options: EventImportOptions,
    onProgress?: (p: ImportProgress) => void
  ): Promise<ImportOutcome>;
  cancelImport(importId: string): Promise<void>;
  listImports(campaignId: string): Promise<ImportRecord[]>;
  /** CSV (line, column, reason, raw line) of every rejected row of an import. */
  rejectedReport(importId: string): Promise<string>;
  /** A page of an import's rejected rows, in file order, with how many there are in all. */
  rejectedRows(
    importId: string,
    page: { offset: number; limit: number }
  ): Promise<{ total: number; rows: RejectedRow[] }>;

  // Contacts
  queryContacts(campaignId: string, query: ContactQuery): Promise<ContactPage>;
  getContact(campaignId: string, id: number): Promise<ContactDetail | null>;

  // Backup
  exportBackup(campaignId: string): Promise<Blob>;
  importBackup(file: Blob): Promise<CampaignSummary>;

  // Storage
  storageInfo(): Promise<StorageInfo>;

  // Segments (engine)
  listSegments(campaignId: string): Promise<SegmentRecord[]>;
  saveSegment(
    segment: Partial<SegmentRecord> & { campaignId: string; name: string }
  ): Promise<SegmentRecord>;
  /** Refuses (throws, naming them) while another segment or an emailing uses the segment. */
  deleteSegment(id: string): Promise<void>;
  /** A copy of a segment (definition, description, settings), named "Copy of …", not generated. */
  duplicateSegment(id: string): Promise<SegmentRecord>;
  /** What uses a segment (other segments' definitions, emailings): empty = it can be deleted. */
  segmentUsers(id: string): Promise<SegmentUser[]>;
  /** The automatic update running (or last run) after an import, or null when none ran. */
  autoUpdateStatus(campaignId: string): Promise<AutoUpdateStatus | null>;
  validate(campaignId: string, definition: unknown): Promise<ValidationError[]>;
  /** Counts the members of a definition; a newer call with the same channel cancels this one. */
  count(
    campaignId: string,
    definition: unknown,
    options: EvalOptions,
    channel?: string
  ): Promise<CountOutcome>;
  /**
   * Counts each top-level condition of a definition on its own (null for one that is invalid);
   * a newer call with the same channel cancels this one.
   */
  countParts(
    campaignId: string,
    definition: unknown,
    options: EvalOptions,
    channel?: string
  ): Promise<PartCountsOutcome>;
  /** The most frequent values of a text-like field, for suggestions (at most `limit`). */
  fieldValues(
    campaignId: string,
    field: string,
    options?: { prefix?: string; limit?: number }
  ): Promise<ValueCount[]>;
  /** The most frequent targets of events of the given types (e.g. pages, emailings). */
  eventTargets(
    campaignId: string,
    types: string[],
    options?: { prefix?: string; limit?: number }
  ): Promise<ValueCount[]>;
  /** Computes and stores a segment's membership, count and time. */
  generate(
    segmentId: string,
    options: EvalOptions,
    onProgress?: (p: WorkProgress) => void
  ): Promise<CountOutcome>;
  /** Stored members of a segment, in file order. */
  members(segmentId: string, page: { offset: number; limit: number }): Promise<ContactPage>;
  /** Edits a manual segment's members by identity or email (one per line, or a CSV). */
  editMembers(segmentId: string, text: string, mode: MemberEditMode): Promise<MemberEditOutcome>;
  /** Adds every contact the browser shows (its search, its segment) to a manual segment. */
  addShownContacts(
    campaignId: string,
    query: Pick<ContactQuery, 'search' | 'segmentId'>,
    segmentId: string
  ): Promise<{ added: number; count: number }>;
  /** A new list with the segment's members as they are now; a list never changes afterwards. */
  saveAsList(segmentId: string, name: string, options: EvalOptions): Promise<SegmentRecord>;
  /** The members as CSV with these columns (RFC 4180, formula-like cells neutralised). */
  exportMembersCsv(segmentId: string, columns: string[]): Promise<Blob>;
  /** The campaign's data, schema, load scripts and segments' SQL for DuckDB and PostgreSQL (zip). */
  exportWarehouse(campaignId: string, options: EvalOptions): Promise<Blob>;

  // Templates (not tied to a campaign)
  saveTemplate(
    campaignId: string,
    template: { name: string; description?: string; definition: Definition }
  ): Promise<TemplateRecord>;
  listTemplates(): Promise<TemplateRecord[]>;
  deleteTemplate(id: string): Promise<void>;
  fitTemplate(templateId: string, campaignId: string): Promise<TemplateFitOutcome>;

  /** SQL for a definition, over the documented contacts/events schema. */
  exportSql(
    campaignId: string,
    definition: unknown,
    dialect: 'duckdb' | 'postgres',
    options: EvalOptions
  ): Promise<{ ok: true; sql: string } | { ok: false; errors: ValidationError[] }>;
}
