/**
 * What the engine's services share: the database, the one-campaign cache, the clock, and the
 * start-up recovery every call waits for.
 */
import type { SliceDb } from '$lib/db/slice-db';
import type { CampaignCache } from './campaign-cache';

export interface EngineContext {
  db: SliceDb;
  cache: CampaignCache;
  /** Wall clock, epoch milliseconds (injectable for tests). */
  now: () => number;
  /** Monotonic clock for durations and throttling, milliseconds. */
  tick: () => number;
  /** Resolves once start-up recovery has run. */
  ready: Promise<unknown>;
  newId: () => string;
  /** Called after a campaign's contacts or events changed (automatic segment updates). */
  afterDataChange: (campaignId: string) => Promise<void>;
}

export function isoAt(ctx: EngineContext): string {
  return new Date(ctx.now()).toISOString();
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Holds a Web Lock for as long as `work` runs, where Web Locks exist (other tabs' start-up
 * recovery then leaves this work's data alone).
 */
export async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.request) return work();
  return locks.request(name, work) as Promise<T>;
}

/**
 * Holds the Web Lock `name` for as long as `work` runs, waiting for it if another holder (this
 * tab or another) has it; `onWait` is called first in that case, and aborting `signal` gives up
 * the wait (rejecting with an AbortError). Without Web Locks `work` runs at once.
 */
export async function withQueuedLock<T>(
  name: string,
  options: { signal?: AbortSignal; onWait?: () => void },
  work: () => Promise<T>
): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.request) return work();
  const now = (await locks.request(name, { ifAvailable: true }, async (lock) =>
    lock ? { value: await work() } : null
  )) as { value: T } | null;
  if (now) return now.value;
  options.onWait?.();
  return locks.request(name, { signal: options.signal }, work) as Promise<T>;
}

/** Whether `err` is what an aborted wait rejects with. */
export function isAbortError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * A random UUID (v4). crypto.randomUUID exists only in secure contexts; a team may host Slice
 * on plain http inside its network, where getRandomValues still works.
 */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
