/**
 * The batch planner: the emailing's messages cut into numbered batches of at most the chosen
 * size, never above the relay's maxBatch. A batch's number is fixed when its messages are
 * written to the ledger, so a re-post after a reload carries the same Idempotency-Key and the
 * relay replays instead of sending twice.
 */

export interface BatchPlan {
  batchNo: number;
  /** Indexes into the message list: [start, end). */
  start: number;
  end: number;
}

/** The batch size to use: the setting bounded by the relay's maxBatch, at least 1. */
export function effectiveBatchSize(setting: number, maxBatch: number | null): number {
  const wanted = Number.isFinite(setting) && setting >= 1 ? Math.floor(setting) : 1;
  const cap =
    maxBatch != null && Number.isFinite(maxBatch) && maxBatch >= 1 ? Math.floor(maxBatch) : wanted;
  return Math.max(1, Math.min(wanted, cap));
}

/** Batches numbered from `firstBatchNo` (1 for a new emailing) over `count` messages. */
export function planBatches(count: number, batchSize: number, firstBatchNo = 1): BatchPlan[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`The batch size must be a whole number of at least 1 (got ${batchSize}).`);
  }
  const plans: BatchPlan[] = [];
  for (let start = 0, no = firstBatchNo; start < count; start += batchSize, no++) {
    plans.push({ batchNo: no, start, end: Math.min(count, start + batchSize) });
  }
  return plans;
}

/** The batch id the relay knows: `<emailingId>:<batchNo>`. */
export function batchId(emailingId: string, batchNo: number): string {
  return `${emailingId}:${batchNo}`;
}

/** The Idempotency-Key header value: a structured-field string, `"<emailingId>:<batchNo>"`. */
export function idempotencyKey(emailingId: string, batchNo: number): string {
  const id = batchId(emailingId, batchNo);
  return `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A message id unique per emailing and recipient, stable across re-posts. */
export function messageId(emailingId: string, contactId: number): string {
  return `${emailingId}:${contactId}`;
}
