/**
 * Segments on the engine side: the default "All participants" segment of every campaign,
 * saving with validation, live counts (a newer count on the same channel cancels the older),
 * generation of stored memberships, paged members and SQL export.
 */
import {
  fullBitset,
  popcount,
  resizeBitset,
  toIndices,
  getBit,
  type Bitset
} from '$lib/core/columns/bitset';
import type { Definition } from '$lib/core/segment/definition';
import {
  evaluateDefinition,
  EvaluationCancelled,
  isValidTimeZone,
  segmentReferences,
  toSql,
  validateDefinition,
  type ValidationError
} from '$lib/core/segment';
import { campaignTimeZone, getCampaignRow } from '$lib/db/campaigns';
import {
  deleteSegmentRow,
  getMembership,
  listSegmentRows,
  storeMembership,
  type SegmentRow
} from '$lib/db/segments';
import type { ContactPage, CountOutcome, EvalOptions, SegmentRecord, WorkProgress } from './api';
import { eventsOf, type LoadedCampaign } from './campaign-cache';
import { rowsOf } from './contact-query';
import { errorMessage, isoAt, type EngineContext } from './engine-context';

export const DEFAULT_SEGMENT_NAME = 'All participants';

export function everyoneDefinition(): Definition {
  return { version: 1, root: { kind: 'group', match: 'all', children: [] } };
}

type Signal = { cancelled: boolean };

/** Whether a definition has event or email conditions (which need the events read). */
export function usesEvents(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(usesEvents);
  if (!node || typeof node !== 'object') return false;
  const n = node as { kind?: unknown; root?: unknown; children?: unknown };
  if (n.kind === 'event' || n.kind === 'email') return true;
  return usesEvents(n.root) || usesEvents(n.children);
}

/** Problems with the evaluation options themselves (the page's clock, a zone it names). */
function optionErrors(options: EvalOptions): ValidationError[] {
  const errors: ValidationError[] = [];
  if (typeof options?.now !== 'string' || Number.isNaN(Date.parse(options.now))) {
    errors.push({
      path: 'options.now',
      message: `"now" must be an ISO date-time, got ${JSON.stringify(options?.now)}.`
    });
  }
  // No zone: the campaign's (always valid) is used.
  if (options?.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    errors.push({
      path: 'options.timeZone',
      message: `Unknown time zone ${JSON.stringify(options?.timeZone)} (expected an IANA name such as Europe/Brussels).`
    });
  }
  return errors;
}

export class SegmentService {
  private readonly channels = new Map<string, Signal>();

  constructor(private readonly ctx: EngineContext) {}

  /** Creates the campaign's default segment when it is missing. */
  async ensureDefault(campaignId: string): Promise<void> {
    const { db } = this.ctx;
    const existing = await db.segments
      .where('campaignId')
      .equals(campaignId)
      .filter((s) => s.isDefault)
      .first();
    if (existing) return;
    const at = isoAt(this.ctx);
    await db.segments.put({
      id: this.ctx.newId(),
      campaignId,
      name: DEFAULT_SEGMENT_NAME,
      description: 'Every contact of the campaign.',
      kind: 'dynamic',
      definition: everyoneDefinition(),
      autoUpdate: true,
      count: null,
      generatedAt: null,
      createdAt: at,
      updatedAt: at,
      isDefault: true
    });
  }

  async listSegments(campaignId: string): Promise<SegmentRecord[]> {
    await this.ctx.ready;
    const campaign = await getCampaignRow(this.ctx.db, campaignId);
    if (!campaign) return [];
    await this.ensureDefault(campaignId);
    const rows = await listSegmentRows(this.ctx.db, campaignId);
    // The default segment is everyone, always current: its count is the contact count.
    return rows.map((s) =>
      s.isDefault ? { ...s, count: campaign.contactCount, generatedAt: campaign.updatedAt } : s
    );
  }

