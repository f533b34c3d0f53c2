/**
 * The sender: runs in the worker of the one tab holding the Web Lock `slice-sender` (the lock
 * passes to another tab when this one closes, which then resumes from the ledger). It lives
 * in the worker, not the page, because the ledger and the contacts are there and a long send
 * must never hold the main thread.
 *
 * Exactly once: a batch's messages are marked handed over, and its exact body stored, in one
 * transaction before the post; results are recorded in one transaction after. A batch still
 * "posting" after a reload has an unknown outcome and is re-posted unchanged with the same
 * Idempotency-Key (the relay replays its stored answer), never rebuilt.
 *
 * Several batches may be in flight at once (`inFlight`): each is recorded before its post, so
 * this changes nothing to exactly-once; pause stops forming batches and lets those in flight
 * finish. The next batch is read on from a cursor after the last message put in a batch:
 * reading the queued index from its start each time walked over every row already handed
 * over (IndexedDB keeps deleted index entries until it compacts), which made a batch cost
 * more the further a send got. Before a send is declared finished the whole queue is read.
 */
import { batchId, effectiveBatchSize, idempotencyKey } from '$lib/core/email/batch-plan';
import { RateLimiter } from '$lib/core/email/rate-limit';
import type {
  RelayBatch,
  RelayCapabilities,
  RelayEvent,
  RelayMessage,
  RelayResult
} from '$lib/core/email/relay-protocol';
import { decideRetry, DEFAULT_RETRY, type RetrySettings } from '$lib/core/email/retry-policy';
import {
  DEFAULT_SOFT_BOUNCE_LIMIT,
  softBounceStreak,
  type SentOutcome
} from '$lib/core/email/soft-bounces';
import type {
  BatchRow,
  EmailingRow,
  LedgerRow,
  RelaySettingsRow,
  SuppressionRow
} from '$lib/db/emailings';
import { DeliveryStoreChanged, type DeliveryMeta } from '$lib/db/delivery-chunks';
import { isQuotaError } from '$lib/db/quota';
import type { SenderStatus } from './emailing-api';
import { errorMessage, isoAt, type EngineContext } from './engine-context';
import type { EmailingService } from './emailing-service';
import { compileEmailing, renderFor } from './emailing-render';
import type { RelayClient } from './relay-client';
import type { MatchedEvent, DeliveryPlan, DeliveryService } from './delivery-service';
import type { SuppressionService } from './suppression-service';

export const SENDER_LOCK = 'slice-sender';
const IDLE_MS = 1000;
/** How often the relay's events are read for bounces, unsubscribes and complaints. */
export const EVENTS_EVERY_MS = 15_000;

export interface SendServiceOptions {
  retry?: RetrySettings;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How often the relay's events are read, ms (default EVENTS_EVERY_MS). */
  eventsEveryMs?: number;
  /** Batches posted at once (default IN_FLIGHT). */
  inFlight?: number;
  /** HANDOVER_MARGIN_MS and HANDOVER_QUIET_MS (tests shorten them). */
  handOverMarginMs?: number;
  handOverQuietMs?: number;
  /** How long sending waits after the browser refused to store its records, ms (default 10 s). */
  storageWaitMs?: number;
}

/**
 * Shown while the browser refuses to store the send's records (a full disk). Nothing is
 * handed over that is not recorded first, and a posted batch whose results could not be
 * stored stays "posting" and is re-posted with the same key later, so no one gets it twice.
 */
export const STORAGE_FULL_MESSAGE =
  'Not enough storage space to record the send: sending waits and goes on by itself once space is freed (free space on this device or delete a campaign you no longer need). No message is sent twice.';

/**
 * Batches posted at once: while the relay builds and writes one, the app records the results
 * of another and forms the next, so neither side waits for the other.
 */
export const IN_FLIGHT = 3;

/** A scheduled emailing is handed to the relay only when its time is at least this far. */
export const HANDOVER_MARGIN_MS = 5_000;
/** ... and once it has not been edited for this long (the editor saves as one types). */
export const HANDOVER_QUIET_MS = 3_000;

/** What withdrawing a handed-over emailing from the relay did. */
export interface Withdrawal {
  /** Messages the relay gave back (cancelled, or unknown to it: it sends nothing for them). */
  withdrawn: number;
  /** Messages the relay had already sent (or was sending): recorded as sent. */
  sent: number;
  /** Said to the user, and kept on the emailing. */
  notice: string;
}

export class SendService {
  private running = false;
  private holding = false;
  private activity: string | null = null;
  /** The last post failed on the network: the page shows the relay as unreachable. */
  private relayDown = false;
  private stopped = false;
  /**
   * Sleepers to wake early: the loop's waits ('loop', woken by wake()) and the retry waits of
   * the batches in flight ('retry', woken only by stop(): a backoff or a Retry-After is kept).
   */
  private readonly wakers = new Map<() => void, 'loop' | 'retry'>();
  /** Posts under way, by Idempotency-Key. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** Per emailing, the last ledger messageId read into a batch: the next one reads on from it. */
  private readonly cursors = new Map<string, string>();
  /** The ledger rows of each batch in flight as handed over, by Idempotency-Key. */
  private readonly handedRows = new Map<string, LedgerRow[]>();
  /** Hand-over steps and withdrawals run one at a time (a withdrawal never races a post). */
  private exclusive: Promise<unknown> = Promise.resolve();
  private limiter: RateLimiter | null = null;
  private capabilities: RelayCapabilities | null = null;
  private loop: Promise<void> | null = null;
  private eventsAt = -Infinity;

  constructor(
    private readonly ctx: EngineContext,
    private readonly emailings: EmailingService,
    private readonly suppressions: SuppressionService,
    private readonly relay: RelayClient,
    private readonly delivery: DeliveryService,
    private readonly settings: () => Promise<RelaySettingsRow>,
    private readonly options: SendServiceOptions = {}
  ) {}

  status(): SenderStatus {
    return { sending: this.holding, activity: this.activity, relayDown: this.relayDown };
  }

