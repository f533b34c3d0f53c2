/**
 * N soft bounces in a row to one address count as a hard bounce (SPEC section 3: the address
 * goes on the suppression list). "In a row" runs over the address's messages, newest first,
 * and stops at the first one that went through without a bounce.
 */

export interface SentOutcome {
  /** When the message was handed over (ISO), to order them. */
  at: string;
  /** 'ok': accepted with no bounce reported; 'soft' / 'hard': the bounce reported. */
  outcome: 'ok' | 'soft' | 'hard';
}

export const DEFAULT_SOFT_BOUNCE_LIMIT = 3;

/** Soft bounces since the address's last message that went through (or a hard bounce). */
export function softBounceStreak(history: readonly SentOutcome[]): number {
  const newestFirst = [...history].sort((a, b) => b.at.localeCompare(a.at));
  let streak = 0;
  for (const h of newestFirst) {
    if (h.outcome !== 'soft') break;
    streak++;
  }
  return streak;
}

/** A limit from settings: a whole number of at least 1, else a message naming the setting. */
export function checkSoftBounceLimit(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_SOFT_BOUNCE_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `Soft bounces in a row: "${String(value)}" is not a whole number of at least 1.`
    );
  return n;
}
