import { describe, expect, it } from 'vitest';
import { RateLimiter } from '$lib/core/email/rate-limit';

const HOUR = 3_600_000;

describe('rate limiter', () => {
  it('spaces hand-overs by the per-second rate', () => {
    const limiter = new RateLimiter({ perSecond: 100, perHour: null, perDay: null });
    expect(limiter.waitFor(50, 0)).toBe(0);
    limiter.record(0, 50);
    expect(limiter.waitFor(50, 0)).toBe(500);
    expect(limiter.waitFor(50, 600)).toBe(0);
  });

  it('applies a rolling hourly cap and says when room comes back', () => {
    const limiter = new RateLimiter({ perSecond: null, perHour: 100, perDay: null });
    limiter.record(0, 60);
    limiter.record(10 * 60_000, 40);
    expect(limiter.capacity(20 * 60_000)).toBe(0);
    // 30 more fit once the first 60 leave the hour.
    expect(limiter.waitFor(30, 20 * 60_000)).toBe(HOUR - 20 * 60_000 + 1);
    expect(limiter.capacity(HOUR + 1)).toBe(60);
  });

  it('applies a daily cap', () => {
    const limiter = new RateLimiter({ perSecond: null, perHour: null, perDay: 50_000 });
    limiter.record(0, 49_990);
    expect(limiter.capacity(HOUR)).toBe(10);
    expect(limiter.waitFor(10, HOUR)).toBe(0);
    expect(limiter.waitFor(11, HOUR)).toBe(24 * HOUR - HOUR + 1);
    expect(limiter.waitFor(50_001, HOUR)).toBe(Infinity);
  });

  it('is unlimited without limits', () => {
    const limiter = new RateLimiter({ perSecond: null, perHour: null, perDay: null });
    limiter.record(0, 1_000_000);
    expect(limiter.capacity(1)).toBe(Infinity);
    expect(limiter.waitFor(1_000_000, 1)).toBe(0);
  });
});