  wake(): void {
    for (const [wake, kind] of [...this.wakers]) if (kind === 'loop') wake();
  }

  /** Starts once; the loop runs while this engine holds the sender lock. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    const run = async () => {
      this.holding = true;
      try {
        await this.runLoop();
      } finally {
        this.holding = false;
      }
    };
    this.loop = (
      locks?.request ? (locks.request(SENDER_LOCK, run) as unknown as Promise<void>) : run()
    ).catch(() => undefined);
  }

  /** Stops after the current step (tests, close). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.wakers.keys()]) wake();
    await this.loop;
    await Promise.allSettled([...this.inflight.values()]);
  }

  private sleep(ms: number, kind: 'loop' | 'retry' = 'loop'): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.set(done, kind);
    });
  }

  private async runLoop(): Promise<void> {
    await this.ctx.ready;
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await this.step();
      } catch (err) {
        if (await this.storageFull(err)) continue;
        this.activity = `Sending stopped: ${errorMessage(err)}`;
      }
      if (!worked) await this.sleep(IDLE_MS);
    }
  }

  /** One unit of work; false when there was nothing to do. */
  async step(): Promise<boolean> {
    const db = this.ctx.db;
    const now = this.ctx.now();
    const settings = await this.settings();
    const due = await db.emailings.where('status').equals('scheduled').toArray();
    for (const e of due) {
      if (!e.scheduledAt || Date.parse(e.scheduledAt) > now) continue;
      // Handed to the relay: it sent them at their time, with this app open or not.
      if (await this.settleHandedOver(e)) continue;
      const overdue = Date.parse(e.scheduledAt) < now - 60_000;
      // Came due while the app was closed and the user wants to confirm: leave it shown as overdue.
      if (overdue && settings.confirmOverdue && !this.seenRunning.has(e.id)) continue;
      await db.emailings.update(e.id, { status: 'in_progress', updatedAt: isoAt(this.ctx) });
    }
    // Only those not yet due: one that was already overdue when first seen still waits for
    // the user's confirmation, however many steps later.
    for (const e of await db.emailings.where('status').equals('scheduled').toArray())
      if (e.scheduledAt && Date.parse(e.scheduledAt) > now) this.seenRunning.add(e.id);
    if (now - this.eventsAt >= (this.options.eventsEveryMs ?? EVENTS_EVERY_MS)) {
      this.eventsAt = now;
      await this.readEvents(settings).catch(() => undefined);
    }
    const active = await db.emailings.where('status').equals('in_progress').first();
    if (!active) {
      if (await this.exclusively(() => this.handOverNext(settings, now))) return true;
      this.activity = null;
      return false;
    }
    return this.advance(active, settings);
  }

  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /**
   * Hands the next scheduled emailing to the relay ahead of time (`sendAt`), one batch a step,
   * when the relay schedules and the setting is on. Not with hourly or daily caps: the app
   * applies those at send time, which a relay sending at its time would not.
   */
  private async handOverNext(settings: RelaySettingsRow, now: number): Promise<boolean> {
    if (settings.handOver === false || settings.perHour || settings.perDay) return false;
    const db = this.ctx.db;
    const e = (await db.emailings.where('status').equals('scheduled').toArray()).find(
      (r) =>
        !r.handedOverAt &&
        r.scheduledAt !== null &&
        Date.parse(r.scheduledAt) > now + (this.options.handOverMarginMs ?? HANDOVER_MARGIN_MS) &&
        Date.parse(r.updatedAt) <= now - (this.options.handOverQuietMs ?? HANDOVER_QUIET_MS)
    );
    if (!e || !e.scheduledAt) return false;
    const target = { url: settings.url, token: settings.token };
    if (this.relay.targetProblem(target)) return false;
    if (!this.capabilities) {
      const caps = await this.relay.capabilities(target);
      if (!caps.ok) return false;
      this.capabilities = caps.capabilities;
    }
    if (!this.capabilities.scheduling) return false;
    if (!e.materialised) {
      try {
        await this.emailings.materialise(e.id, e.refreshTargets);
      } catch (err) {
        await db.emailings.update(e.id, {
          notice: `Not handed to the relay (${errorMessage(err)}); it is sent from this app at its time.`
        });
      }
      return true;
    }
    this.activity = `Handing "${e.name}" to the relay for ${e.scheduledAt}`;
    const posting = (await db.sendBatches
      .where('[emailingId+state]')
      .equals([e.id, 'posting'])
      .primaryKeys()) as [string, number][];
    let batch: BatchRow | null | undefined = posting.length
      ? await db.sendBatches.get(posting[0])
      : undefined;
    if (!batch) {
      const size = effectiveBatchSize(settings.batchSize, this.capabilities.maxBatch);
      const at = Date.parse(e.scheduledAt);
      // A rate is kept by spreading the batches' times; each time is in its stored body.
      const sendAt = (no: number) =>
        new Date(
          at + (settings.perSecond ? Math.floor(((no - 1) * size) / settings.perSecond) * 1000 : 0)
        ).toISOString();
      batch = await this.formBatch(e, size, sendAt);
    }
    if (!batch) {
      const fresh = await db.emailings.get(e.id);
      if (fresh?.status === 'scheduled' && fresh.scheduledAt === e.scheduledAt) {
        const batches = await db.sendBatches
          .where('[emailingId+state]')
          .equals([e.id, 'scheduled'])
          .count();
        await db.emailings.update(e.id, {
          handedOverAt: isoAt(this.ctx),
          notice: `Handed to the relay (${batches} batch${batches === 1 ? '' : 'es'} of ${fresh.toSend} messages): it sends them at their time, with this app closed or not.`
        });
      }
      this.activity = null;
      return true;
    }
    await this.post(e, batch, target, 'scheduled');
    return true;
  }

