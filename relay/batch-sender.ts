/**
 * Sends a stored batch: each message not yet in the batch's journal is built, handed to
 * the delivery and its outcome journaled before the next look, so a restart resumes where
 * the relay stopped. Scheduled batches (`sendAt`) wait on a timer re-armed at every start.
 */
import type { BatchResponse, MessageResult } from './batch';
import type { BatchRecord, BatchStore } from './batch-store';
import { ConnectionLost, type Delivery } from './delivery';
import type { EventLog, NewEvent } from './event-log';
import type { MachineDetector } from './machine-detector';
import type { MessageBuilder } from './message-builder';

// Long timers overflow setTimeout's 32-bit delay: wait in steps of at most a day.
const MAX_TIMER_MS = 86_400_000;

export class BatchSender {
  private readonly running = new Map<string, Promise<BatchResponse | ConnectionLost>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: BatchStore,
    private readonly delivery: Delivery,
    private readonly builder: MessageBuilder,
    private readonly events: EventLog,
    private readonly machine: MachineDetector,
    private readonly concurrency: number,
    private readonly log: (line: string) => void
  ) {}

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Sends the batch now (or joins the send already running for that key). */
  run(record: BatchRecord): Promise<BatchResponse | ConnectionLost> {
    const current = this.running.get(record.key);
    if (current) return current;
    const job = this.send(record).finally(() => this.running.delete(record.key));
    this.running.set(record.key, job);
    return job;
  }

  private async send(record: BatchRecord): Promise<BatchResponse | ConnectionLost> {
    if (record.state !== 'sending') {
      record.state = 'sending';
      this.store.save(record);
    }
    const { batch } = record;
    const done = this.store.journal(record.key);
    const todo = batch.messages.filter((m) => !done.has(m.messageId));
    let next = 0;
    let lost: ConnectionLost | null = null;
    const worker = async () => {
      while (next < todo.length && !lost && !this.closed) {
        const m = todo[next++];
        const built = await this.builder.build(batch.emailingId, m);
        const deferred: NewEvent[] = [];
        let outcome;
        try {
          outcome = await this.delivery.send(batch.emailingId, m.messageId, built, (reason) =>
            deferred.push({ messageId: m.messageId, type: 'deferred', bounce: 'soft', reason })
          );
        } catch (error) {
          this.events.append(deferred);
          if (error instanceof ConnectionLost) {
            lost = error;
            return;
          }
          throw error;
        }
        const result: MessageResult = { messageId: m.messageId, status: outcome.status };
        if (outcome.reason) result.reason = outcome.reason;
        if (outcome.bounce) result.bounce = outcome.bounce;
        this.store.record(record.key, [result]);
        done.set(m.messageId, result);
        const now = Date.now();
        if (outcome.status === 'accepted') this.machine.noteDelivered(m.messageId, now);
        deferred.push(
          outcome.status === 'accepted'
            ? {
                messageId: m.messageId,
                type: 'delivered',
                ...(outcome.reason ? { reason: outcome.reason } : {})
              }
            : {
                messageId: m.messageId,
                type: 'bounced',
                bounce: outcome.bounce ?? 'hard',
                reason: outcome.reason
              }
        );
        this.events.append(deferred);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, todo.length) }, worker));
    if (lost) {
      this.log(`batch ${batch.batchId}: ${(lost as ConnectionLost).message}; kept for a retry`);
      return lost;
    }
    if (this.closed) return new ConnectionLost('The relay is stopping.');
    const response: BatchResponse = {
      results: batch.messages.map((m) => done.get(m.messageId)!)
    };
    // A scheduled batch already answered its client: its stored response stays the one sent.
    if (!record.response) record.response = response;
    record.state = 'done';
    record.closedAt = new Date().toISOString();
    this.store.save(record);
    return response;
  }

  /** Arms the timer of a scheduled batch (at start, or when it is posted). */
  schedule(record: BatchRecord): void {
    this.unschedule(record.key);
    const due = Date.parse(record.batch.sendAt ?? '') || 0;
    const delay = due - Date.now();
    const fire = () => {
      this.timers.delete(record.key);
      if (this.closed || record.state !== 'scheduled') return;
      if (Date.parse(record.batch.sendAt ?? '') > Date.now()) return this.schedule(record);
      void this.run(record).then((r) => {
        // The SMTP server could not be reached: try again in a minute.
        if (r instanceof ConnectionLost && !this.closed) {
          const t = setTimeout(() => void this.resume(record), 60_000);
          this.timers.set(record.key, t);
        }
      });
    };
    if (delay <= 0) queueMicrotask(fire);
    else this.timers.set(record.key, setTimeout(fire, Math.min(delay, MAX_TIMER_MS)));
  }

  private async resume(record: BatchRecord): Promise<void> {
    this.timers.delete(record.key);
    if (this.closed) return;
    const r = await this.run(record);
    if (r instanceof ConnectionLost && !this.closed)
      this.timers.set(
        record.key,
        setTimeout(() => void this.resume(record), 60_000)
      );
  }

  unschedule(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** At start: scheduled batches wait for their time, interrupted ones carry on now. */
  restore(): void {
    for (const record of this.store.all()) {
      if (record.state === 'scheduled') this.schedule(record);
      else if (record.state === 'sending') void this.resume(record);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