  private async schema(campaignId: string, selfId?: string) {
    const campaign = await getCampaignRow(this.ctx.db, campaignId);
    if (!campaign) throw new Error('This campaign does not exist (it may have been deleted).');
    const segments = await listSegmentRows(this.ctx.db, campaignId);
    return {
      campaign,
      schema: {
        fields: campaign.fields,
        eventTypes: campaign.eventTypes,
        segments: segments.map((s) => ({
          id: s.id,
          name: s.name,
          references: s.definition ? segmentReferences(s.definition) : []
        })),
        selfId
      }
    };
  }

  async validate(
    campaignId: string,
    definition: unknown,
    selfId?: string
  ): Promise<ValidationError[]> {
    await this.ctx.ready;
    const { schema } = await this.schema(campaignId, selfId);
    return validateDefinition(definition, schema);
  }

  async saveSegment(
    segment: Partial<SegmentRecord> & { campaignId: string; name: string }
  ): Promise<SegmentRecord> {
    await this.ctx.ready;
    const { db } = this.ctx;
    const name = segment.name.trim();
    if (!name) throw new Error('A segment needs a name.');
    const previous = segment.id ? await db.segments.get(segment.id) : undefined;
    if (previous && previous.campaignId !== segment.campaignId) {
      throw new Error('A segment cannot move to another campaign.');
    }
    const kind = previous?.isDefault ? 'dynamic' : (segment.kind ?? previous?.kind ?? 'dynamic');
    const definition = previous?.isDefault
      ? everyoneDefinition()
      : segment.definition !== undefined
        ? segment.definition
        : (previous?.definition ?? (kind === 'dynamic' ? everyoneDefinition() : null));
    const id = previous?.id ?? segment.id ?? this.ctx.newId();
    if (definition !== null) {
      const errors = await this.validate(segment.campaignId, definition, id);
      if (errors.length > 0) {
        throw new Error(
          `The segment "${name}" cannot be saved: ${errors.map((e) => `${e.message} (${e.path})`).join('; ')}`
        );
      }
    }
    const at = isoAt(this.ctx);
    const definitionChanged =
      !!previous && JSON.stringify(previous.definition) !== JSON.stringify(definition);
    const row: SegmentRow = {
      id,
      campaignId: segment.campaignId,
      name,
      description: segment.description ?? previous?.description ?? '',
      kind,
      definition,
      autoUpdate: segment.autoUpdate ?? previous?.autoUpdate ?? false,
      // A new definition makes the stored membership stale: it must be generated again.
      count: previous && !definitionChanged ? previous.count : null,
      generatedAt: previous && !definitionChanged ? previous.generatedAt : null,
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
      isDefault: previous?.isDefault ?? false
    };
    await db.transaction('rw', db.segments, db.memberships, async () => {
      await db.segments.put(row);
      if (definitionChanged) await db.memberships.delete(id);
    });
    this.forgetMembership(segment.campaignId, id);
    return row;
  }

  async deleteSegment(id: string): Promise<void> {
    await this.ctx.ready;
    const row = await this.ctx.db.segments.get(id);
    if (!row) return;
    if (row.isDefault)
      throw new Error(`"${row.name}" is the campaign's default segment; it cannot be deleted.`);
    await deleteSegmentRow(this.ctx.db, id);
    this.forgetMembership(row.campaignId, id);
  }

  private forgetMembership(campaignId: string, segmentId: string): void {
    const loaded = this.ctx.cache.peek(campaignId);
    if (loaded) {
      loaded.derived.memberships.delete(segmentId);
      loaded.derived.queries.clear();
    }
  }

  /**
   * A segment's membership as the user sees it, sized to the current contacts: everyone for the
   * default segment, the stored bitset otherwise, null when never generated.
   */
  async membership(loaded: LoadedCampaign, segmentId: string): Promise<Bitset | null> {
    const rowCount = loaded.contacts?.rowCount ?? 0;
    const cached = loaded.derived.memberships.get(segmentId);
    if (cached !== undefined) return cached;
    const segment = await this.ctx.db.segments.get(segmentId);
    let bits: Bitset | null = null;
    if (segment?.isDefault) bits = fullBitset(rowCount);
    else if (segment) {
      const stored = await getMembership(this.ctx.db, segmentId);
      if (stored) bits = resizeBitset(stored.bits, rowCount);
    }
    loaded.derived.memberships.set(segmentId, bits);
    return bits;
  }

