import { describe, expect, it } from 'vitest';
import { backoffMs, decideRetry, DEFAULT_RETRY, retryAfterMs } from '$lib/core/email/retry-policy';

const now = Date.UTC(2026, 0, 1);

describe('retry policy', () => {
  it('records results on 2xx, even when some messages were rejected', () => {
    expect(decideRetry({ kind: 'http', status: 200 }, 1, { now })).toEqual({ action: 'results' });
  });

  it('backs off exponentially with full jitter on network errors and 5xx', () => {
    const max = () => 0.999999;
    const d1 = decideRetry({ kind: 'network', message: 'fetch failed' }, 1, { now, random: max });
    const d3 = decideRetry({ kind: 'http', status: 503 }, 3, { now, random: max });
    expect(d1).toMatchObject({ action: 'retry', delayMs: 500 });
    expect(d3).toMatchObject({ action: 'retry', delayMs: 2000 });
    expect(backoffMs(30, DEFAULT_RETRY, max)).toBe(60_000);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it('honours Retry-After on 429 as seconds or a date', () => {
    expect(decideRetry({ kind: 'http', status: 429, retryAfter: '7' }, 1, { now })).toMatchObject({
      action: 'retry',
      delayMs: 7000
    });
    const date = new Date(now + 12_000).toUTCString();
    expect(retryAfterMs(date, now)).toBe(12_000);
    expect(retryAfterMs('soon', now)).toBeNull();
  });

  it('waits on 409: the batch is in flight', () => {
    expect(decideRetry({ kind: 'http', status: 409 }, 1, { now, random: () => 1 })).toMatchObject({
      action: 'retry',
      why: 'the batch is still in flight'
    });
  });

  it('stops with an unknown outcome once attempts are exhausted', () => {
    const stop = decideRetry({ kind: 'network', message: 'ECONNREFUSED' }, 8, { now });
    expect(stop).toMatchObject({ action: 'stop', unknownOutcome: true });
    if (stop.action === 'stop') expect(stop.message).toContain('after 8 attempts');
  });

  it('never retries 401 or 422 and says why', () => {
    const auth = decideRetry({ kind: 'http', status: 401 }, 1, { now });
    expect(auth).toMatchObject({ action: 'stop', unknownOutcome: false });
    if (auth.action === 'stop') expect(auth.message).toContain('token');
    expect(decideRetry({ kind: 'http', status: 422 }, 1, { now })).toMatchObject({
      action: 'stop'
    });
  });
});