  /**
   * A scheduled emailing come due whose batches the relay holds: they went out at their time,
   * so their messages are recorded as sent (accepted; a later bounce arrives as an event) and
   * the emailing goes on as in progress, which finishes it, or sends what was not handed over.
   */
  private async settleHandedOver(e: EmailingRow): Promise<boolean> {
    const db = this.ctx.db;
    const keys = (await db.sendBatches
      .where('[emailingId+state]')
      .equals([e.id, 'scheduled'])
      .primaryKeys()) as [string, number][];
    if (keys.length === 0 && !e.handedOverAt) return false;
    await db.transaction('rw', db.emailings, db.sendLedger, db.sendBatches, async () => {
      const fresh = await db.emailings.get(e.id);
      if (fresh?.status !== 'scheduled') return;
      let accepted = 0;
      for (const key of keys) {
        const batch = await db.sendBatches.get(key);
        if (!batch || batch.state !== 'scheduled') continue;
        const body = JSON.parse(batch.body) as RelayBatch;
        const rows = await this.rowsOfBatch(batch, body);
        const sentAt = body.sendAt ?? fresh.scheduledAt;
        const changed = rows
          .filter((r) => r.state === 'handed')
          .map((r) => ({ ...r, state: 'accepted' as const, doneAt: sentAt ?? null }));
        accepted += changed.length;
        await db.sendLedger.bulkPut(changed);
        await db.sendBatches.put({ ...batch, body: '', state: 'done' });
      }
      const at = isoAt(this.ctx);
      await db.emailings.update(e.id, {
        status: 'in_progress',
        accepted: fresh.accepted + accepted,
        startedAt: fresh.startedAt ?? fresh.scheduledAt,
        updatedAt: at
      });
    });
    return true;
  }

  /**
   * Takes a handed-over emailing back from the relay (`DELETE /v1/batches/{id}` for each of
   * its batches) before it is cancelled, deleted, edited, rescheduled or sent now. What the
   * relay gave back is cancelled (`cancel`) or queued again (`requeue`); a batch it already
   * sent cannot be withdrawn and is recorded as sent. A relay that cannot be reached fails at
   * once with a message, the batches not yet withdrawn staying scheduled there.
   * Null when nothing of it is at the relay.
   */
  async withdraw(id: string, mode: 'cancel' | 'requeue'): Promise<Withdrawal | null> {
    return this.exclusively(async () => {
      const db = this.ctx.db;
      const e = await db.emailings.get(id);
      if (!e) return null;
      const keysIn = async (state: BatchRow['state']) =>
        (await db.sendBatches.where('[emailingId+state]').equals([id, state]).primaryKeys()) as [
          string,
          number
        ][];
      const keys = await keysIn('scheduled');
      if (e.status === 'scheduled' && (await keysIn('posting')).length > 0)
        throw new Error(
          `"${e.name}" is being handed to the relay right now; try again in a few seconds.`
        );
      if (keys.length === 0) {
        if (e.handedOverAt) await db.emailings.update(id, { handedOverAt: null });
        return null;
      }
      const settings = await this.settings();
      const target = { url: settings.url, token: settings.token };
      const problem = this.relay.targetProblem(target);
      if (problem) throw new Error(`${problem} "${e.name}" stays scheduled at the relay.`);
      let withdrawn = 0;
      let sent = 0;
      let batches = 0;
      const summary = () => {
        const parts: string[] = [];
        if (withdrawn) parts.push(`${withdrawn} messages withdrawn from the relay`);
        if (sent)
          parts.push(
            `${sent} messages the relay had already sent cannot be withdrawn: they are recorded as sent`
          );
        return parts.length ? parts.join('; ') + '.' : 'Nothing was at the relay.';
      };
      for (const key of keys) {
        const outcome = await this.relay.cancelBatch(target, batchId(id, key[1]));
        if (outcome.kind === 'failed') {
          const left = keys.length - batches;
          const notice = `${outcome.message} ${left} of ${keys.length} batches stay scheduled at the relay, which sends them at their time unless they are withdrawn; try again when it answers.`;
          if (batches) await db.emailings.update(id, { notice: `${summary()} ${notice}` });
          throw new Error(batches ? `${summary()} ${notice}` : notice);
        }
        const wasSent = outcome.kind === 'sent';
        const count = await this.releaseBatch(e, key, wasSent ? 'sent' : mode);
        if (wasSent) sent += count;
        else withdrawn += count;
        batches++;
      }
      this.cursors.delete(id);
      const notice = summary();
      await db.emailings.update(id, { handedOverAt: null, notice });
      return { withdrawn, sent, notice };
    });
  }

  /** The messages of one withdrawn batch: sent, cancelled or queued again. */
  private async releaseBatch(
    e: EmailingRow,
    key: [string, number],
    as: 'sent' | 'cancel' | 'requeue'
  ): Promise<number> {
    const db = this.ctx.db;
    let count = 0;
    await db.transaction('rw', db.emailings, db.sendLedger, db.sendBatches, async () => {
      const batch = await db.sendBatches.get(key);
      if (!batch || batch.state !== 'scheduled') return;
      const at = isoAt(this.ctx);
      const body = JSON.parse(batch.body) as RelayBatch;
      const rows = (await this.rowsOfBatch(batch, body)).filter((r) => r.state === 'handed');
      count = rows.length;
      const sentAt = body.sendAt ?? at;
      await db.sendLedger.bulkPut(
        rows.map((r): LedgerRow => {
          if (as === 'sent') return { ...r, state: 'accepted', doneAt: sentAt };
          if (as === 'cancel') return { ...r, state: 'cancelled', doneAt: at };
          return { ...r, state: 'queued', batchNo: null, handedAt: null };
        })
      );
      await db.sendBatches.put({ ...batch, body: '', state: 'done' });
      if (as === 'sent') {
        const fresh = await db.emailings.get(e.id);
        if (fresh) await db.emailings.update(e.id, { accepted: fresh.accepted + count });
      }
    });
    return count;
  }

