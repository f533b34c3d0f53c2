import { describe, expect, it } from 'vitest';
import {
  batchId,
  effectiveBatchSize,
  idempotencyKey,
  messageId,
  planBatches
} from '$lib/core/email/batch-plan';

describe('batch planner', () => {
  it('bounds the batch size by the relay maxBatch', () => {
    expect(effectiveBatchSize(1000, 500)).toBe(500);
    expect(effectiveBatchSize(100, 500)).toBe(100);
    expect(effectiveBatchSize(100, null)).toBe(100);
    expect(effectiveBatchSize(0, 500)).toBe(1);
  });

  it('cuts messages into numbered batches covering each message once', () => {
    const plans = planBatches(1001, 250);
    expect(plans.map((p) => p.batchNo)).toEqual([1, 2, 3, 4, 5]);
    expect(plans.at(-1)).toEqual({ batchNo: 5, start: 1000, end: 1001 });
    const covered = plans.reduce((n, p) => n + p.end - p.start, 0);
    expect(covered).toBe(1001);
    expect(planBatches(0, 10)).toEqual([]);
    expect(planBatches(3, 2, 7).map((p) => p.batchNo)).toEqual([7, 8]);
    expect(() => planBatches(3, 0)).toThrow(/at least 1/);
  });

  it('builds the quoted Idempotency-Key and stable ids', () => {
    expect(idempotencyKey('em1', 3)).toBe('"em1:3"');
    expect(batchId('em1', 3)).toBe('em1:3');
    expect(messageId('em1', 42)).toBe('em1:42');
  });
});
