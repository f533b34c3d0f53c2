/**
 * The idempotency store, on disk so it survives restarts: one record per Idempotency-Key
 * (`<dataDir>/batches/<sha256 of key>.json`) holding the body's fingerprint, the batch
 * itself (a scheduled or interrupted batch is sent from it), its state and, once done, the
 * response replayed to a client that posts the same key again. Beside it a journal
 * (`.jsonl`) records each message's outcome as it happens, so a batch interrupted by a
 * crash resumes with the messages not yet handed over, never sending one twice.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync
} from 'node:fs';
import { join } from 'node:path';
import type { Batch, BatchResponse, MessageResult } from './batch';

export type BatchState = 'scheduled' | 'sending' | 'done' | 'cancelled';

export interface BatchRecord {
  key: string;
  fingerprint: string;
  batch: Batch;
  state: BatchState;
  createdAt: string;
  /** When the record reached done or cancelled: the key is kept idempotencyTtl after it. */
  closedAt?: string;
  response?: BatchResponse;
}

export class BatchStore {
  private readonly dir: string;
  private readonly byKey = new Map<string, BatchRecord>();
  private readonly byBatchId = new Map<string, BatchRecord>();
  // Journals of the batches being sent, kept open while they are.
  private readonly journals = new Map<string, number>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'batches');
    mkdirSync(this.dir, { recursive: true });
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.json')) continue;
      const record = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as BatchRecord;
      this.index(record);
    }
  }

  private index(record: BatchRecord): void {
    this.byKey.set(record.key, record);
    this.byBatchId.set(record.batch.batchId, record);
  }

  private base(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex'));
  }

  get(key: string): BatchRecord | undefined {
    return this.byKey.get(key);
  }

  getByBatchId(batchId: string): BatchRecord | undefined {
    return this.byBatchId.get(batchId);
  }

  all(): BatchRecord[] {
    return [...this.byKey.values()];
  }

  /** Writes the record atomically (temporary file, then rename). */
  save(record: BatchRecord): void {
    const file = `${this.base(record.key)}.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
    this.index(record);
    if (record.state === 'done' || record.state === 'cancelled') this.closeJournal(record.key);
  }

  private closeJournal(key: string): void {
    const fd = this.journals.get(key);
    if (fd !== undefined) closeSync(fd);
    this.journals.delete(key);
  }

  close(): void {
    for (const key of [...this.journals.keys()]) this.closeJournal(key);
  }

  journal(key: string): Map<string, MessageResult> {
    const file = `${this.base(key)}.jsonl`;
    const out = new Map<string, MessageResult>();
    if (!existsSync(file)) return out;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as MessageResult;
        out.set(r.messageId, r);
      } catch {
        // The line being written when the relay stopped: that message is tried again.
      }
    }
    return out;
  }

  record(key: string, results: MessageResult[]): void {
    if (results.length === 0) return;
    let fd = this.journals.get(key);
    if (fd === undefined) {
      fd = openSync(`${this.base(key)}.jsonl`, 'a');
      this.journals.set(key, fd);
    }
    writeSync(fd, results.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Forgets keys closed longer than `ttlSeconds` ago. */
  purge(ttlSeconds: number, now = Date.now()): number {
    let removed = 0;
    for (const record of this.byKey.values()) {
      if (!record.closedAt || now - Date.parse(record.closedAt) < ttlSeconds * 1000) continue;
      this.closeJournal(record.key);
      rmSync(`${this.base(record.key)}.json`, { force: true });
      rmSync(`${this.base(record.key)}.jsonl`, { force: true });
      this.byKey.delete(record.key);
      if (this.byBatchId.get(record.batch.batchId) === record)
        this.byBatchId.delete(record.batch.batchId);
      removed++;
    }
    return removed;
  }
}