  /**
   * The ledger rows a batch handed over, read by the message ids of its stored body (kept
   * until the batch is done): the ledger has no index by batch, which every row's three
   * writes of a send (queued, handed, result) would keep up to date for these rare reads.
   */
  private async rowsOfBatch(batch: BatchRow, body: RelayBatch): Promise<LedgerRow[]> {
    const rows = await this.ctx.db.sendLedger.bulkGet(
      body.messages.map((m): [string, string] => [batch.emailingId, m.messageId])
    );
    return rows.filter((r): r is LedgerRow => r !== undefined && r.batchNo === batch.batchNo);
  }

  /** For a storage refusal: says so, waits, and returns true; false for any other error. */
  private async storageFull(err: unknown): Promise<boolean> {
    if (!isQuotaError(err)) return false;
    this.activity = STORAGE_FULL_MESSAGE;
    await this.sleep(this.options.storageWaitMs ?? 10_000);
    return true;
  }

  /** Scheduled emailings seen by this running sender (due while open, so not overdue). */
  private readonly seenRunning = new Set<string>();

  private async fail(e: EmailingRow, message: string): Promise<void> {
    const db = this.ctx.db;
    await db.transaction('rw', db.emailings, async () => {
      const fresh = await db.emailings.get(e.id);
      if (fresh?.status === 'in_progress')
        await db.emailings.update(e.id, {
          status: 'failed',
          error: message,
          updatedAt: isoAt(this.ctx)
        });
    });
    this.activity = message;
  }

  private async advance(e: EmailingRow, settings: RelaySettingsRow): Promise<boolean> {
    const db = this.ctx.db;
    const target = { url: settings.url, token: settings.token };
    const problem = this.relay.targetProblem(target);
    if (problem) {
      await this.fail(e, problem);
      return true;
    }
    if (!this.capabilities) {
      const caps = await this.relay.capabilities(target);
      if (!caps.ok) {
        await this.fail(e, caps.message);
        return true;
      }
      this.capabilities = caps.capabilities;
    }
    if (!e.materialised) {
      try {
        await this.emailings.materialise(e.id, e.refreshTargets);
      } catch (err) {
        await this.fail(e, errorMessage(err));
        return true;
      }
      await db.emailings.update(e.id, { startedAt: e.startedAt ?? isoAt(this.ctx) });
      return true;
    }
    const limits = {
      perSecond: settings.perSecond,
      perHour: settings.perHour,
      perDay: settings.perDay
    };
    if (!this.limiter) {
      this.limiter = new RateLimiter(limits);
      // Caps are rolling and the relay's (one provider account): rebuild them from the batches
      // of the last day, each recorded with its hand-over time and size (far fewer rows than
      // the ledger, whose every row a cursor would have to visit).
      const from = new Date(this.ctx.now() - 86_400_000).toISOString();
      const batches = await db.sendBatches.toArray();
      for (const b of batches)
        if (b.createdAt >= from) this.limiter.record(Date.parse(b.createdAt), b.messages);
    } else this.limiter.setLimits(limits);

    // A batch still posting that no post here is carrying: its outcome is unknown (a reload, a
    // crash) or it was left waiting for a retry by a pause. Keys only: a row holds its body.
    const posting = (await db.sendBatches
      .where('[emailingId+state]')
      .equals([e.id, 'posting'])
      .primaryKeys()) as [string, number][];
    const orphanKey = posting.find(([, no]) => !this.inflight.has(idempotencyKey(e.id, no)));
    let batch: BatchRow | null | undefined = orphanKey
      ? await db.sendBatches.get(orphanKey)
      : undefined;
    if (
      batch &&
      this.capabilities &&
      Date.parse(batch.createdAt) < this.ctx.now() - this.capabilities.idempotencyTtl * 1000
    ) {
      // The relay may no longer remember this key: re-posting could send twice.
      await this.reconcile(e, batch, target);
      return true;
    }
    if (!batch && this.inflight.size >= (this.options.inFlight ?? IN_FLIGHT)) {
      await Promise.race(this.inflight.values());
      return true;
    }
    if (!batch) {
      const size = effectiveBatchSize(settings.batchSize, this.capabilities?.maxBatch ?? null);
      const wait = this.limiter.waitFor(Math.min(size, Math.max(1, e.toSend)), this.ctx.now());
      const room = Math.min(size, this.limiter.capacity(this.ctx.now()));
      if (wait > 0 && room < 1) {
        this.activity = `Waiting for the sending caps (${Math.ceil(wait / 60_000)} min)`;
        await this.sleep(Math.min(wait, IDLE_MS));
        return true;
      }
      if (wait > 0) {
        // The whole wait, even when woken early (a batch in flight recorded, an action).
        const until = Date.now() + Math.min(wait, IDLE_MS * 5);
        while (!this.stopped && Date.now() < until) await this.sleep(until - Date.now());
      }
      batch = await this.formBatch(e, Math.max(1, room));
      if (!batch) {
        // Nothing left to form: finished once the batches in flight are recorded.
        if (this.inflight.size > 0) await Promise.race(this.inflight.values());
        else await this.finish(e.id);
        return true;
      }
    }
    this.launch(e, batch, target);
    return true;
  }

