/**
 * The delivery-event store of the worker: it owns reading a campaign's DeliveryColumns (held in
 * the campaign cache, checked against the store's version on every call, so a write by another
 * tab is never served stale) and appending to them. An append is one transaction: cancelled or
 * failed, it changes nothing. Callers that must write something else atomically with the events
 * (the relay cursor, the send ledger) plan the append, write it in their own transaction, and
 * tell the service once it committed.
 *
 * What the dashboards and segment conditions call: `deliveryColumns(campaignId)`.
 */
import { DELIVERY_KINDS, messageKey } from '$lib/core/analytics/delivery-columns';
import {
  BOUNCE_HARD,
  BOUNCE_NONE,
  BOUNCE_SOFT,
  type CountingColumns,
  type DeliveryColumns
} from '$lib/core/analytics/delivery-columns';
import type { DeliveryEvent } from '$lib/core/analytics/delivery-event';
import { figuresOfColumns } from '$lib/core/analytics/columns-figures';
import type { DeliveryFigures } from '$lib/core/analytics/delivery-report';
import { messageId as ledgerMessageId } from '$lib/core/email/batch-plan';
import type { BounceClassRow } from '$lib/db/bounce-classes';
import type { NumericArray } from '$lib/db/chunk-store';
import {
  compactDelivery,
  DELIVERY_ARRAYS,
  DELIVERY_ARRAY_CTOR,
  DELIVERY_DICTS,
  DeliveryStoreChanged,
  readCountingColumns,
  readDeliveryColumns,
  readDeliveryMeta,
  wantsCompaction,
  writeDeliveryAddition,
  type DeliveryAddition,
  type DeliveryArray,
  type DeliveryDict,
  type DeliveryMeta
} from '$lib/db/delivery-chunks';
import type { BounceReason, ContactMessage, MessageStep } from './delivery-api';
import type { EngineContext } from './engine-context';

/** A delivery event with the contact row it belongs to (-1 when no contact matched). */
export interface MatchedEvent extends DeliveryEvent {
  contact: number;
}

export interface AppendOptions {
  /**
   * Leave out events the store already holds (same message, kind, time, machine flag, bounce,
   * reason and URL), counting repeats: a file imported twice adds nothing, while two identical
   * rows of one file both count. Relay events and send results need none (their cursor and
   * batch state are written in the same transaction).
   */
  dedupe?: boolean;
  signal?: AbortSignal;
}

/** An append computed against the store as it was at `base`; written by writePlan. */
export interface DeliveryPlan {
  campaignId: string;
  base: DeliveryMeta;
  addition: DeliveryAddition;
  /** Base and addition together: what the store holds once the plan is written. */
  merged: DeliveryColumns;
  indexes: DictIndexes;
  added: number;
  duplicates: number;
}

type DictIndexes = Record<DeliveryDict, Map<string, number>>;

const KIND_CODE = new Map(DELIVERY_KINDS.map((k, i) => [k, i]));

function indexOf(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < values.length; i++) map.set(values[i], i);
  return map;
}

function concat<T extends NumericArray>(a: T, b: NumericArray): T {
  const out = new (a.constructor as { new (n: number): T })(a.length + b.length);
  out.set(a);
  out.set(b as never, a.length);
  return out;
}

/** The identity of stored event i for de-duplication. */
function eventKey(c: DeliveryColumns, i: number): string {
  return `${c.message[i]}|${c.kind[i]}|${c.at[i]}|${c.machine[i]}|${c.bounce[i]}|${c.reason[i]}|${c.url[i]}`;
}

export class DeliveryService {
  /** Dictionary indexes of held columns, built once per columns object. */
  private readonly indexes = new WeakMap<DeliveryColumns, DictIndexes>();