  /** Memberships of every segment of the campaign (for a contact's detail). */
  async segmentsContaining(
    loaded: LoadedCampaign,
    row: number
  ): Promise<{ id: string; name: string }[]> {
    const segments = await this.listSegments(loaded.campaign.id);
    const out: { id: string; name: string }[] = [];
    for (const s of segments) {
      const bits = await this.membership(loaded, s.id);
      if (bits && getBit(bits, row)) out.push({ id: s.id, name: s.name });
    }
    return out;
  }

  private async evaluate(
    loaded: LoadedCampaign,
    definition: Definition,
    options: EvalOptions,
    signal?: Signal
  ): Promise<Bitset> {
    const refs = segmentReferences(definition);
    const members = new Map<string, Bitset | undefined>();
    for (const id of refs) members.set(id, (await this.membership(loaded, id)) ?? undefined);
    const contacts = loaded.contacts;
    if (!contacts) return new Uint32Array(0);
    return evaluateDefinition(
      definition,
      {
        contacts,
        events: usesEvents(definition) ? await eventsOf(loaded) : (loaded.events ?? loaded.noEvents)
      },
      {
        now: Date.parse(options.now),
        timeZone: options.timeZone ?? campaignTimeZone(loaded.campaign),
        segmentMembers: (id: string) => members.get(id),
        cache: loaded.derived.evaluation,
        signal
      }
    );
  }

  async count(
    campaignId: string,
    definition: unknown,
    options: EvalOptions,
    channel?: string
  ): Promise<CountOutcome> {
    await this.ctx.ready;
    const signal: Signal = { cancelled: false };
    if (channel !== undefined) {
      const older = this.channels.get(channel);
      if (older) older.cancelled = true;
      this.channels.set(channel, signal);
    }
    try {
      const errors = [...optionErrors(options), ...(await this.validate(campaignId, definition))];
      if (errors.length > 0) return { ok: false, errors };
      const loaded = await this.ctx.cache.get(campaignId);
      if (signal.cancelled) return { ok: false, cancelled: true };
      if (!loaded)
        return { ok: false, errors: [{ path: 'root', message: 'This campaign does not exist.' }] };
      const t0 = this.ctx.tick();
      const bits = await this.evaluate(loaded, definition as Definition, options, signal);
      if (signal.cancelled) return { ok: false, cancelled: true };
      return {
        ok: true,
        count: popcount(bits),
        total: loaded.contacts?.rowCount ?? 0,
        ms: Math.round((this.ctx.tick() - t0) * 10) / 10
      };
    } catch (err) {
      if (err instanceof EvaluationCancelled || signal.cancelled)
        return { ok: false, cancelled: true };
      return {
        ok: false,
        errors: [{ path: 'root', message: `The count failed: ${errorMessage(err)}` }]
      };
    } finally {
      if (channel !== undefined && this.channels.get(channel) === signal)
        this.channels.delete(channel);
    }
  }

