/**
 * Segments on the engine side: the default "All participants" segment of every campaign,
 * saving with validation, live counts (a newer count on the same channel cancels the older),
 * generation of stored memberships, paged members and SQL export.
 */
import type { EventTable } from '$lib/core/columns/types';
import { deliveryActivityTable } from '$lib/core/segment/delivery-activity';
import { definitionProblemsText } from '$lib/core/segment/definition-file';
import type { DeliveryService } from './delivery-service';
import {
  fullBitset,
  popcount,
  resizeBitset,
  toIndices,
  getBit,
  type Bitset
} from '$lib/core/columns/bitset';
import type { Definition, EmailCondition } from '$lib/core/segment/definition';
import {
  canonicalJson,
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
  recordGeneration,
  storeMembership,
  type SegmentRow
} from '$lib/db/segments';
import { foldText } from '$lib/core/text/fold';
import type { CampaignRow } from '$lib/db/campaigns';
import type {
  AutoUpdateStatus,
  ContactPage,
  CountOutcome,
  EvalOptions,
  PartCountsOutcome,
  SegmentRecord,
  SegmentUser,
  ValueCount,
  WorkProgress
} from './api';
import { eventsOf, type LoadedCampaign } from './campaign-cache';
import { rowsOf } from './contact-query';
import { errorMessage, isoAt, type EngineContext } from './engine-context';

export const DEFAULT_SEGMENT_NAME = 'All participants';

export function everyoneDefinition(): Definition {
  return { version: 1, root: { kind: 'group', match: 'all', children: [] } };
}

type Signal = { cancelled: boolean };

/** Which contact and event data a membership was computed on (see SegmentRecord.dataVersion). */
export function dataVersionOf(campaign: CampaignRow): string {
  return `${campaign.contactGeneration}:${campaign.eventGeneration}`;
}

/**
 * Finds what uses a segment. Segments' definitions are one finder; emailings register theirs,
 * so that deletion stays refused for every kind of user without this service knowing them.
 */
export type SegmentUsageFinder = (segment: SegmentRecord) => Promise<SegmentUser[]>;

/** Most frequent first, then alphabetical; at most `limit`. */
function topValues(counts: Map<string, number>, limit: number): ValueCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, limit);
}

function suggestionLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(200, Math.floor(limit ?? 20)));
}

/** Whether a definition (or any node under it) has a condition of one of `kinds`. */
function usesKind(node: unknown, kinds: readonly string[]): boolean {
  if (Array.isArray(node)) return node.some((child) => usesKind(child, kinds));
  if (!node || typeof node !== 'object') return false;
  const n = node as { kind?: unknown; root?: unknown; children?: unknown };
  if (kinds.includes(n.kind as string)) return true;
  return usesKind(n.root, kinds) || usesKind(n.children, kinds);
}

/** Whether a definition has an email condition (which reads the delivery activity too). */
export function usesEmail(node: unknown): boolean {
  return usesKind(node, ['email']);
}

