/**
 * What to do after posting a batch: record the results, retry later with the same key, or
 * stop with a message. Network errors and 5xx back off exponentially with full jitter; 429
 * honours Retry-After; 409 means the relay is still working on this key ("in flight"), so we
 * wait and ask again. A per-message rejection is a result, never a reason to retry the batch.
 */

export interface RetrySettings {
  /** First backoff, ms. */
  baseMs: number;
  /** Largest backoff, ms. */
  maxMs: number;
  /** Attempts (including the first) before the emailing stops as failed. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetrySettings = { baseMs: 500, maxMs: 60_000, maxAttempts: 8 };

export type PostOutcome =
  | { kind: 'network'; message: string }
  | { kind: 'http'; status: number; retryAfter?: string | null; message?: string };

export type RetryDecision =
  | { action: 'results' }
  | { action: 'retry'; delayMs: number; why: string }
  | { action: 'stop'; message: string; unknownOutcome: boolean };

/** Retry-After as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value == null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffMs(attempt: number, settings: RetrySettings, random: () => number): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * `attempt` is the number of the post that just ended (1 for the first). `unknownOutcome` on
 * a stop tells whether the relay may have sent the batch (then it must be re-posted with the
 * same key, never rebuilt).
 */
export function decideRetry(
  outcome: PostOutcome,
  attempt: number,
  options: { settings?: RetrySettings; now: number; random?: () => number }
): RetryDecision {
  const settings = options.settings ?? DEFAULT_RETRY;
  const random = options.random ?? Math.random;
  const exhausted = attempt >= settings.maxAttempts;
  if (outcome.kind === 'network') {
    if (exhausted) {
      return {
        action: 'stop',
        message: `The relay could not be reached after ${attempt} attempts (${outcome.message}).`,
        unknownOutcome: true
      };
    }
    return { action: 'retry', delayMs: backoffMs(attempt, settings, random), why: outcome.message };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return { action: 'results' };
  if (status === 429 || status === 409 || status >= 500) {
    if (exhausted) {
      return {
        action: 'stop',
        message:
          `The relay answered ${status} ${outcome.message ?? ''}`.trim() +
          ` after ${attempt} attempts.`,
        unknownOutcome: status !== 429
      };
    }
    const after = status === 429 ? retryAfterMs(outcome.retryAfter, options.now) : null;
    const delay = after ?? backoffMs(attempt, settings, random);
    const why =
      status === 429
        ? 'the relay asks to slow down'
        : status === 409
          ? 'the batch is still in flight'
          : `relay error ${status}`;
    return { action: 'retry', delayMs: Math.min(delay, Math.max(settings.maxMs, after ?? 0)), why };
  }
  const detail = outcome.message ? `: ${outcome.message}` : '';
  const message =
    status === 401 || status === 403
      ? `The relay refused the token (HTTP ${status}). Check the token in the relay settings.`
      : status === 422
        ? `The relay already has this batch with different content (HTTP 422)${detail}.`
        : `The relay refused the batch (HTTP ${status})${detail}.`;
  return { action: 'stop', message, unknownOutcome: false };
}