  /**
   * A batch whose outcome is unknown and older than the relay keeps keys is never re-posted
   * (the relay might send it again): its messages are settled from the relay's events instead,
   * delivered ones as accepted, bounced ones as rejected, and those the relay has no event for
   * (it never sent them) queued again for a new batch.
   */
  private async reconcile(
    e: EmailingRow,
    batch: BatchRow,
    target: { url: string; token: string }
  ): Promise<void> {
    const ttl = this.capabilities?.idempotencyTtl ?? 0;
    const why = `Batch ${batch.batchNo} had an unknown outcome older than the relay keeps keys (${ttl} s)`;
    if (!this.capabilities?.events) {
      await this.fail(
        e,
        `${why} and the relay reports no events to check it against; it is not re-sent. Check the relay's records before resuming.`
      );
      return;
    }
    const ids = (JSON.parse(batch.body) as RelayBatch).messages.map((m) => m.messageId);
    const wanted = new Set(ids);
    const found = new Map<string, RelayResult>();
    let cursor: string | null = null;
    try {
      for (;;) {
        const { events, next } = await this.relay.events(target, cursor, 1000);
        for (const ev of events) {
          if (!wanted.has(ev.messageId) || found.has(ev.messageId)) continue;
          if (ev.type === 'delivered')
            found.set(ev.messageId, { messageId: ev.messageId, status: 'accepted' });
          else if (ev.type === 'bounced')
            found.set(ev.messageId, {
              messageId: ev.messageId,
              status: 'rejected',
              reason: ev.reason,
              ...(ev.bounce ? { bounce: ev.bounce } : {})
            });
        }
        if (events.length === 0 || next === cursor) break;
        cursor = next;
      }
    } catch (err) {
      this.activity = `${why}; the relay's events cannot be read (${errorMessage(err)}), tried again shortly.`;
      await this.sleep(IDLE_MS * 5);
      return;
    }
    await this.record(e, batch, [...found.values()], true);
    const missing = ids.length - found.size;
    const notice = `${why}: settled from the relay's events, ${found.size} sent or bounced, ${missing} never sent and queued again.`;
    await this.ctx.db.emailings.update(e.id, { notice });
    this.activity = notice;
  }

  /** Posts the batch without waiting for it; the loop forms the next meanwhile. */
  private launch(e: EmailingRow, batch: BatchRow, target: { url: string; token: string }): void {
    const key = idempotencyKey(e.id, batch.batchNo);
    const job = this.post(e, batch, target)
      .catch(async (err: unknown) => {
        // The batch stays "posting": it is re-posted with the same key on the next step
        // (after a wait when storage is full, holding its slot so it is not re-posted sooner).
        if (!(await this.storageFull(err))) this.activity = `Sending stopped: ${errorMessage(err)}`;
      })
      .finally(() => {
        this.inflight.delete(key);
        this.wake();
      });
    this.inflight.set(key, job);
  }

  /**
   * The next queued ledger rows: read on from the cursor (primary-key order, so one range
   * read of rows mostly still queued), else from the start of the queued index, which is
   * also what says the queue is empty (a message put back behind the cursor is found there).
   */
  private async nextQueued(e: EmailingRow, size: number): Promise<LedgerRow[]> {
    const db = this.ctx.db;
    const after = this.cursors.get(e.id);
    if (after !== undefined) {
      const ahead = await db.sendLedger
        .where('[emailingId+messageId]')
        .between([e.id, after], [e.id, '\uffff'], false, true)
        .limit(size)
        .toArray();
      const queued = ahead.filter((r) => r.state === 'queued');
      if (queued.length > 0) return queued;
    }
    return db.sendLedger.where('[emailingId+state]').equals([e.id, 'queued']).limit(size).toArray();
  }

  /** Picks the next queued messages, renders them, and records the hand-over atomically. */
  private async formBatch(
    e: EmailingRow,
    size: number,
    sendAt?: (batchNo: number) => string
  ): Promise<BatchRow | null> {
    const db = this.ctx.db;
    const loaded = await this.ctx.cache.get(e.campaignId);
    const compiled = compileEmailing(e);
    const table = loaded?.contacts ?? null;
    const at = isoAt(this.ctx);
    let made: BatchRow | null = null;
    let handed: LedgerRow[] = [];
    // The queued rows are read, rendered (synchronously, so the transaction stays open) and
    // marked handed over in one transaction: nothing can change them in between, so they are
    // not read a second time to check.
    await db.transaction('rw', db.emailings, db.sendLedger, db.sendBatches, async () => {
      const fresh = await db.emailings.get(e.id);
      if (!fresh || fresh.status !== (sendAt ? 'scheduled' : 'in_progress')) return;
      // Rescheduled meanwhile: handed over again for the new time on the next step.
      if (sendAt && fresh.scheduledAt !== e.scheduledAt) return;
      const queued = await this.nextQueued(e, size);
      if (queued.length === 0) return;
      const messages: RelayMessage[] = queued.map((r) => {
        const m = renderFor(compiled, table, r.contactId);
        return {
          messageId: r.messageId,
          to: { email: r.email },
          from: m.fromName ? { email: e.fromEmail, name: m.fromName } : { email: e.fromEmail },
          ...(e.replyTo ? { replyTo: e.replyTo } : {}),
          subject: m.subject,
          html: m.html,
          text: m.text,
          headers: { 'X-Slice-Emailing': e.id }
        };
      });
      const no = fresh.nextBatchNo;
      const body: RelayBatch = {
        batchId: batchId(e.id, no),
        emailingId: e.id,
        ...(sendAt ? { sendAt: sendAt(no) } : {}),
        messages
      };
      made = {
        emailingId: e.id,
        batchNo: no,
        state: 'posting',
        body: JSON.stringify(body),
        attempts: 0,
        createdAt: at,
        messages: messages.length
      };
      await db.sendBatches.add(made);
      // One write for the whole batch: a put per row costs a round trip each, which at 500
      // rows a batch was most of the time a send took.
      handed = queued.map((r) => ({ ...r, state: 'handed' as const, batchNo: no, handedAt: at }));
      await db.sendLedger.bulkPut(handed);
      await db.emailings.update(e.id, { nextBatchNo: no + 1 });
    });
    if (made) {
      const batch: BatchRow = made;
      if (!sendAt) this.limiter?.record(Date.parse(at), batch.messages);
      this.cursors.set(e.id, handed[handed.length - 1].messageId);
      // Kept for recording the results without reading the rows again.
      this.handedRows.set(idempotencyKey(e.id, batch.batchNo), handed);
    }
    return made;
  }