/** Whether a definition has event or email conditions (which need the events read). */
export function usesEvents(node: unknown): boolean {
  return usesKind(node, ['event', 'email']);
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
  private readonly usageFinders: SegmentUsageFinder[] = [];
  private readonly updates = new Map<string, AutoUpdateStatus>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly delivery: DeliveryService
  ) {
    this.usageFinders.push((segment) => this.segmentsReferring(segment));
  }

  /** Adds a kind of user of segments (emailings) to the deletion check. */
  addUsageFinder(finder: SegmentUsageFinder): void {
    this.usageFinders.push(finder);
  }

  private async segmentsReferring(segment: SegmentRecord): Promise<SegmentUser[]> {
    const rows = await listSegmentRows(this.ctx.db, segment.campaignId);
    return rows
      .filter(
        (s) =>
          s.id !== segment.id &&
          s.definition &&
          segmentReferences(s.definition).includes(segment.id)
      )
      .map((s) => ({ kind: 'segment' as const, id: s.id, name: s.name }));
  }

  async segmentUsers(id: string): Promise<SegmentUser[]> {
    await this.ctx.ready;
    const row = await this.ctx.db.segments.get(id);
    if (!row) return [];
    const found = await Promise.all(this.usageFinders.map((find) => find(row)));
    return found.flat();
  }

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
    const version = dataVersionOf(campaign);
    // The default segment is everyone, always current: its count is the contact count.
    return rows.map((s) =>
      s.isDefault
        ? { ...s, count: campaign.contactCount, generatedAt: campaign.updatedAt, stale: false }
        : {
            ...s,
            stale:
              s.kind === 'dynamic' &&
              s.generatedAt !== null &&
              s.dataVersion != null &&
              s.dataVersion !== version
          }
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
    // An id names a segment being edited: if it is gone, another tab deleted it.
    if (segment.id && !previous)
      throw new Error(`The segment "${name}" was deleted (in another tab?): it is not saved.`);
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
    // A dynamic segment is its definition: without one (null) it is refused like a bad one.
    if (definition !== null || kind === 'dynamic') {
      const errors = await this.validate(segment.campaignId, definition, id);
      if (errors.length > 0) {
        throw new Error(`The segment "${name}" cannot be saved: ${definitionProblemsText(errors)}`);
      }
    }
    const at = isoAt(this.ctx);
    let row: SegmentRow | null = null;
    await db.transaction('rw', db.segments, db.memberships, async () => {
      // Read again in the transaction: another tab may have generated or edited the segment
      // since it was read above. What this save does not set (its count, generation, size
      // history; its definition when only the name or settings change) is kept as stored now.
      const fresh = previous ? await db.segments.get(id) : undefined;
      if (previous && !fresh) return;
      const saved =
        fresh && segment.definition === undefined && !fresh.isDefault
          ? fresh.definition
          : definition;
      const definitionChanged =
        !!fresh && JSON.stringify(fresh.definition) !== JSON.stringify(saved);
      const keep = !!fresh && !definitionChanged;
      row = {
        ...fresh,
        id,
        campaignId: segment.campaignId,
        name,
        description: segment.description ?? fresh?.description ?? '',
        kind,
        definition: saved,
        autoUpdate: segment.autoUpdate ?? fresh?.autoUpdate ?? false,
        // A new definition makes the stored membership stale: it must be generated again.
        count: keep ? fresh!.count : null,
        generatedAt: keep ? fresh!.generatedAt : null,
        createdAt: fresh?.createdAt ?? at,
        updatedAt: at,
        isDefault: fresh?.isDefault ?? false,
        dataVersion: keep ? (fresh!.dataVersion ?? null) : null,
        updateError: keep ? (fresh!.updateError ?? null) : null
      };
      await db.segments.put(row);
      if (definitionChanged) await db.memberships.delete(id);
    });
    if (!row)
      throw new Error(`The segment "${name}" was deleted (in another tab?): it is not saved.`);
    this.forgetMembership(segment.campaignId, id);
    return row;
  }

  async deleteSegment(id: string): Promise<void> {
    await this.ctx.ready;
    const row = await this.ctx.db.segments.get(id);
    if (!row) return;
    if (row.isDefault)
      throw new Error(`"${row.name}" is the campaign's default segment; it cannot be deleted.`);
    const users = await this.segmentUsers(id);
    if (users.length > 0) {
      const names = users.map((u) => `the ${u.kind} "${u.name}"`).join(', ');
      throw new Error(`"${row.name}" cannot be deleted: ${names} uses it.`);
    }
    await deleteSegmentRow(this.ctx.db, id);
    this.forgetMembership(row.campaignId, id);
  }

  async duplicateSegment(id: string): Promise<SegmentRecord> {
    await this.ctx.ready;
    const row = await this.ctx.db.segments.get(id);
    if (!row) throw new Error('This segment does not exist (it may have been deleted).');
    const names = new Set(
      (await listSegmentRows(this.ctx.db, row.campaignId)).map((s) => s.name.toLowerCase())
    );
    let name = `Copy of ${row.name}`;
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `Copy of ${row.name} (${n})`;
    const at = isoAt(this.ctx);
    // A copy of the default segment is an ordinary "everyone" segment the user may change.
    const copy: SegmentRow = {
      ...row,
      id: this.ctx.newId(),
      name,
      kind: row.kind,
      definition: row.definition ? structuredClone(row.definition) : null,
      count: null,
      generatedAt: null,
      dataVersion: null,
      updateError: null,
      // The copy's generations are its own.
      sizeHistory: [],
      createdAt: at,
      updatedAt: at,
      isDefault: false
    };
    const stored = row.kind === 'dynamic' ? undefined : await getMembership(this.ctx.db, id);
    await this.ctx.db.transaction('rw', this.ctx.db.segments, this.ctx.db.memberships, async () => {
      await this.ctx.db.segments.put(copy);
      // Manual members and list snapshots are the segment itself: the copy gets them too.
      if (stored) {
        await this.ctx.db.memberships.put({ ...stored, segmentId: copy.id, generatedAt: at });
        await this.ctx.db.segments.update(copy.id, {
          count: stored.count,
          generatedAt: at,
          dataVersion: row.dataVersion ?? null
        });
      }
    });
    return (await this.ctx.db.segments.get(copy.id)) ?? copy;
  }

  /**
   * Stores members given as they are (manual members, a list's snapshot), sized to the current
   * contacts, and makes every view of them (contacts browser, counts) see the new ones.
   */
  async storeMembers(loaded: LoadedCampaign, segmentId: string, bits: Bitset): Promise<number> {
    const count = popcount(bits);
    await storeMembership(this.ctx.db, {
      segmentId,
      campaignId: loaded.campaign.id,
      rowCount: loaded.contacts?.rowCount ?? 0,
      bits,
      count,
      generatedAt: isoAt(this.ctx)
    });
    await this.ctx.db.segments.update(segmentId, {
      dataVersion: `${loaded.contactGeneration}:${loaded.eventGeneration}`,
      updateError: null
    });
    this.forgetMembership(loaded.campaign.id, segmentId);
    return count;
  }

  /** Members of a definition now (not stored), for snapshots of never-generated segments. */
  evaluateNow(
    loaded: LoadedCampaign,
    definition: Definition,
    options: EvalOptions
  ): Promise<Bitset> {
    return this.evaluate(loaded, definition, options);
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
    const activity = usesEmail(definition) ? await this.deliveryActivity(loaded) : null;
    return evaluateDefinition(
      definition,
      {
        contacts,
        events: usesEvents(definition)
          ? await eventsOf(loaded)
          : (loaded.events ?? loaded.noEvents),
        delivery: activity?.table
      },
      {
        now: Date.parse(options.now),
        timeZone: options.timeZone ?? campaignTimeZone(loaded.campaign),
        segmentMembers: (id: string) => members.get(id),
        cache: loaded.derived.evaluation,
        deliveryVersion: activity?.version,
        signal
      }
    );
  }

  /**
   * Contacts with an email activity (the contacts browser's filter), with a key that changes
   * when the result may (the condition, its time inputs, the delivery store's version).
   */
  async emailFilter(
    loaded: LoadedCampaign,
    filter: { condition: EmailCondition; now: string }
  ): Promise<{ bits: Bitset; key: string }> {
    const definition: Definition = {
      version: 1,
      root: { kind: 'group', match: 'all', children: [filter.condition] }
    };
    const errors = validateDefinition(definition, { fields: loaded.contacts?.fields ?? [] });
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join(' '));
    const bits = await this.evaluate(loaded, definition, { now: filter.now });
    // The delivery activity that evaluation read (it holds it on the campaign).
    const version = loaded.derived.deliveryActivity?.version ?? '';
    const relative = filter.condition.window && 'last' in filter.condition.window;
    const key = `${canonicalJson(filter.condition)}#${version}#${loaded.eventGeneration}${relative ? '@' + filter.now : ''}`;
    return { bits, key };
  }

  /**
   * The delivery activity of the loaded campaign as email conditions read it, rebuilt when
   * the delivery store changed (a relay poll, a provider export, another tab's append).
   */
  async deliveryActivity(loaded: LoadedCampaign): Promise<{ version: number; table: EventTable }> {
    const { meta, columns } = await this.delivery.storedColumns(loaded.campaign.id);
    const held = loaded.derived.deliveryActivity;
    const rowCount = loaded.contacts?.rowCount ?? 0;
    if (held && held.version === meta.version && held.table.offsets.length === rowCount + 1)
      return held;
    const table = deliveryActivityTable(columns, rowCount);
    loaded.derived.deliveryActivity = { version: meta.version, table };
    return loaded.derived.deliveryActivity;
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
    const { db } = this.ctx;
    // Members, count, time and data version in one transaction: a tab closed at any point
    // leaves the previous generation whole, never members of one run with the count of another.
    const stored = await db.transaction('rw', db.segments, db.memberships, async () => {
      const fresh = await db.segments.get(segmentId);
      if (!fresh) return 'deleted' as const;
      // Edited meanwhile (in another tab): these members are those of the old definition.
      if (JSON.stringify(fresh.definition) !== JSON.stringify(segment.definition))
        return 'changed' as const;
      if (!segment.isDefault) {
        await storeMembership(db, {
          segmentId,
          campaignId: segment.campaignId,
          rowCount: total,
          bits,
          count,
          generatedAt
        });
      } else {
        await recordGeneration(db, segmentId, count, generatedAt);
      }
      await db.segments.update(segmentId, {
        dataVersion: `${loaded.contactGeneration}:${loaded.eventGeneration}`,
        updateError: null
      });
      return 'stored' as const;
    });
    if (stored !== 'stored') {
      const message =
        stored === 'deleted'
          ? 'This segment was deleted while it was generated.'
          : 'This segment was changed while it was generated (in another tab?): generate it again.';
      return { ok: false, errors: [{ path: 'root', message }] };
    }
    loaded.derived.memberships.set(segmentId, bits);
    for (const key of [...loaded.derived.queries.keys()]) {
      if (key.includes(JSON.stringify(segmentId))) loaded.derived.queries.delete(key);
    }
    send(3, 'Done');
    return { ok: true, count, total, ms: Math.round((this.ctx.tick() - t0) * 10) / 10 };
  }

  /**
   * Regenerates the campaign's dynamic segments that update automatically, segments used by
   * others first. A failure is written on its segment (updateError) and the others go on;
   * autoUpdateStatus() reports the progress.
   */
  async regenerateAutomatic(
    campaignId: string,
    evalOptions: EvalOptions | (() => Promise<EvalOptions>)
  ): Promise<void> {
    // Marked running before anything is awaited, so a page asking right after the import's
    // result never sees the previous run's finished status.
    const status: AutoUpdateStatus = {
      campaignId,
      running: true,
      done: 0,
      total: 0,
      current: null,
      failures: []
    };
    this.updates.set(campaignId, status);
    try {
      const options = typeof evalOptions === 'function' ? await evalOptions() : evalOptions;
      const segments = await listSegmentRows(this.ctx.db, campaignId);
      const auto = segments.filter(
        (s) => !s.isDefault && s.kind === 'dynamic' && s.autoUpdate && s.definition
      );
      status.total = auto.length;
      for (const s of dependencyOrder(auto)) {
        status.current = s.name;
        let message: string | null = null;
        try {
          const outcome = await this.generate(s.id, options);
          if (!outcome.ok)
            message =
              'errors' in outcome
                ? outcome.errors.map((e) => e.message).join(' ')
                : 'The update was cancelled.';
        } catch (err) {
          message = errorMessage(err);
        }
        if (message !== null) {
          status.failures.push({ id: s.id, name: s.name, message });
          await this.ctx.db.segments
            .update(s.id, { updateError: `Automatic update failed: ${message}` })
            .catch(() => undefined);
        }
        status.done++;
      }
    } finally {
      status.running = false;
      status.current = null;
    }
  }

  async autoUpdateStatus(campaignId: string): Promise<AutoUpdateStatus | null> {
    const status = this.updates.get(campaignId);
    return status ? structuredClone(status) : null;
  }

  async countParts(
    campaignId: string,
    definition: unknown,
    options: EvalOptions,
    channel?: string
  ): Promise<PartCountsOutcome> {
    await this.ctx.ready;
    const signal: Signal = { cancelled: false };
    const key = channel === undefined ? undefined : `parts:${channel}`;
    if (key !== undefined) {
      const older = this.channels.get(key);
      if (older) older.cancelled = true;
      this.channels.set(key, signal);
    }
    try {
      const optionProblems = optionErrors(options);
      if (optionProblems.length > 0) return { ok: false, errors: optionProblems };
      const root = (definition as { root?: { children?: unknown } } | null)?.root;
      const children = Array.isArray(root?.children) ? root.children : [];
      const loaded = await this.ctx.cache.get(campaignId);
      if (!loaded)
        return { ok: false, errors: [{ path: 'root', message: 'This campaign does not exist.' }] };
      const counts: (number | null)[] = [];
      for (const child of children) {
        if (signal.cancelled) return { ok: false, cancelled: true };
        const part = { version: 1, root: { kind: 'group', match: 'all', children: [child] } };
        if ((await this.validate(campaignId, part)).length > 0) {
          counts.push(null);
          continue;
        }
        const bits = await this.evaluate(loaded, part as Definition, options, signal);
        counts.push(popcount(bits));
      }
      if (signal.cancelled) return { ok: false, cancelled: true };
      return { ok: true, counts, total: loaded.contacts?.rowCount ?? 0 };
    } catch (err) {
      if (err instanceof EvaluationCancelled || signal.cancelled)
        return { ok: false, cancelled: true };
      return {
        ok: false,
        errors: [{ path: 'root', message: `The count failed: ${errorMessage(err)}` }]
      };
    } finally {
      if (key !== undefined && this.channels.get(key) === signal) this.channels.delete(key);
    }
  }

  async fieldValues(
    campaignId: string,
    field: string,
    options: { prefix?: string; limit?: number } = {}
  ): Promise<ValueCount[]> {
    await this.ctx.ready;
    const loaded = await this.ctx.cache.get(campaignId);
    const column = loaded?.contacts?.columns[field];
    if (!column || column.kind !== 'string') return [];
    const perCode = new Uint32Array(column.dict.length);
    for (let i = 0; i < column.codes.length; i++) perCode[column.codes[i]]++;
    const prefix = foldText(options.prefix ?? '');
    const counts = new Map<string, number>();
    for (let code = 1; code < column.dict.length; code++) {
      if (perCode[code] === 0) continue;
      const value = column.dict[code];
      if (prefix && !foldText(value).includes(prefix)) continue;
      counts.set(value, (counts.get(value) ?? 0) + perCode[code]);
    }
    return topValues(counts, suggestionLimit(options.limit));
  }

  async eventTargets(
    campaignId: string,
    types: string[],
    options: { prefix?: string; limit?: number } = {}
  ): Promise<ValueCount[]> {
    await this.ctx.ready;
    const loaded = await this.ctx.cache.get(campaignId);
    if (!loaded?.contacts) return [];
    const events = await eventsOf(loaded);
    const wanted = new Set(types);
    const typeCodes = new Uint8Array(events.types.length);
    events.types.forEach((t, i) => (typeCodes[i] = wanted.has(t) ? 1 : 0));
    const perCode = new Uint32Array(events.targets.length);
    for (let i = 0; i < events.count; i++)
      if (typeCodes[events.type[i]]) perCode[events.target[i]]++;
    const prefix = foldText(options.prefix ?? '');
    const counts = new Map<string, number>();
    for (let code = 1; code < events.targets.length; code++) {
      if (perCode[code] === 0) continue;
      const value = events.targets[code];
      if (prefix && !foldText(value).includes(prefix)) continue;
      counts.set(value, perCode[code]);
    }
    return topValues(counts, suggestionLimit(options.limit));
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

/** Segments ordered so that one comes after every segment of the list it refers to. */
function dependencyOrder(segments: SegmentRow[]): SegmentRow[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const out: SegmentRow[] = [];
  const seen = new Set<string>();
  const visit = (s: SegmentRow) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    for (const ref of s.definition ? segmentReferences(s.definition) : []) {
      const dep = byId.get(ref);
      if (dep) visit(dep);
    }
    out.push(s);
  };
  segments.forEach(visit);
  return out;
}