  async generate(
    segmentId: string,
    options: EvalOptions,
    onProgress?: (p: WorkProgress) => void
  ): Promise<CountOutcome> {
    await this.ctx.ready;
    const send = (done: number, label: string) => {
      try {
        onProgress?.({ done, total: 3, label });
      } catch {
        // The page may have gone; generation goes on.
      }
    };
    const segment = await this.ctx.db.segments.get(segmentId);
    if (!segment)
      return { ok: false, errors: [{ path: 'root', message: 'This segment does not exist.' }] };
    send(0, 'Loading contacts');
    const loaded = await this.ctx.cache.get(segment.campaignId);
    if (!loaded)
      return { ok: false, errors: [{ path: 'root', message: 'This campaign does not exist.' }] };
    const total = loaded.contacts?.rowCount ?? 0;
    const t0 = this.ctx.tick();
    let bits: Bitset;
    if (segment.isDefault) {
      bits = fullBitset(total);
    } else if (segment.kind === 'dynamic' && segment.definition) {
      const errors = await this.validate(segment.campaignId, segment.definition, segment.id);
      if (errors.length > 0) return { ok: false, errors };
      send(1, 'Evaluating conditions');
      try {
        bits = await this.evaluate(loaded, segment.definition, options);
      } catch (err) {
        return {
          ok: false,
          errors: [{ path: 'root', message: `The generation failed: ${errorMessage(err)}` }]
        };
      }
    } else {
      // Manual members and list snapshots are what is stored; nothing to compute.
      const stored = await this.membership(loaded, segment.id);
      bits = stored ?? new Uint32Array(Math.ceil(total / 32));
    }
    send(2, 'Storing members');
    const count = popcount(bits);
    const generatedAt = isoAt(this.ctx);
    if (!segment.isDefault) {
      await storeMembership(this.ctx.db, {
        segmentId,
        campaignId: segment.campaignId,
        rowCount: total,
        bits,
        count,
        generatedAt
      });
    } else {
      await this.ctx.db.segments.update(segmentId, { count, generatedAt });
    }
    loaded.derived.memberships.set(segmentId, bits);
    for (const key of [...loaded.derived.queries.keys()]) {
      if (key.includes(JSON.stringify(segmentId))) loaded.derived.queries.delete(key);
    }
    send(3, 'Done');
    return { ok: true, count, total, ms: Math.round((this.ctx.tick() - t0) * 10) / 10 };
  }

  /** Regenerates the campaign's dynamic segments that update automatically. */
  async regenerateAutomatic(campaignId: string, options: EvalOptions): Promise<void> {
    const segments = await listSegmentRows(this.ctx.db, campaignId);
    for (const s of segments) {
      if (s.isDefault || s.kind !== 'dynamic' || !s.autoUpdate || !s.definition) continue;
      await this.generate(s.id, options);
    }
  }

  async members(segmentId: string, page: { offset: number; limit: number }): Promise<ContactPage> {
    await this.ctx.ready;
    const offset = Math.max(0, Math.floor(page.offset || 0));
    const limit = Math.max(0, Math.min(10_000, Math.floor(page.limit || 0)));
    const segment = await this.ctx.db.segments.get(segmentId);
    if (!segment) return { total: 0, offset, ids: [], rows: [] };
    const loaded = await this.ctx.cache.get(segment.campaignId);
    if (!loaded?.contacts) return { total: 0, offset, ids: [], rows: [] };
    const bits = await this.membership(loaded, segmentId);
    if (!bits) return { total: 0, offset, ids: [], rows: [] };
    const indices = toIndices(bits);
    const ids = Array.from(indices.subarray(offset, offset + limit));
    return { total: indices.length, offset, ids, rows: rowsOf(loaded.contacts, ids) };
  }

  async exportSql(
    campaignId: string,
    definition: unknown,
    dialect: 'duckdb' | 'postgres',
    options: EvalOptions
  ): Promise<{ ok: true; sql: string } | { ok: false; errors: ValidationError[] }> {
    await this.ctx.ready;
    const errors = [...optionErrors(options), ...(await this.validate(campaignId, definition))];
    if (errors.length > 0) return { ok: false, errors };
    const campaign = await getCampaignRow(this.ctx.db, campaignId);
    if (!campaign)
      return { ok: false, errors: [{ path: 'root', message: 'This campaign does not exist.' }] };
    const sql = toSql(definition as Definition, {
      fields: campaign.fields,
      identity: campaign.identity ?? 'id',
      dialect,
      now: Date.parse(options.now),
      timeZone: options.timeZone ?? campaignTimeZone(campaign)
    });
    return { ok: true, sql };
  }
}
