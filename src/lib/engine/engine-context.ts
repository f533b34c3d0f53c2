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
