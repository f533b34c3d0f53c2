/**
 * Rate limiting at the moment of sending: a rate in messages per second, and optional
 * rolling caps per hour and per day (providers impose them, e.g. 50,000/day). The limiter
 * holds the hand-overs of the last 24 hours; the send service rebuilds it from the ledger on
 * start, so a reload does not reset the caps.
 */

export interface RateLimits {
  /** Messages per second; null or 0 = unlimited. */
  perSecond: number | null;
  /** Rolling 60-minute cap; null = none. */
  perHour: number | null;
  /** Rolling 24-hour cap; null = none. */
  perDay: number | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class RateLimiter {
  /** [epoch ms, count] of each hand-over in the last day, oldest first. */
  private handovers: [number, number][] = [];
  /** Earliest time the next hand-over may start under the per-second rate. */
  private nextFree = 0;

  constructor(private limits: RateLimits) {}

  setLimits(limits: RateLimits): void {
    this.limits = limits;
  }

  /** Records `count` messages handed over at `at` (epoch ms). */
  record(at: number, count: number): void {
    if (count <= 0) return;
    this.handovers.push([at, count]);
    this.handovers.sort((a, b) => a[0] - b[0]);
    const rate = this.limits.perSecond;
    if (rate && rate > 0) this.nextFree = Math.max(this.nextFree, at) + (count / rate) * 1000;
  }

  private sentSince(from: number): number {
    let n = 0;
    for (const [at, count] of this.handovers) if (at > from) n += count;
    return n;
  }

  private prune(now: number): void {
    while (this.handovers.length && this.handovers[0][0] <= now - DAY_MS) this.handovers.shift();
  }

  /** How many messages the hour and day caps allow at `now` (Infinity without caps). */
  capacity(now: number): number {
    this.prune(now);
    let room = Infinity;
    if (this.limits.perHour != null)
      room = Math.min(room, this.limits.perHour - this.sentSince(now - HOUR_MS));
    if (this.limits.perDay != null)
      room = Math.min(room, this.limits.perDay - this.sentSince(now - DAY_MS));
    return Math.max(0, room);
  }

  /**
   * Milliseconds to wait from `now` before `count` messages may go: 0 when they may go now.
   * With a cap reached, the wait is until enough old hand-overs leave the window.
   */
  waitFor(count: number, now: number): number {
    let wait = Math.max(0, this.nextFree - now);
    const capWait = (limit: number | null, window: number) => {
      if (limit == null) return 0;
      if (count > limit) return Infinity;
      let inWindow = this.sentSince(now - window);
      if (inWindow + count <= limit) return 0;
      for (const [at, n] of this.handovers) {
        if (at <= now - window) continue;
        inWindow -= n;
        if (inWindow + count <= limit) return at + window - now + 1;
      }
      return Infinity;
    };
    this.prune(now);
    wait = Math.max(
      wait,
      capWait(this.limits.perHour, HOUR_MS),
      capWait(this.limits.perDay, DAY_MS)
    );
    return wait;
  }
}