  /** Work at start that adds events (sent-events-backfill.ts); readers wait for it. */
  private startWork: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: EngineContext) {}

  /** Makes the dashboards and segment conditions wait for `work` (its failure aside). */
  waitAtStart(work: Promise<unknown>): void {
    this.startWork = work.catch(() => undefined);
  }

  /**
   * The campaign's events as stored (bounce classes as the source gave them), once the work
   * at start that adds events is done (so an upgraded database shows its earlier sends).
   */
  async storedColumns(
    campaignId: string
  ): Promise<{ meta: DeliveryMeta; columns: DeliveryColumns }> {
    await this.startWork;
    return this.storedColumnsNow(campaignId);
  }

  /** storedColumns without waiting for the start work (for writers and that work itself). */
  async storedColumnsNow(
    campaignId: string
  ): Promise<{ meta: DeliveryMeta; columns: DeliveryColumns }> {
    await this.ctx.ready;
    const { db, cache } = this.ctx;
    const meta = await readDeliveryMeta(db, campaignId);
    const held = cache.heldDelivery(campaignId, meta.version);
    if (held) return { meta, columns: held };
    const read = await readDeliveryColumns(db, campaignId);
    cache.holdDelivery(campaignId, read.meta.version, read.columns);
    return read;
  }

  /**
   * The campaign's delivery events, with the user's hard/soft class per bounce reason applied
   * to `bounce` (the only column that differs from what is stored). This is the call segment
   * conditions make; the columns are shared: never write into them.
   */
  async deliveryColumns(campaignId: string): Promise<DeliveryColumns> {
    const { columns } = await this.storedColumns(campaignId);
    return applyBounceClasses(columns, await this.bounceClassRows(campaignId));
  }

  /**
   * What counting needs of the campaign's delivery events (no contact rows or message keys),
   * bounce classes applied as in deliveryColumns: the dashboards' call. Whole columns held are
   * used as they are; otherwise only the counting part is read (and held), so a first
   * dashboard reads a third less of the store and decodes no message key.
   */
  async countingColumns(campaignId: string): Promise<CountingColumns> {
    await this.startWork;
    await this.ctx.ready;
    const { db, cache } = this.ctx;
    const meta = await readDeliveryMeta(db, campaignId);
    let counting = cache.heldCounting(campaignId, meta.version);
    if (!counting) {
      const read = await readCountingColumns(db, campaignId);
      // A write between the two meta reads: hold what was read at its own version.
      cache.holdCounting(campaignId, read.meta.version, read.columns);
      counting = read.columns;
    }
    return applyBounceClasses(counting, await this.bounceClassRows(campaignId));
  }

  private bounceClassRows(campaignId: string): Promise<BounceClassRow[]> {
    return this.ctx.db.bounceClasses.where('campaignId').equals(campaignId).toArray();
  }

  /** The campaign's delivery figures (of one emailing when given), as slice report counts them. */
  async deliveryFigures(campaignId: string, emailing?: string): Promise<DeliveryFigures> {
    return figuresOfColumns(await this.deliveryColumns(campaignId), emailing);
  }

  /** The user's class per bounce reason of a campaign. */
  async bounceClasses(campaignId: string): Promise<Map<string, 'hard' | 'soft'>> {
    const rows = await this.ctx.db.bounceClasses.where('campaignId').equals(campaignId).toArray();
    return new Map(rows.map((r) => [r.reason, r.bounce]));
  }

  /** The campaign's bounce reasons, most frequent first, with their class and the user's. */
  async bounceReasons(campaignId: string): Promise<BounceReason[]> {
    const { columns } = await this.storedColumns(campaignId);
    const overrides = await this.bounceClasses(campaignId);
    const hard = new Uint32Array(columns.reasons.length);
    const soft = new Uint32Array(columns.reasons.length);
    for (let i = 0; i < columns.count; i++) {
      const b = columns.bounce[i];
      if (b === BOUNCE_HARD) hard[columns.reason[i]]++;
      else if (b === BOUNCE_SOFT) soft[columns.reason[i]]++;
    }
    const out: BounceReason[] = [];
    for (let c = 0; c < columns.reasons.length; c++) {
      if (hard[c] + soft[c] === 0) continue;
      const reason = columns.reasons[c];
      out.push({
        reason: c === 0 ? '' : reason,
        bounces: hard[c] + soft[c],
        source: hard[c] >= soft[c] ? 'hard' : 'soft',
        override: overrides.get(reason) ?? null
      });
    }
    return out.sort((a, b) => b.bounces - a.bounces || a.reason.localeCompare(b.reason));
  }

  async setBounceClass(
    campaignId: string,
    reason: string,
    bounce: 'hard' | 'soft' | null
  ): Promise<void> {
    await this.ctx.ready;
    if (bounce === null) await this.ctx.db.bounceClasses.delete([campaignId, reason]);
    else if (bounce === 'hard' || bounce === 'soft')
      await this.ctx.db.bounceClasses.put({ campaignId, reason, bounce });
    else throw new Error(`"${String(bounce)}" is not a bounce class (hard or soft).`);
  }

  /**
   * Every message of one contact, from the send ledger (Slice's emailings, even those not
   * handed over yet) and the delivery events (relay and imported), each with its history in
   * time order; messages in the order they were first sent.
   */
  async contactMessages(campaignId: string, contactId: number): Promise<ContactMessage[]> {
    await this.ctx.ready;
    const { db } = this.ctx;
    const c = await this.deliveryColumns(campaignId);
    const emailings = await db.emailings.where('campaignId').equals(campaignId).toArray();
    const names = new Map(emailings.map((e) => [e.id, e.name]));
    const byMessage = new Map<number, number[]>();
    for (let i = 0; i < c.count; i++) {
      if (c.contact[i] !== contactId) continue;
      let list = byMessage.get(c.message[i]);
      if (!list) byMessage.set(c.message[i], (list = []));
      list.push(i);
    }
    const out: (ContactMessage & { first: number })[] = [];
    const seen = new Set<string>();
    for (const [code, rows] of byMessage) {
      rows.sort((a, b) => c.at[a] - c.at[b] || a - b);
      const key = c.messages[code];
      const messageId = key.startsWith('\u0000') ? '' : key.slice(0, key.indexOf('\u0000'));
      const emailing = c.emailings[c.emailing[rows[0]]];
      const steps: MessageStep[] = rows.map((i) => ({
        kind: DELIVERY_KINDS[c.kind[i]],
        at: new Date(c.at[i]).toISOString(),
        machine: c.machine[i] === 1,
        bounce: c.bounce[i] === BOUNCE_HARD ? 'hard' : c.bounce[i] === BOUNCE_SOFT ? 'soft' : null,
        reason: c.reason[i] ? c.reasons[c.reason[i]] : null,
        url: c.url[i] ? c.urls[c.url[i]] : null
      }));
      const ledger =
        names.has(emailing) && messageId
          ? await db.sendLedger.get([emailing, messageId])
          : undefined;
      if (ledger) seen.add(`${ledger.emailingId}\u0000${ledger.messageId}`);
      out.push({
        emailing,
        name: names.get(emailing) ?? null,
        messageId,
        ledgerState: ledger?.state ?? null,
        ledgerReason: ledger?.reason ?? null,
        steps,
        first: c.at[rows[0]]
      });
    }
    // Ledger rows with no event yet (queued, skipped): shown with their state.
    for (const e of emailings) {
      const r = await db.sendLedger.get([e.id, ledgerMessageId(e.id, contactId)]);
      if (!r || seen.has(`${r.emailingId}\u0000${r.messageId}`)) continue;
      out.push({
        emailing: e.id,
        name: e.name,
        messageId: r.messageId,
        ledgerState: r.state,
        ledgerReason: r.reason,
        steps: [],
        first: Date.parse(r.handedAt ?? e.createdAt)
      });
    }
    return out.sort((a, b) => a.first - b.first).map(({ first: _first, ...m }) => m);
  }

  private indexesOf(columns: DeliveryColumns): DictIndexes {
    let idx = this.indexes.get(columns);
    if (!idx) {
      idx = {
        messages: indexOf(columns.messages),
        emailings: indexOf(columns.emailings),
        reasons: indexOf(columns.reasons),
        urls: indexOf(columns.urls)
      };
      this.indexes.set(columns, idx);
    }
    return idx;
  }

  /** Computes an append of `events` against the store as it is now (nothing written). */
  async plan(
    campaignId: string,
    events: readonly MatchedEvent[],
    options: AppendOptions = {}
  ): Promise<DeliveryPlan> {
    const { meta: base, columns } = await this.storedColumnsNow(campaignId);
    const baseIdx = this.indexesOf(columns);
    // New dictionary entries live apart until the plan is written: a plan never written
    // must leave the held indexes as they were.
    const fresh: Record<DeliveryDict, string[]> = {
      messages: [],
      emailings: [],
      reasons: [],
      urls: []
    };
    const freshIdx: DictIndexes = {
      messages: new Map(),
      emailings: new Map(),
      reasons: new Map(),
      urls: new Map()
    };
    const code = (dict: DeliveryDict, value: string | undefined): number => {
      if (!value) return 0;
      const known = baseIdx[dict].get(value);
      if (known !== undefined) return known;
      let c = freshIdx[dict].get(value);
      if (c === undefined) {
        c = columns[dict].length + fresh[dict].length;
        fresh[dict].push(value);
        freshIdx[dict].set(value, c);
      }
      return c;
    };
    const n = events.length;
    const arrays = Object.fromEntries(
      DELIVERY_ARRAYS.map((name) => [name, new DELIVERY_ARRAY_CTOR[name](n)])
    ) as Record<DeliveryArray, NumericArray>;
    const messageCodes = new Uint32Array(n);
    for (let i = 0; i < n; i++) messageCodes[i] = code('messages', messageKey(events[i]));
    // Existing events of the messages this append touches, by identity, with their counts.
    let existing: Map<string, number> | null = null;
    if (options.dedupe && columns.count > 0) {
      const touched = new Set<number>();
      for (let i = 0; i < n; i++)
        if (messageCodes[i] < columns.messages.length) touched.add(messageCodes[i]);
      if (touched.size > 0) {
        existing = new Map();
        for (let i = 0; i < columns.count; i++) {
          if (!touched.has(columns.message[i])) continue;
          const k = eventKey(columns, i);
          existing.set(k, (existing.get(k) ?? 0) + 1);
        }
      }
    }
    let m = 0;
    let duplicates = 0;
    for (let i = 0; i < n; i++) {
      const e = events[i];
      const kind = KIND_CODE.get(e.kind);
      if (kind === undefined) throw new Error(`"${e.kind}" is not a delivery event kind.`);
      if (!Number.isFinite(e.at)) throw new Error('A delivery event has no time.');
      arrays.kind[m] = kind;
      arrays.at[m] = e.at;
      arrays.machine[m] = e.machine ? 1 : 0;
      arrays.bounce[m] =
        e.bounce === 'hard' ? BOUNCE_HARD : e.bounce === 'soft' ? BOUNCE_SOFT : BOUNCE_NONE;
      arrays.message[m] = messageCodes[i];
      arrays.contact[m] = e.contact;
      arrays.emailing[m] = code('emailings', e.emailing);
      arrays.reason[m] = code('reasons', e.reason);
      arrays.url[m] = code('urls', e.url);
      if (existing) {
        const k = `${arrays.message[m]}|${kind}|${e.at}|${arrays.machine[m]}|${arrays.bounce[m]}|${arrays.reason[m]}|${arrays.url[m]}`;
        const left = existing.get(k);
        if (left) {
          existing.set(k, left - 1);
          duplicates++;
          continue;
        }
      }
      m++;
    }
    if (m < n)
      for (const name of DELIVERY_ARRAYS) arrays[name] = arrays[name].slice(0, m) as NumericArray;
    const merged: DeliveryColumns = {
      count: columns.count + m,
      kind: concat(columns.kind, arrays.kind),
      at: concat(columns.at, arrays.at),
      machine: concat(columns.machine, arrays.machine),
      bounce: concat(columns.bounce, arrays.bounce),
      message: concat(columns.message, arrays.message),
      messages: fresh.messages.length ? [...columns.messages, ...fresh.messages] : columns.messages,
      contact: concat(columns.contact, arrays.contact),
      emailing: concat(columns.emailing, arrays.emailing),
      emailings: fresh.emailings.length
        ? [...columns.emailings, ...fresh.emailings]
        : columns.emailings,
      reason: concat(columns.reason, arrays.reason),
      reasons: fresh.reasons.length ? [...columns.reasons, ...fresh.reasons] : columns.reasons,
      url: concat(columns.url, arrays.url),
      urls: fresh.urls.length ? [...columns.urls, ...fresh.urls] : columns.urls
    };
    // Indexes of the merged columns: the base's (copied only when they grow) plus the new.
    const indexes = {} as DictIndexes;
    for (const dict of DELIVERY_DICTS) {
      if (fresh[dict].length === 0) indexes[dict] = baseIdx[dict];
      else {
        const map = new Map(baseIdx[dict]);
        for (const [k, v] of freshIdx[dict]) map.set(k, v);
        indexes[dict] = map;
      }
    }
    return {
      campaignId,
      base,
      addition: { count: m, arrays, newEntries: fresh },
      merged,
      indexes,
      added: m,
      duplicates
    };
  }

  /**
   * Writes a plan inside the caller's read-write transaction (which must include
   * `deliveryChunks`); throws DeliveryStoreChanged when the store moved since the plan.
   */
  async writePlan(plan: DeliveryPlan): Promise<DeliveryMeta> {
    const { db } = this.ctx;
    if (plan.added === 0 && !wantsCompaction(plan.base)) {
      const current = await readDeliveryMeta(db, plan.campaignId);
      if (current.version !== plan.base.version)
        throw new DeliveryStoreChanged('The delivery events changed while new ones were added.');
      return plan.base;
    }
    if (wantsCompaction(plan.base))
      return compactDelivery(db, plan.campaignId, plan.base, plan.merged);
    return writeDeliveryAddition(db, plan.campaignId, plan.base, plan.addition);
  }

  /** After the transaction that wrote `plan` committed: the cache holds the merged columns. */
  committed(plan: DeliveryPlan, meta: DeliveryMeta): void {
    if (meta.version === plan.base.version) return;
    this.indexes.set(plan.merged, plan.indexes);
    this.ctx.cache.holdDelivery(plan.campaignId, meta.version, plan.merged);
  }

  /**
   * Appends events in one transaction (re-planned once if another tab appended meanwhile).
   * A cancelled signal before the commit leaves the store unchanged.
   */
  async append(
    campaignId: string,
    events: readonly MatchedEvent[],
    options: AppendOptions = {}
  ): Promise<{ added: number; duplicates: number }> {
    const { db } = this.ctx;
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      const plan = await this.plan(campaignId, events, options);
      let meta: DeliveryMeta;
      try {
        meta = await db.transaction('rw', db.deliveryChunks, async () => {
          options.signal?.throwIfAborted();
          return this.writePlan(plan);
        });
      } catch (err) {
        if (err instanceof DeliveryStoreChanged && attempt < 2) continue;
        throw err;
      }
      this.committed(plan, meta);
      return { added: plan.added, duplicates: plan.duplicates };
    }
  }
}

/** `columns` with each bounce's class replaced by the user's class for its reason. */
export function applyBounceClasses<C extends CountingColumns>(
  columns: C,
  overrides: readonly Pick<BounceClassRow, 'reason' | 'bounce'>[]
): C {
  if (overrides.length === 0) return columns;
  const byCode = new Uint8Array(columns.reasons.length);
  let any = false;
  const index = new Map<string, number>();
  for (let i = 0; i < columns.reasons.length; i++) index.set(columns.reasons[i], i);
  for (const o of overrides) {
    const c = index.get(o.reason);
    if (c === undefined || c === 0) continue;
    byCode[c] = o.bounce === 'hard' ? BOUNCE_HARD : BOUNCE_SOFT;
    any = true;
  }
  if (!any) return columns;
  const bounce = columns.bounce.slice();
  for (let i = 0; i < columns.count; i++) {
    const o = byCode[columns.reason[i]];
    if (o !== 0 && bounce[i] !== BOUNCE_NONE) bounce[i] = o;
  }
  return { ...columns, bounce };
}