  private async post(
    e: EmailingRow,
    batch: BatchRow,
    target: { url: string; token: string },
    /** The status the emailing keeps while this batch is posted ('scheduled' for a hand-over). */
    during: 'in_progress' | 'scheduled' = 'in_progress'
  ): Promise<void> {
    const key = idempotencyKey(e.id, batch.batchNo);
    let attempt = batch.attempts;
    for (;;) {
      attempt++;
      this.activity = `Sending batch ${batch.batchNo} of "${e.name}"`;
      // Counted for the retry limit across reloads; the first try of a new batch is not
      // written (a row rewrite with its body, for a count a reload may lose by one at most).
      if (attempt > 1)
        await this.ctx.db.sendBatches.update([e.id, batch.batchNo], { attempts: attempt });
      const posted = await this.relay.postBatch(target, key, batch.body);
      const { outcome, results } = posted;
      this.relayDown = outcome.kind === 'network';
      if (results) {
        const scheduled = 'scheduled' in posted ? posted.scheduled : null;
        if (scheduled && Date.parse(scheduled) > this.ctx.now()) await this.holdAtRelay(e, batch);
        else await this.record(e, batch, results);
        return;
      }
      const decision = decideRetry(outcome, attempt, {
        settings: this.options.retry ?? DEFAULT_RETRY,
        now: this.ctx.now(),
        random: this.options.random
      });
      if (decision.action === 'stop') {
        if (during === 'scheduled') {
          // Not handed over: the batches the relay holds go at their time, the app sends the
          // rest itself when it is due.
          await this.ctx.db.emailings.update(e.id, {
            notice: `Not handed to the relay: ${decision.message}`
          });
          return;
        }
        await this.fail(e, decision.message);
        return;
      }
      if (decision.action === 'results') return;
      const wait = Math.ceil(decision.delayMs / 1000);
      this.activity = this.relayDown
        ? `Batch ${batch.batchNo} of "${e.name}": the relay cannot be reached (${decision.why}); tried again in ${wait} s with the same key.`
        : `Batch ${batch.batchNo}: ${decision.why}; retrying in ${wait} s`;
      await this.sleep(decision.delayMs, 'retry');
      // Paused or cancelled while waiting: the batch stays "posting" and is re-posted on resume.
      const fresh = await this.ctx.db.emailings.get(e.id);
      if (fresh?.status !== during || this.stopped) return;
    }
  }

  /** The relay holds the batch for its `sendAt`: its messages stay handed over until then. */
  private async holdAtRelay(e: EmailingRow, batch: BatchRow): Promise<void> {
    const db = this.ctx.db;
    this.handedRows.delete(idempotencyKey(e.id, batch.batchNo));
    await db.transaction('rw', db.sendBatches, async () => {
      const current = await db.sendBatches.get([e.id, batch.batchNo]);
      if (current?.state === 'posting')
        await db.sendBatches.put({ ...current, state: 'scheduled' });
    });
  }

  /**
   * Per-message results in one transaction; a rejected address is a result, not a retry. The
   * same transaction appends a `sent` delivery event for each accepted message and a `dropped`
   * one (with the relay's reason and bounce class) for each rejected one: the delivery events
   * are the one source the dashboards count sends from, so nothing reads them from the ledger
   * as well (no double count).
   */
  private async record(
    e: EmailingRow,
    batch: BatchRow,
    results: RelayResult[],
    /** Messages without a result go back to the queue (reconciled: the relay never sent them). */
    requeueMissing = false
  ): Promise<void> {
    const db = this.ctx.db;
    const sent = (JSON.parse(batch.body) as RelayBatch).messages.map((m) => m.messageId);
    const byId = new Map(results.map((r) => [r.messageId, r]));
    const at = isoAt(this.ctx);
    const limit = (await this.settings()).softBounceLimit ?? DEFAULT_SOFT_BOUNCE_LIMIT;
    // The rows as this sender handed them over (a batch posted again after a reload is read
    // back); the batch still posting when recorded means nothing else changed them.
    const key = idempotencyKey(e.id, batch.batchNo);
    const kept = this.handedRows.get(key);
    this.handedRows.delete(key);
    const before =
      kept && kept.length === sent.length && kept.every((r, i) => r.messageId === sent[i])
        ? kept
        : await db.sendLedger.bulkGet(sent.map((id) => [e.id, id]));
    const handedAt = Date.parse(batch.createdAt);
    const events: MatchedEvent[] = [];
    sent.forEach((id, i) => {
      const row = before[i];
      if (!row || (row.state !== 'handed' && row.state !== 'queued')) return;
      const r = byId.get(id);
      // Reconciled as never sent: back to the queue, no event.
      if (!r && requeueMissing) return;
      const accepted = r?.status === 'accepted';
      events.push({
        messageId: row.messageId,
        recipient: row.email,
        emailing: e.id,
        kind: accepted ? 'sent' : 'dropped',
        at: Number.isFinite(handedAt) ? handedAt : this.ctx.now(),
        machine: false,
        contact: row.contactId,
        ...(!accepted && r?.bounce ? { bounce: r.bounce } : {}),
        ...(!accepted
          ? { reason: r?.reason ?? 'The relay returned no result for this message.' }
          : {})
      });
    });
    for (let attempt = 0; ; attempt++) {
      const plan = await this.delivery.plan(e.campaignId, events);
      let meta: DeliveryMeta | null = null;
      try {
        await db.transaction(
          'rw',
          [db.emailings, db.sendLedger, db.sendBatches, db.suppressions, db.deliveryChunks],
          async () => {
            // Still posting? Read from the index (keys only): the row itself holds the whole body.
            const posting = (await db.sendBatches
              .where('[emailingId+state]')
              .equals([e.id, 'posting'])
              .primaryKeys()) as [string, number][];
            if (!posting.some(([, no]) => no === batch.batchNo)) return;
            let accepted = 0;
            let rejected = 0;
            const rows =
              kept === before ? before : await db.sendLedger.bulkGet(sent.map((id) => [e.id, id]));
            const changed: LedgerRow[] = [];
            const suppressed: SuppressionRow[] = [];
            const softBounced: { email: string; reason: string }[] = [];
            sent.forEach((id, i) => {
              const r = byId.get(id);
              if (!r && requeueMissing) {
                const row = rows[i];
                if (row?.state === 'handed')
                  changed.push({ ...row, state: 'queued', batchNo: null, handedAt: null });
                return;
              }
              const state = r?.status === 'accepted' ? 'accepted' : 'rejected';
              const reason = r
                ? (r.reason ?? null)
                : 'The relay returned no result for this message.';
              if (state === 'accepted') accepted++;
              else rejected++;
              const row = rows[i];
              if (!row || (row.state !== 'handed' && row.state !== 'queued')) return;
              const bounce = state === 'rejected' ? r?.bounce : undefined;
              changed.push({ ...row, state, reason, doneAt: at, ...(bounce ? { bounce } : {}) });
              // A soft bounce (mailbox full, greylisting) suppresses only when it keeps happening.
              if (state === 'rejected' && r && bounce === 'soft')
                softBounced.push({ email: row.email, reason: reason ?? '' });
              else if (state === 'rejected' && r)
                suppressed.push(
                  this.suppressions.row(e.campaignId, row.email, 'rejected', reason ?? '')
                );
            });
            await db.sendLedger.bulkPut(changed);
            if (suppressed.length) await db.suppressions.bulkPut(suppressed);
            for (const soft of softBounced)
              await this.suppressAfterSoftBounces(e.campaignId, soft.email, limit, soft.reason);
            // Done: the body is no longer needed (the relay replays from its own store), so the
            // row shrinks to its figures instead of being rewritten whole.
            await db.sendBatches.put({ ...batch, body: '', state: 'done' });
            const fresh = await db.emailings.get(e.id);
            if (fresh)
              await db.emailings.update(e.id, {
                accepted: fresh.accepted + accepted,
                rejected: fresh.rejected + rejected,
                updatedAt: at
              });
            meta = await this.delivery.writePlan(plan);
          }
        );
      } catch (err) {
        if (err instanceof DeliveryStoreChanged && attempt < 2) continue;
        throw err;
      }
      if (meta) this.delivery.committed(plan, meta);
      return;
    }
  }

  /** Suppresses the address when its last `limit` messages all bounced softly. */
  private async suppressAfterSoftBounces(
    campaignId: string,
    email: string,
    limit: number,
    reason: string
  ): Promise<void> {
    const db = this.ctx.db;
    const rows = await db.sendLedger
      .where('[campaignId+email]')
      .equals([campaignId, email])
      .toArray();
    const history: SentOutcome[] = rows
      .filter((r) => r.handedAt && (r.state === 'accepted' || r.state === 'rejected'))
      .map((r) => ({
        at: r.handedAt!,
        outcome: r.bounce ?? (r.state === 'accepted' ? 'ok' : 'hard')
      }));
    const streak = softBounceStreak(history);
    if (streak < limit) return;
    await db.suppressions.put(
      this.suppressions.row(
        campaignId,
        email,
        'soft_bounces',
        `${streak} soft bounces in a row${reason ? `; last: ${reason}` : ''}`
      )
    );
  }

  private async finish(id: string): Promise<void> {
    const db = this.ctx.db;
    await db.transaction('rw', db.emailings, db.sendLedger, db.sendBatches, async () => {
      const fresh = await db.emailings.get(id);
      if (fresh?.status !== 'in_progress') return;
      const open =
        (await db.sendLedger
          .where('[emailingId+state]')
          .anyOf([id, 'queued'], [id, 'handed'])
          .count()) +
        (await db.sendBatches.where('[emailingId+state]').equals([id, 'posting']).count());
      if (open > 0) return;
      const at = isoAt(this.ctx);
      await db.emailings.update(id, { status: 'finished', finishedAt: at, updatedAt: at });
    });
    this.activity = null;
  }

  /**
   * A test: the emailing merged as one contact, posted to one address through the same relay
   * protocol (so it has every header a real send has), never to a suppressed address.
   */
  async sendTest(
    id: string,
    address: string,
    contactId: number,
    settings: RelaySettingsRow
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    const e = await this.ctx.db.emailings.get(id);
    if (!e) return { ok: false, message: 'This emailing does not exist.' };
    const email = address.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email)) {
      return { ok: false, message: `"${address}" is not an email address.` };
    }
    if (await this.suppressions.isSuppressed(e.campaignId, email)) {
      return { ok: false, message: `${email} is on the suppression list: no test is sent to it.` };
    }
    const problems = await this.emailings.problems(id);
    const blocking = problems.find((p) => p.part !== 'targets');
    if (blocking) return { ok: false, message: blocking.message };
    const target = { url: settings.url, token: settings.token };
    const problem = this.relay.targetProblem(target);
    if (problem) return { ok: false, message: problem };
    const loaded = await this.ctx.cache.get(e.campaignId);
    const m = renderFor(compileEmailing(e), loaded?.contacts ?? null, contactId);
    const no = `test-${this.ctx.now()}`;
    const body: RelayBatch = {
      batchId: `${e.id}:${no}`,
      emailingId: e.id,
      messages: [
        {
          messageId: `${e.id}:${no}:0`,
          to: { email },
          from: m.fromName ? { email: e.fromEmail, name: m.fromName } : { email: e.fromEmail },
          ...(e.replyTo ? { replyTo: e.replyTo } : {}),
          subject: `[Test] ${m.subject}`,
          html: m.html,
          text: m.text,
          headers: { 'X-Slice-Emailing': e.id }
        }
      ]
    };
    const { outcome, results } = await this.relay.postBatch(
      target,
      `"${e.id}:${no}"`,
      JSON.stringify(body)
    );
    if (results) {
      const r = results[0];
      return r?.status === 'accepted'
        ? { ok: true }
        : { ok: false, message: `The relay rejected the test: ${r?.reason ?? 'no reason given'}` };
    }
    if (outcome.kind === 'network') {
      const caps = await this.relay.capabilities(target);
      return { ok: false, message: caps.ok ? outcome.message : caps.message };
    }
    const d = decideRetry(outcome, DEFAULT_RETRY.maxAttempts, { now: this.ctx.now() });
    return {
      ok: false,
      message: d.action === 'stop' ? d.message : `The relay answered HTTP ${outcome.status}.`
    };
  }

  /**
   * Reads the relay's new events, a page at a time. Each page is one transaction: the events
   * of this app's messages (matched through the send ledger) are appended to their campaign's
   * delivery events, hard bounces, unsubscribes and complaints go on its suppression list, soft
   * bounces count towards the soft-bounce limit, and the cursor moves past the page. A reload
   * mid-page therefore re-reads that whole page and nothing else: no event counted twice, none
   * missed. The cursor is kept per relay address (relayCursors); events of messages this app
   * did not send are passed over.
   */
  async readEvents(settings: RelaySettingsRow): Promise<number> {
    const target = { url: settings.url, token: settings.token };
    if (this.relay.targetProblem(target)) return 0;
    if (!this.capabilities) {
      const caps = await this.relay.capabilities(target);
      if (!caps.ok) return 0;
      this.capabilities = caps.capabilities;
    }
    if (!this.capabilities.events) return 0;
    const db = this.ctx.db;
    const relayKey = target.url.trim().replace(/\/+$/, '');
    const storedCursor = async () =>
      (await db.relayCursors.get(relayKey))?.cursor ??
      // Before cursors were kept per relay, the relay settings held the one cursor.
      (settings.eventsCursor !== undefined ? settings.eventsCursor : null);
    let cursor = await storedCursor();
    let added = 0;
    for (let page = 0; page < 20; page++) {
      const { events, next, problems } = await this.relay.events(target, cursor);
      // A page of nothing but unreadable entries still moves the cursor past them (they
      // would never become readable); an empty page is the end.
      if (events.length === 0 && (problems.length === 0 || next === cursor)) break;
      const result = await this.recordEvents(events, relayKey, cursor, next, settings);
      if (result === 'moved') {
        // Another reader moved the cursor meanwhile: go on from where it left.
        cursor = await storedCursor();
        continue;
      }
      added += result;
      cursor = next;
    }
    return added;
  }

  /**
   * One page of relay events in one transaction, or 'moved' when the stored cursor is no longer
   * `from` (the page was recorded by someone else; nothing is written).
   */
  private async recordEvents(
    events: RelayEvent[],
    relayKey: string,
    from: string | null,
    next: string | null,
    settings: RelaySettingsRow
  ): Promise<number | 'moved'> {
    const db = this.ctx.db;
    const keys = events.map((ev): [string, string] => {
      const cut = ev.messageId.lastIndexOf(':');
      return [cut > 0 ? ev.messageId.slice(0, cut) : '', ev.messageId];
    });
    const rows = await db.sendLedger.bulkGet(keys.map((k) => (k[0] ? k : ['', ''])));
    const byCampaign = new Map<string, MatchedEvent[]>();
    const matched: { ev: RelayEvent; row: LedgerRow }[] = [];
    events.forEach((ev, i) => {
      const row = rows[i];
      if (!row || !keys[i][0]) return;
      const at = Date.parse(ev.at);
      let list = byCampaign.get(row.campaignId);
      if (!list) byCampaign.set(row.campaignId, (list = []));
      list.push({
        messageId: row.messageId,
        recipient: row.email,
        emailing: row.emailingId,
        kind: ev.type,
        at: Number.isFinite(at) ? at : this.ctx.now(),
        machine: ev.machine === true,
        contact: row.contactId,
        ...(ev.bounce ? { bounce: ev.bounce } : ev.type === 'bounced' ? { bounce: 'hard' } : {}),
        ...(ev.reason ? { reason: ev.reason } : {}),
        ...(ev.url ? { url: ev.url } : {})
      });
      matched.push({ ev, row });
    });
    const classes = new Map<string, Map<string, 'hard' | 'soft'>>();
    for (const campaignId of byCampaign.keys())
      classes.set(campaignId, await this.delivery.bounceClasses(campaignId));
    const limit = settings.softBounceLimit ?? DEFAULT_SOFT_BOUNCE_LIMIT;
    for (let attempt = 0; ; attempt++) {
      const plans: DeliveryPlan[] = [];
      for (const [campaignId, list] of byCampaign)
        plans.push(await this.delivery.plan(campaignId, list));
      let written: DeliveryMeta[] = [];
      let outcome: number | 'moved';
      try {
        outcome = await db.transaction(
          'rw',
          [db.relayCursors, db.deliveryChunks, db.sendLedger, db.suppressions],
          async () => {
            const stored = (await db.relayCursors.get(relayKey))?.cursor;
            if (stored !== undefined && stored !== from) return 'moved' as const;
            written = [];
            for (const plan of plans) written.push(await this.delivery.writePlan(plan));
            let suppressed = 0;
            for (const { ev, row } of matched) {
              const bounce =
                ev.type === 'bounced'
                  ? (classes.get(row.campaignId)?.get(ev.reason ?? '') ?? ev.bounce ?? 'hard')
                  : undefined;
              if (bounce === 'soft') {
                // Marked on the message: the streak counts each message once.
                await db.sendLedger.update([row.emailingId, row.messageId], { bounce: 'soft' });
                await this.suppressAfterSoftBounces(
                  row.campaignId,
                  row.email,
                  limit,
                  ev.reason ?? ''
                );
                continue;
              }
              const reason =
                bounce === 'hard'
                  ? 'hard_bounce'
                  : ev.type === 'unsubscribed'
                    ? 'unsubscribed'
                    : ev.type === 'complained'
                      ? 'complained'
                      : null;
              if (!reason) continue;
              await db.suppressions.put(
                this.suppressions.row(row.campaignId, row.email, reason, ev.reason ?? '')
              );
              suppressed++;
            }
            await db.relayCursors.put({ relay: relayKey, cursor: next });
            return suppressed;
          }
        );
      } catch (err) {
        if (err instanceof DeliveryStoreChanged && attempt < 2) continue;
        throw err;
      }
      if (outcome !== 'moved')
        plans.forEach((plan, i) => this.delivery.committed(plan, written[i]));
      return outcome;
    }
  }

  /** Forget relay capabilities (settings changed). */
  reset(): void {
    this.capabilities = null;
  }
}
